import type {EventHub} from '../core/event-hub.js';
import type {FlashQEvent} from '../core/events.js';
import type {StorageInfo, TopicStorageStats} from '../core/stats.js';
import type {RecordInput, StoredRecord, SyncMode} from '../core/records.js';
import type {FileIo} from './file/io.js';

/**
 * One topic's append-only log.
 *
 * Contract (every backend, checked by test/storage/storage.suite.ts):
 * - `append` assigns offsets `[nextOffset, nextOffset + records.length)` synchronously, in call
 *   order, before it returns; concurrent appends therefore get dense, contiguous ranges with no
 *   lock in the caller. The promise resolves once the records are as durable as the sync mode
 *   promises, and rejects (with nothing acknowledged) if they could not be written; after such a
 *   failure the log is failed and rejects every later append.
 * - Records are stored with the given timestamp and read back unchanged.
 * - `read` returns up to `maxRecords` records from `fromOffset` in offset order, never one at or
 *   beyond `highWaterMark`; an offset at or beyond it gives an empty array. With `maxBytes` it stops
 *   before the record that would take the records' total past `maxBytes`, but always returns at
 *   least one record. A record's
 *   bytes are counted as the engine's validation counts them (`recordBytes`: UTF-8 bytes of key,
 *   value, header names and header values), so the bound means the same on every backend.
 *   Without `maxBytes` (storage-level callers, tests) only `maxRecords` bounds the read; the engine
 *   always passes one.
 * - A `quiet` read returns exactly what the same read would, but is counted nowhere: no cache hits
 *   or misses, no index lookup (nor `lastLookup`), no LRU recency change, no event. Views that show
 *   the queue (the TUI's Records pane) read quietly, so showing the queue does not change its figures.
 */
export interface TopicLog {
	readonly topic: string;
	/** The next offset to assign (the log end). */
	readonly nextOffset: number;
	/**
	 * The end of what readers see: records below it are acknowledged and can never be taken back.
	 * Equal to `nextOffset` except while appends wait for their fsync (file storage, sync always): a
	 * record that a failed fsync may still take back is never served, so no consumer sees it vanish.
	 */
	readonly highWaterMark: number;
	/**
	 * Appends already-validated records with one stored timestamp; resolves to the base offset.
	 * `bytes` must be the records' exact UTF-8 payload size (keys, values, header names and header
	 * values) as the engine's validation measured it: stats use it, and the file log encodes an
	 * all-ASCII batch (bytes equal to the UTF-16 length) without UTF-8 encoding.
	 */
	append(records: readonly RecordInput[], timestamp: number, bytes: number): Promise<number>;
	/** The same append, done at once (throws instead of rejecting): for logs whose appends never wait. */
	appendNow?(records: readonly RecordInput[], timestamp: number, bytes: number): number;
	read(fromOffset: number, maxRecords: number, maxBytes?: number, quiet?: boolean): Promise<StoredRecord[]>;
	/** What this log reports about itself (WAL, fsync, cache, index...). */
	stats(): TopicStorageStats;
	/**
	 * Where the record at `offset` lives on disk: its frame's bytes, file and byte position, and the
	 * index entry at or before it (for teaching views such as the byte inspector). Absent on backends
	 * that keep no frames (memory); null for an offset that does not exist.
	 */
	locateFrame?(offset: number): Promise<FrameLocation | null>;
	/**
	 * The first record below the high water mark whose timestamp is >= `time` (ms since the epoch),
	 * or `{offset: highWaterMark, timestamp: null}` when there is none. Counted nowhere, like a quiet
	 * read. Found by binary search (file storage: over the sparse index's frames, then a scan of about
	 * one interval), which assumes timestamps never decrease along the log. They are the engine's
	 * clock at append, so they do not unless the system clock steps back; where one did, the answer is
	 * still a record with timestamp >= `time` right after one with timestamp < `time` (or offset 0),
	 * but an earlier such record may exist.
	 */
	offsetForTime(time: number): Promise<{offset: number; timestamp: number | null}>;
	/** Makes everything appended so far durable (used on close and by `sync: never`). */
	flush(): Promise<void>;
	close(): Promise<void>;
}

export interface FrameLocation {
	/** `log` (committed) or `wal` (written ahead, not yet committed into the log). */
	source: 'log' | 'wal';
	file: string;
	/** Byte position of the frame in `file`. */
	position: number;
	/** The frame's bytes, exactly as they are (or, before the next sync round in `always` mode, will be) on disk. */
	bytes: Buffer;
	/** False while an `always`-mode frame waits for its sync round to be written. */
	written: boolean;
	/** The sparse-index entry at or before the frame (log frames only). */
	indexEntry: {offset: number; position: number} | null;
}

