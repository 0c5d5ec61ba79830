import type {BatchListener} from '../../engine/event-hub.js';
import type {FlashQEvent} from '../../engine/events.js';
import type {FlashQStats, StorageInfo, TopicStorageStats} from '../../engine/stats.js';
import type {GroupInfo} from '../../engine/types.js';
import type {RequestEvent, ServerStats} from '../../server/types.js';
import {type EventLevel, type EventLine, EventLog} from './event-log.js';
import {Ring} from './ring.js';

/** What the store reads from the engine: only its public stats and event surface. */
export interface EngineSource {
	stats(): FlashQStats;
	groups(): GroupInfo[];
	subscribe(listener: BatchListener<FlashQEvent>): () => void;
}

/** What the store reads from the server (a ServerHandle fits). */
export interface ServerSource {
	readonly url: string;
	stats(): ServerStats;
	readonly events: {subscribe(listener: BatchListener<RequestEvent>): () => void};
}

export interface IndexLookup {
	at: number;
	offset: number;
	entryOffset: number;
	position: number;
	scanned: number;
}

export interface TopicView {
	name: string;
	/** Records in the log (offsets 0..hwm-1: nothing is ever deleted), including those recovered at open. */
	records: number;
	/** Records appended by this process. */
	appended: number;
	highWaterMark: number;
	bytes: number;
	appends: number;
	/** Records appended per second over the last second. */
	appendRate: number;
	fsyncRate: number;
	/** Cache hit ratio over all reads so far, null before the first read (or without a cache). */
	hitRate: number | null;
	/** Hit ratio per second, newest last (0 when there were no reads in that second). */
	hitRateHistory: readonly number[];
	lookups: readonly IndexLookup[];
	storage: TopicStorageStats;
}

export interface ServerView {
	url: string;
	stats: ServerStats;
	requestRate: number;
	requestHistory: readonly number[];
	requests: readonly RequestEvent[];
}

/** One immutable picture of everything the panes show. A new object means something changed. */
export interface TuiSnapshot {
	version: number;
	now: number;
	startedAt: number;
	storage: StorageInfo;
	totals: FlashQStats['totals'];
	topics: readonly TopicView[];
	groups: readonly GroupInfo[];
	appendRate: number;
	appendHistory: readonly number[];
	events: readonly EventLine[];
	eventsTotal: number;
	eventsDropped: number;
	server: ServerView | null;
}

export interface TuiStoreOptions {
	/** Snapshots are published at most this often (50 ms: <= 20 renders a second). */
	minIntervalMs?: number;
	/** Without events, refresh this often anyway (uptime, decaying rates). */
	heartbeatMs?: number;
	eventCapacity?: number;
	requestCapacity?: number;
	historyLength?: number;
	/**
	 * Share of wall time the UI may spend building and drawing frames (default 0.05). When a frame
	 * costs more, snapshots come less often (down to one a second): the engine keeps its pace.
	 */
	renderBudget?: number;
	now?: () => number;
}

interface Sample {
	at: number;
	records: Map<string, number>;
	fsyncs: Map<string, number>;
	totalRecords: number;
	requests: number;
}

interface HitCounter {
	hits: number;
	misses: number;
	history: Ring<number>;
}

const RATE_WINDOW_MS = 1000;
/** However costly frames get, the screen refreshes at least this often. */
const MAX_INTERVAL_MS = 1000;
/** Without a busy engine, snapshots come at least this often. */
const IDLE_MAX_INTERVAL_MS = 100;
/** This many events between two snapshots mark the engine as busy. */
const BUSY_EVENTS = 20;
const LOOKUPS_KEPT = 8;

/**
 * The TUI's store: subscribes to the engine's (and server's) batched events, keeps bounded state
 * (event log ring, rate samples, sparkline history, last index lookups) and publishes immutable
 * snapshots at most every `minIntervalMs`, for `useSyncExternalStore`. Listeners run on a timer,
 * never inside an engine call, so a busy engine never waits on rendering.
 */
export class TuiStore {
	private readonly listeners = new Set<() => void>();
	private readonly log: EventLog;
	private readonly samples = new Ring<Sample>(64);
	private readonly appendHistory: Ring<number>;
	private readonly requestHistory: Ring<number>;
	private readonly requests: Ring<RequestEvent>;
	private readonly lookups = new Map<string, Ring<IndexLookup>>();
	private readonly hitCounters = new Map<string, HitCounter>();
	private readonly minIntervalMs: number;
	private readonly heartbeatMs: number;
	private readonly historyLength: number;
	private readonly now: () => number;
	private unsubscribers: (() => void)[] = [];
	/** Polls the UI itself made (topic@offset -> count): their events are not the engine's story. */
	private readonly ownReads = new Map<string, number>();
	private snapshot: TuiSnapshot;
	private timer: NodeJS.Timeout | undefined;
	private heartbeat: NodeJS.Timeout | undefined;
	private lastPublish = 0;
	private readonly renderBudget: number;
	/** Smoothed cost of one snapshot in ms: building it, and the renders it causes. */
	private frameCost = 0;
	/** Render time reported outside a publish's own measurement (deferred or follow-up renders). */
	private extraRenderMs = 0;
	private measuring = false;
	/** Engine/server events since the last snapshot: many means the engine is busy. */
	private eventsSincePublish = 0;
	private timerDue = 0;
	private lastHistoryAt = 0;
	private version = 0;
	private closed = false;

