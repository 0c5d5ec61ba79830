import type {BatchListener} from '../../core/event-hub.js';
import type {LiveQueueView} from '../../engine/live-queue.js';
import type {FlashQEvent} from '../../core/events.js';
import type {RequestEvent, ServerStats} from '../../server/types.js';
import {type EventLevel, EventLog} from './event-log.js';
import {LagHistory} from './lag-history.js';
import {PublishPacer} from './publish-pacer.js';
import {RateSampler} from './rate-sampler.js';
import {Ring} from './ring.js';
import {buildSnapshot, type IndexLookup, type TuiSnapshot} from './snapshot.js';

/** What the store reads from the queue (local or remote): only its public stats and event surface. */
export type EngineSource = LiveQueueView;

/** What the store reads from the server (a ServerHandle fits). */
export interface ServerSource {
	readonly url: string;
	stats(): ServerStats;
	readonly events: {subscribe(listener: BatchListener<RequestEvent>): () => void};
}

export interface TuiStoreOptions {
	/** Snapshots are published at most this often (50 ms: <= 20 renders a second). */
	minIntervalMs?: number;
	/** Without events, refresh this often anyway (uptime, decaying rates). */
	heartbeatMs?: number;
	eventCapacity?: number;
	requestCapacity?: number;
	historyLength?: number;
	/** Lag samples kept per group and topic (the Groups pane's trend), one per `lagStepMs` (default 1000). */
	lagHistoryLength?: number;
	lagStepMs?: number;
	/**
	 * Share of wall time the UI may spend building and drawing frames (default 0.05). When a frame
	 * costs more, snapshots come less often (down to one a second): the engine keeps its pace.
	 */
	renderBudget?: number;
	now?: () => number;
}

const LOOKUPS_KEPT = 8;
/**
 * A UI note waits this long for the engine's events that came before it: the hub delivers events
 * at most 50 ms after they happen, and a note ("produced orders@0") must follow its causes.
 */
const NOTE_WAIT_MS = 60;

interface PendingNote {
	text: string;
	level: EventLevel;
	at: number;
}

/**
 * The TUI's store: subscribes to the engine's (and server's) batched events, keeps bounded state
 * (event log ring, last requests, last index lookups) and publishes immutable snapshots for
 * `useSyncExternalStore`. It composes the parts: the PublishPacer decides when to publish, the
 * RateSampler turns counters into rates and histories, buildSnapshot puts a snapshot together.
 */
export class TuiStore {
	private readonly listeners = new Set<() => void>();
	private readonly log: EventLog;
	private readonly requests: Ring<RequestEvent>;
	private readonly lookups = new Map<string, Ring<IndexLookup>>();
	private readonly rates: RateSampler;
	private readonly lags: LagHistory;
	private readonly pacer: PublishPacer;
	private readonly now: () => number;
	private unsubscribers: (() => void)[] = [];
	private pendingNotes: PendingNote[] = [];
	private noteTimer: NodeJS.Timeout | undefined;
	private snapshot: TuiSnapshot;
	private version = 0;
	private closed = false;

	constructor(
		private readonly engine: EngineSource,
		private readonly server: ServerSource | null = null,
		options: TuiStoreOptions = {},
	) {
		this.now = options.now ?? Date.now;
		this.log = new EventLog(options.eventCapacity ?? 200);
		this.requests = new Ring(options.requestCapacity ?? 50);
		this.rates = new RateSampler(options.historyLength ?? 60);
		this.lags = new LagHistory(options.lagHistoryLength ?? 16, options.lagStepMs ?? 1000);
		this.pacer = new PublishPacer(
			{minIntervalMs: options.minIntervalMs ?? 50, heartbeatMs: options.heartbeatMs ?? 250, renderBudget: options.renderBudget ?? 0.05, now: this.now},
			() => this.publish(),
		);
		this.snapshot = this.build();
	}

	/** Subscribes to the sources and starts the heartbeat. */
	start(): this {
		if (this.unsubscribers.length > 0 || this.closed) return this;
		// What storage did at open (recovery actions, a lock takeover) happened before anyone listened.
		for (const notice of this.engine.stats().storage.notices) this.log.note(`storage: ${notice.message}`, notice.level === 'warning' ? 'warn' : 'info', notice.at);
		this.unsubscribers.push(this.engine.subscribe((events, dropped) => this.onEngineEvents(events, dropped)));
		if (this.server) this.unsubscribers.push(this.server.events.subscribe((events) => this.onRequests(events)));
		this.pacer.startHeartbeat();
		return this;
	}