/** A consumer group's persisted state. */
export interface GroupState {
	groupId: string;
	/** topic → committed offset and the time (ms since epoch) it was committed. */
	offsets: Map<string, {offset: number; time: number}>;
}

/**
 * Persistent consumer-group state. The engine keeps groups in memory and writes through this;
 * a write resolves once the state is as durable as the sync mode promises.
 */
export interface ConsumerGroupStore {
	/**
	 * Every group that exists, read at open. A corrupt group file is an error, never a silent reset.
	 * `check` is the engine's test of each loaded group (it throws to refuse it); the store reports
	 * a refusal together with where the group is stored, which only the store knows.
	 */
	load(check?: (group: GroupState) => void): Promise<GroupState[]>;
	create(groupId: string): Promise<void>;
	/** Removes every trace of the group, so creating it again starts at offset 0. */
	delete(groupId: string): Promise<void>;
	/** Persists the group's whole current state (called after each commit). */
	save(state: GroupState): Promise<void>;
	close(): Promise<void>;
}

/** A storage backend: the factory for topic logs and the group store. */
export interface StorageBackend {
	readonly info: StorageInfo;
	/** Names of the topics that already exist in storage (opened lazily or at once, as the backend likes). */
	existingTopics(): Promise<string[]>;
	/** Opens (recovering if needed) or creates a topic's log. Called at most once per topic name. */
	openTopic(topic: string): Promise<TopicLog>;
	/**
	 * Deletes an opened topic: its log is closed and its records removed, so `openTopic` of the same
	 * name makes a new, empty topic. `dropOffsets` (the engine removing every group's committed offset
	 * for the topic) is called in the middle, so that a stop never leaves an offset for a topic that
	 * is gone (the next open would refuse it): file storage calls it after its commit point and
	 * finishes an interrupted deletion (offsets included) at the next open, so after a crash there is
	 * the whole topic or none of it; NATS calls it before the stream's deletion.
	 */
	deleteTopic(topic: string, dropOffsets: () => Promise<void>): Promise<void>;
	readonly groups: ConsumerGroupStore;
	/** Flushes and closes everything, then releases the directory lock. */
	close(): Promise<void>;
}

export interface MemoryStorageOptions {
	storage: 'memory';
}

export interface FileStorageOptions {
	storage: 'file';
	dataDir: string;
	sync?: SyncMode;
	/** Records per WAL commit into the main log (default 10). */
	commitThreshold?: number;
	/** fsync at least this often in `periodic` mode (default 100 ms). */
	syncIntervalMs?: number;
	/** LRU cache bound in records (default 1000). */
	cacheSize?: number;
	/** LRU cache bound in bytes (default 64 MiB). */
	cacheBytes?: number;
	/** The WAL is emptied (after an fsync of the log) once it grows past this many bytes (default 1 MiB). */
	walResetBytes?: number;
	/** One sparse-index entry every this many bytes of log (default 4096). */
	indexIntervalBytes?: number;
	/** Truncate a corrupt log at the damage (after copying it aside) instead of refusing to open. */
	repair?: boolean;
	/**
	 * A topic with no append, read or sync for this long (closed within twice this) closes its files,
	 * reopened on next use, so idle topics hold no descriptors (default 30000; 0: never).
	 */
	idleCloseMs?: number;
	/** Milliseconds after which another process's lock counts as stale (default 5000). */
	staleLockMs?: number;
	/** The file layer to use (default: the real file system); tests and the crash lesson pass a fault-injecting one. */
	io?: FileIo;
}

/** Topics on a NATS JetStream cluster (issue 14): one stream per topic, groups in a replicated KV bucket. */
export interface NatsStorageOptions {
	storage: 'nats';
	/** Server URLs (`nats://host:4222`); user/token in the URL are used for auth. */
	servers: string[];
	/** Replicas per stream and for the groups bucket (default 1; 3 survives one node's loss). */
	replicas?: number;
	/** Names every stream, subject and bucket this queue makes, so several queues share a cluster (default `flashq`). */
	prefix?: string;
	/** A NATS credentials file. */
	credsFile?: string;
	/** The lease this queue holds on its prefix expires this long after its holder stops renewing it (default 10 s). */
	leaseTtlMs?: number;
	/** A topic whose stream acknowledges nothing for this long stops writing until FlashQ is opened again (default 30 s). */
	ackGiveUpMs?: number;
	/**
	 * A read that gets no answer from the stream (no leader, no connection) fails after this long
	 * (default 15 s); opening waits as long for a cluster that is still electing its leaders.
	 */
	readGiveUpMs?: number;
}

export type StorageOptions = MemoryStorageOptions | FileStorageOptions | NatsStorageOptions;

/** What every backend gets: the hub to report through. */
export interface StorageContext {
	events: EventHub<FlashQEvent>;
}
