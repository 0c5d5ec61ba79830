import type {SyncMode} from './records.js';

/** Counters the engine keeps for one topic. */
export interface TopicCounters {
	records: number;
	bytes: number;
	appends: number;
	polls: number;
	recordsRead: number;
}

/** One offset-index lookup: the entry found at or before `offset`, its byte position, and frames scanned after it. */
export interface IndexLookup {
	offset: number;
	entryOffset: number;
	position: number;
	scanned: number;
}

/** What a topic's storage reports about itself. Memory storage leaves the file-only parts out. */
export interface TopicStorageStats {
	/** Bytes of record data held (memory) or in the main log file (file). */
	logBytes: number;
	wal?: {
		/** The first offset not yet in the main log (records from it on are only in the WAL). */
		committedOffset?: number;
		pendingRecords: number;
		pendingBytes: number;
		walBytes: number;
		commits: number;
		lastCommitTime: number | null;
	};
	fsync?: {
		count: number;
		lastLatencyMs: number | null;
		totalLatencyMs: number;
	};
	cache?: {
		capacity: number;
		maxBytes: number;
		entries: number;
		bytes: number;
		hits: number;
		misses: number;
		evictions: number;
		/** Lowest and highest offset held (null when empty); fewer `entries` than the span means gaps (issue 15: the log map). */
		span?: {first: number; last: number} | null;
	};
	index?: {
		entries: number;
		interval: number;
		lookups: number;
		lastLookup: IndexLookup | null;
		/** The entries' offsets, oldest first; past ENTRY_OFFSETS_SHOWN entries, an even sample keeping the first and last (the log map). */
		entryOffsets?: number[];
	};
	/** NATS JetStream storage: the topic's stream as the cluster reports it (issue 14). */
	jetstream?: JetStreamTopicStats;
	/** True once an I/O error has put the topic into its fail-stop state. */
	failed?: boolean;
	failure?: string;
}

/** One replica of a topic's stream. */
export interface JetStreamReplica {
	/** Server name in the cluster. */
	name: string;
	/** Caught up with the leader (JetStream's `current`). */
	current: boolean;
	/** Operations behind the leader. */
	lag: number;
	/** Milliseconds since the leader last heard from it. */
	activeMs: number;
}

export interface JetStreamTopicStats {
	/** The stream's name (the topic's name, encoded: JetStream refuses `.`, `/`, spaces...). */
	stream: string;
	subject: string;
	replicas: number;
	/** Server name of the stream's leader (null while an election runs). */
	leader: string | null;
	followers: JetStreamReplica[];
	/** Sequence numbers: offset = sequence - 1. */
	firstSeq: number;
	lastSeq: number;
	bytes: number;
	/** Publishes sent again after an error or timeout, and the server's answers "duplicate" to them. */
	resends: number;
	duplicates: number;
	/** Records published and not yet acknowledged by the stream. */
	inFlight: number;
	/** How the last read was served: a leader-answered message get (few records) or an ordered consumer (more). */
	lastRead: {method: 'get' | 'consumer'; fromOffset: number; records: number; ms: number} | null;
	/** When stream info was last fetched (it is refreshed in the background, not per call). */
	infoAt: number | null;
}

export interface TopicStats extends TopicCounters {
	name: string;
	highWaterMark: number;
	storage: TopicStorageStats;
}

/**
 * Something storage did or suffered that a user must hear about: a recovery action at open (a torn
 * tail cut, WAL frames dropped or replayed, a repair and the copy it kept, an index rebuilt), or the
 * loss of the data directory's lock. Kept for the life of the queue, printed at start, in /health.
 */
export interface StorageNotice {
	at: number;
	kind: 'recovery' | 'lock';
	/** `warning`: data was dropped or the queue stopped writing; `info`: nothing acknowledged was lost. */
	level: 'info' | 'warning';
	topic?: string;
	/** The file concerned (absolute path), when there is one. */
	file?: string;
	/** Byte position in `file` where the action happened. */
	position?: number;
	/** Records the action dropped (never acknowledged as durable, or cut by --repair), when known. */
	recordsDropped?: number;
	/** Bytes the action removed from `file`. */
	bytesDropped?: number;
	/** Where --repair kept a copy of the damaged file. */
	copy?: string;
	message: string;
}

export interface StorageInfo {
	kind: 'memory' | 'file' | 'nats';
	dataDir: string | null;
	sync: SyncMode | null;
	commitThreshold: number | null;
	cacheSize: number | null;
	locked: boolean;
	/** Every recovery action and lock loss since the queue opened, oldest first. */
	notices: StorageNotice[];
	/** NATS storage: the servers it was given, its prefix and replication factor. */
	nats?: {servers: string[]; prefix: string; replicas: number; connectedTo: string | null};
}

/** One snapshot of everything: what `FlashQ#stats()` returns. Cheap enough to call 20 times a second. */
export interface FlashQStats {
	startedAt: number;
	storage: StorageInfo;
	totals: TopicCounters & {topics: number; groups: number};
	topics: TopicStats[];
}

/** The most index entry offsets stats carry per topic: a strip a terminal wide needs no more. */
export const ENTRY_OFFSETS_SHOWN = 256;

export const emptyCounters = (): TopicCounters => ({records: 0, bytes: 0, appends: 0, polls: 0, recordsRead: 0});
