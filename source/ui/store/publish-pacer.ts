/** However costly frames get, the screen refreshes at least this often. */
const MAX_INTERVAL_MS = 1000;
/** Without a busy engine, snapshots come at least this often. */
const IDLE_MAX_INTERVAL_MS = 100;
/** This many events between two snapshots mark the engine as busy. */
const BUSY_EVENTS = 20;

export interface PacerOptions {
	/** Publishes come at most this often. */
	minIntervalMs: number;
	/** Without events, publish this often anyway (0: never). */
	heartbeatMs: number;
	/** Share of wall time the UI may spend building and drawing frames. */
	renderBudget: number;
	now: () => number;
}

/**
 * When the store publishes: at most every `minIntervalMs`, stretched while frames are expensive and
 * the engine is busy (down to one a second), and at least every heartbeat. `publish` runs on a
 * timer, never inside an engine call, so a busy engine never waits on rendering; it returns true
 * when it notified listeners, whose renders then count in the frame cost.
 */
export class PublishPacer {
	private timer: NodeJS.Timeout | undefined;
	private heartbeat: NodeJS.Timeout | undefined;
	private timerDue = 0;
	private lastPublish = 0;
	/** Smoothed cost of one snapshot in ms: building it, and the renders it causes. */
	private frameCost = 0;
	/** Render time reported outside a publish's own measurement (deferred or follow-up renders). */
	private extraRenderMs = 0;
	private measuring = false;
	/** Engine/server events since the last publish: many means the engine is busy. */
	private eventsSincePublish = 0;
	private closed = false;

	constructor(
		private readonly options: PacerOptions,
		private readonly publish: () => boolean,
	) {}

	startHeartbeat(): void {
		if (this.options.heartbeatMs <= 0 || this.heartbeat !== undefined || this.closed) return;
		this.heartbeat = setInterval(() => this.schedule(), this.options.heartbeatMs);
		this.heartbeat.unref();
	}

	close(): void {
		this.closed = true;
		if (this.timer !== undefined) clearTimeout(this.timer);
		if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
		this.timer = undefined;
		this.heartbeat = undefined;
	}

	/** Counts engine/server events toward "busy", then schedules a publish. */
	onEvents(count: number): void {
		this.eventsSincePublish += count;
		this.schedule();
	}

	/** The renderer reports what drawing a frame cost (Ink's onRender), for the frame budget. */
	reportRenderTime(ms: number): void {
		if (!this.measuring && Number.isFinite(ms) && ms >= 0) this.extraRenderMs += ms;
	}

	/** The current gap between publishes: the minimum, stretched when frames are expensive. */
	get intervalMs(): number {
		const budgeted = this.frameCost / this.options.renderBudget;
		// Only a busy engine needs protecting from frames; an idle one keeps the screen lively.
		const stretched = this.eventsSincePublish >= BUSY_EVENTS ? budgeted : Math.min(budgeted, IDLE_MAX_INTERVAL_MS);
		return Math.min(MAX_INTERVAL_MS, Math.max(this.options.minIntervalMs, stretched));
	}

	/** `urgent`: the user just did something; show its result at the minimum interval. */
	schedule(urgent = false): void {
		if (this.closed) return;
		const now = this.options.now();
		const wait = Math.max(0, this.lastPublish + (urgent ? this.options.minIntervalMs : this.intervalMs) - now);
		if (this.timer !== undefined) {
			if (now + wait >= this.timerDue) return;
			clearTimeout(this.timer);
		}
		this.timerDue = now + wait;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.run();
		}, wait);
		this.timer.unref();
	}

	/** Publishes now, dropping a pending timer. */
	publishNow(): void {
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timer = undefined;
		this.run();
	}

	private run(): void {
		this.lastPublish = this.options.now();
		this.eventsSincePublish = 0;
		const started = performance.now();
		if (!this.publish() || this.measuring) return;
		// React renders the new snapshot (Ink draws) in this loop turn; the effects it triggers
		// (the Records page load and its render) run by the next one. The time until then is what
		// this snapshot cost: an overestimate when the engine also ran, which errs on its side.
		this.measuring = true;
		setImmediate(() =>
			setImmediate(() => {
				this.measuring = false;
				const cost = performance.now() - started + this.extraRenderMs;
				this.extraRenderMs = 0;
				this.frameCost = this.frameCost * 0.6 + cost * 0.4;
			}),
		);
	}
}