	constructor(
		private readonly engine: EngineSource,
		private readonly server: ServerSource | null = null,
		options: TuiStoreOptions = {},
	) {
		this.minIntervalMs = options.minIntervalMs ?? 50;
		this.heartbeatMs = options.heartbeatMs ?? 250;
		this.historyLength = options.historyLength ?? 60;
		this.now = options.now ?? Date.now;
		this.renderBudget = options.renderBudget ?? 0.05;
		this.log = new EventLog(options.eventCapacity ?? 200);
		this.appendHistory = new Ring(this.historyLength);
		this.requestHistory = new Ring(this.historyLength);
		this.requests = new Ring(options.requestCapacity ?? 50);
		this.snapshot = this.build();
	}

	/** Subscribes to the sources and starts the heartbeat. */
	start(): this {
		if (this.unsubscribers.length > 0 || this.closed) return this;
		// What storage did at open (recovery actions, a lock takeover) happened before anyone listened.
		for (const notice of this.engine.stats().storage.notices) this.log.note(`storage: ${notice.message}`, notice.level === 'warning' ? 'warn' : 'info', notice.at);
		this.unsubscribers.push(this.engine.subscribe((events, dropped) => this.onEngineEvents(events, dropped)));
		if (this.server) this.unsubscribers.push(this.server.events.subscribe((events) => this.onRequests(events)));
		if (this.heartbeatMs > 0) {
			this.heartbeat = setInterval(() => this.schedule(), this.heartbeatMs);
			this.heartbeat.unref();
		}
		return this;
	}

	close(): void {
		this.closed = true;
		for (const unsubscribe of this.unsubscribers) unsubscribe();
		this.unsubscribers = [];
		if (this.timer !== undefined) clearTimeout(this.timer);
		if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
		this.timer = undefined;
		this.heartbeat = undefined;
		this.listeners.clear();
	}

	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	readonly getSnapshot = (): TuiSnapshot => this.snapshot;

	/** A line from the UI in the Events log (action results, readable errors). */
	note(text: string, level: EventLevel = 'info'): void {
		this.log.note(text, level, this.now());
		this.schedule(true);
	}

	/** Marks the next poll event for `topic` from `fromOffset` as the UI's own read (kept out of Events). */
	ownRead(topic: string, fromOffset: number): void {
		const key = `${topic}@${fromOffset}`;
		this.ownReads.set(key, (this.ownReads.get(key) ?? 0) + 1);
		// Bounded: a read that emitted no event (empty range) must not leave an entry forever.
		if (this.ownReads.size > 256) this.ownReads.clear();
	}

	/** The renderer reports what drawing a frame cost (Ink's onRender), for the frame budget. */
	reportRenderTime(ms: number): void {
		if (!this.measuring && Number.isFinite(ms) && ms >= 0) this.extraRenderMs += ms;
	}

	/** The current gap between snapshots: the minimum, stretched when frames are expensive. */
	get publishIntervalMs(): number {
		const budgeted = this.frameCost / this.renderBudget;
		// Only a busy engine needs protecting from frames; an idle one keeps the screen lively.
		const stretched = this.eventsSincePublish >= BUSY_EVENTS ? budgeted : Math.min(budgeted, IDLE_MAX_INTERVAL_MS);
		return Math.min(MAX_INTERVAL_MS, Math.max(this.minIntervalMs, stretched));
	}

	/** Asks for a fresh snapshot soon (after a UI action changed the engine). */
	refresh(): void {
		this.schedule(true);
	}

	/** Builds and publishes a snapshot now (tests, `--once`). */
	publishNow(): TuiSnapshot {
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timer = undefined;
		this.publish();
		return this.snapshot;
	}

	private onEngineEvents(events: readonly FlashQEvent[], dropped: number): void {
		this.log.dropped += dropped;
		this.eventsSincePublish += events.length;
		for (const event of events) {
			if (event.type === 'poll' && event.group === undefined && this.ownReads.size > 0) {
				const key = `${event.topic}@${event.fromOffset}`;
				const own = this.ownReads.get(key);
				if (own !== undefined) {
					if (own <= 1) this.ownReads.delete(key);
					else this.ownReads.set(key, own - 1);
					continue;
				}
			}
			this.log.add(event);
			if (event.type === 'index.lookup') {
				let ring = this.lookups.get(event.topic);
				if (!ring) this.lookups.set(event.topic, (ring = new Ring(LOOKUPS_KEPT)));
				ring.push({at: event.at, offset: event.offset, entryOffset: event.entryOffset, position: event.position, scanned: event.scanned});
			}
		}
		this.schedule();
	}