	close(): void {
		this.closed = true;
		clearTimeout(this.noteTimer);
		for (const unsubscribe of this.unsubscribers) unsubscribe();
		this.unsubscribers = [];
		this.pacer.close();
		this.listeners.clear();
	}

	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	readonly getSnapshot = (): TuiSnapshot => this.snapshot;

	/** A line from the UI in the Events log (action results, readable errors). */
	note(text: string, level: EventLevel = 'info'): void {
		this.pendingNotes.push({text, level, at: this.now()});
		this.noteTimer ??= setTimeout(() => {
			this.noteTimer = undefined;
			this.addNotesUpTo(Infinity);
			this.pacer.schedule(true);
		}, NOTE_WAIT_MS);
		this.noteTimer.unref?.();
	}

	/** Moves pending notes made before `at` (all, for Infinity) into the log, in time order with the events. */
	private addNotesUpTo(at: number): void {
		while (this.pendingNotes.length > 0 && this.pendingNotes[0]!.at < at) {
			const note = this.pendingNotes.shift()!;
			this.log.note(note.text, note.level, note.at);
		}
	}

	/** The renderer reports what drawing a frame cost (Ink's onRender), for the frame budget. */
	reportRenderTime(ms: number): void {
		this.pacer.reportRenderTime(ms);
	}

	/** The current gap between snapshots: the minimum, stretched when frames are expensive. */
	get publishIntervalMs(): number {
		return this.pacer.intervalMs;
	}

	/** Asks for a fresh snapshot soon (after a UI action changed the engine). */
	refresh(): void {
		this.pacer.schedule(true);
	}

	/** Builds and publishes a snapshot now (tests, `--once`). */
	publishNow(): TuiSnapshot {
		// Notes still waiting for their causes' events stay pending; older ones are placed.
		this.addNotesUpTo(this.now() - NOTE_WAIT_MS);
		this.pacer.publishNow();
		return this.snapshot;
	}

	private onEngineEvents(events: readonly FlashQEvent[], dropped: number): void {
		this.log.dropped += dropped;
		for (const event of events) {
			// A note made before this event happened goes first; one made after (same ms included) after it.
			if (this.pendingNotes.length > 0) this.addNotesUpTo(event.at);
			this.log.add(event);
			if (event.type === 'index.lookup') {
				let ring = this.lookups.get(event.topic);
				if (!ring) this.lookups.set(event.topic, (ring = new Ring(LOOKUPS_KEPT)));
				ring.push({at: event.at, offset: event.offset, entryOffset: event.entryOffset, position: event.position, scanned: event.scanned});
			}
		}
		// The hub delivers everything emitted so far: the notes left were made after all of it.
		this.addNotesUpTo(Infinity);
		this.pacer.onEvents(events.length);
	}

	private onRequests(events: readonly RequestEvent[]): void {
		for (const event of events) this.requests.push(event);
		this.pacer.onEvents(events.length);
	}

	/** The pacer's publish: true when listeners were told (their renders count in the frame cost). */
	private publish(): boolean {
		try {
			this.snapshot = this.build();
		} catch {
			// The engine was closed under us (the tour replaces engines): keep the last picture.
			return false;
		}
		for (const listener of this.listeners) listener();
		return this.listeners.size > 0;
	}

	private build(): TuiSnapshot {
		const now = this.now();
		const stats = this.engine.stats();
		const serverStats = this.server?.stats() ?? null;
		const groups = this.engine.groups();
		return buildSnapshot({
			version: this.version++,
			now,
			stats,
			groups,
			lagTrends: this.lags.sample(now, groups),
			rates: this.rates.sample(now, stats, serverStats?.requests ?? 0),
			lookups: (topic) => this.lookups.get(topic)?.toArray() ?? [],
			events: {lines: this.log.snapshot(), total: this.log.total, dropped: this.log.dropped},
			server: this.server && serverStats ? {url: this.server.url, stats: serverStats, requests: this.requests.toArray()} : null,
		});
	}
}
