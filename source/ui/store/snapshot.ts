import type {FlashQStats, IndexLookup as EngineIndexLookup, StorageInfo, TopicStorageStats} from '../../core/stats.js';
import type {GroupInfo} from '../../engine/types.js';
import type {RequestEvent, ServerStats} from '../../server/types.js';
import type {EventLine} from './event-log.js';
import type {Rates} from './rate-sampler.js';

/** An index lookup as the Offset Index pane lists it: when it happened, and what it found. */
export interface IndexLookup extends EngineIndexLookup {
	at: number;
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
	/** Each group's lag per topic, one value a second, newest (the lag now) last; by lagKey(group, topic). */
	lagTrends: ReadonlyMap<string, readonly number[]>;
	appendRate: number;
	appendHistory: readonly number[];
	events: readonly EventLine[];
	eventsTotal: number;
	eventsDropped: number;
	server: ServerView | null;
}

/** What one snapshot is made of: the engine's stats read now, the rates, and the store's kept state. */
export interface SnapshotParts {
	version: number;
	now: number;
	stats: FlashQStats;
	groups: readonly GroupInfo[];
	lagTrends: ReadonlyMap<string, readonly number[]>;
	rates: Rates;
	/** The last lookups per topic, oldest first. */
	lookups: (topic: string) => readonly IndexLookup[];
	events: {lines: readonly EventLine[]; total: number; dropped: number};
	server: {url: string; stats: ServerStats; requests: readonly RequestEvent[]} | null;
}

const byName = (a: {name: string}, b: {name: string}): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Puts the parts together as the panes read them: topics sorted by name, ratios worked out. */
export function buildSnapshot(parts: SnapshotParts): TuiSnapshot {
	const {stats, rates} = parts;
	const topics: TopicView[] = [...stats.topics].sort(byName).map((topic) => {
		const cache = topic.storage.cache;
		const reads = cache ? cache.hits + cache.misses : 0;
		const topicRates = rates.topics.get(topic.name);
		return {
			name: topic.name,
			records: topic.highWaterMark,
			appended: topic.records,
			highWaterMark: topic.highWaterMark,
			bytes: topic.bytes,
			appends: topic.appends,
			appendRate: topicRates?.appendRate ?? 0,
			fsyncRate: topicRates?.fsyncRate ?? 0,
			hitRate: cache && reads > 0 ? cache.hits / reads : null,
			hitRateHistory: topicRates?.hitRateHistory ?? [],
			lookups: parts.lookups(topic.name),
			storage: topic.storage,
		};
	});
	return {
		version: parts.version,
		now: parts.now,
		startedAt: stats.startedAt,
		storage: stats.storage,
		totals: stats.totals,
		topics,
		groups: parts.groups,
		lagTrends: parts.lagTrends,
		appendRate: rates.appendRate,
		appendHistory: rates.appendHistory,
		events: parts.events.lines,
		eventsTotal: parts.events.total,
		eventsDropped: parts.events.dropped,
		server: parts.server
			? {url: parts.server.url, stats: parts.server.stats, requestRate: rates.requestRate, requestHistory: rates.requestHistory, requests: parts.server.requests}
			: null,
	};
}