	private onRequests(events: readonly RequestEvent[]): void {
		for (const event of events) this.requests.push(event);
		this.eventsSincePublish += events.length;
		this.schedule();
	}

	/** `urgent`: the user just did something; show its result at the minimum interval. */
	private schedule(urgent = false): void {
		if (this.closed) return;
		const now = this.now();
		const wait = Math.max(0, this.lastPublish + (urgent ? this.minIntervalMs : this.publishIntervalMs) - now);
		if (this.timer !== undefined) {
			if (now + wait >= this.timerDue) return;
			clearTimeout(this.timer);
		}
		this.timerDue = now + wait;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.publish();
		}, wait);
		this.timer.unref();
	}

	private publish(): void {
		this.lastPublish = this.now();
		this.eventsSincePublish = 0;
		const started = performance.now();
		try {
			this.snapshot = this.build();
		} catch {
			// The engine was closed under us (the tour replaces engines): keep the last picture.
			return;
		}
		for (const listener of this.listeners) listener();
		// React renders the new snapshot (Ink draws) in this loop turn; the effects it triggers
		// (the Records page load and its render) run by the next one. The time until then is what
		// this snapshot cost: an overestimate when the engine also ran, which errs on its side.
		if (this.listeners.size > 0 && !this.measuring) {
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

	private build(): TuiSnapshot {
		const now = this.now();
		const stats = this.engine.stats();
		const serverStats = this.server?.stats() ?? null;
		const sample: Sample = {at: now, records: new Map(), fsyncs: new Map(), totalRecords: stats.totals.records, requests: serverStats?.requests ?? 0};
		for (const topic of stats.topics) {
			sample.records.set(topic.name, topic.records);
			sample.fsyncs.set(topic.name, topic.storage.fsync?.count ?? 0);
		}
		const base = this.baseSample(now) ?? sample;
		this.samples.push(sample);
		const seconds = Math.max((now - base.at) / 1000, 0.001);
		const rate = (current: number, previous: number | undefined): number =>
			base === sample ? 0 : Math.max(0, current - (previous ?? 0)) / seconds;

		const appendRate = rate(sample.totalRecords, base.totalRecords);
		const requestRate = rate(sample.requests, base.requests);
		const historyDue = now - this.lastHistoryAt >= 1000;
		if (historyDue) {
			this.lastHistoryAt = now;
			this.appendHistory.push(appendRate);
			this.requestHistory.push(requestRate);
		}

		const sorted = [...stats.topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		const topics: TopicView[] = sorted.map((topic) => {
			const cache = topic.storage.cache;
			let counter = this.hitCounters.get(topic.name);
			if (!counter) this.hitCounters.set(topic.name, (counter = {hits: 0, misses: 0, history: new Ring(this.historyLength)}));
			if (cache && historyDue) {
				const hits = cache.hits - counter.hits;
				const misses = cache.misses - counter.misses;
				counter.history.push(hits + misses > 0 ? hits / (hits + misses) : 0);
				counter.hits = cache.hits;
				counter.misses = cache.misses;
			}
			const reads = cache ? cache.hits + cache.misses : 0;
			return {
				name: topic.name,
				records: topic.highWaterMark,
				appended: topic.records,
				highWaterMark: topic.highWaterMark,
				bytes: topic.bytes,
				appends: topic.appends,
				appendRate: rate(topic.records, base.records.get(topic.name)),
				fsyncRate: rate(topic.storage.fsync?.count ?? 0, base.fsyncs.get(topic.name)),
				hitRate: cache && reads > 0 ? cache.hits / reads : null,
				hitRateHistory: counter.history.toArray(),
				lookups: this.lookups.get(topic.name)?.toArray() ?? [],
				storage: topic.storage,
			};
		});

		return {
			version: this.version++,
			now,
			startedAt: stats.startedAt,
			storage: stats.storage,
			totals: stats.totals,
			topics,
			groups: this.engine.groups(),
			appendRate,
			appendHistory: this.appendHistory.toArray(),
			events: this.log.snapshot(),
			eventsTotal: this.log.total,
			eventsDropped: this.log.dropped,
			server:
				this.server && serverStats
					? {url: this.server.url, stats: serverStats, requestRate, requestHistory: this.requestHistory.toArray(), requests: this.requests.toArray()}
					: null,
		};
	}

	/** The newest sample at least a rate window old (or the oldest we have). */
	private baseSample(now: number): Sample | undefined {
		const samples = this.samples.toArray();
		let base: Sample | undefined;
		for (const sample of samples) {
			if (now - sample.at >= RATE_WINDOW_MS) base = sample;
			else break;
		}
		return base ?? samples[0];
	}
}
