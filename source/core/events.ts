import type {IndexLookup} from './stats.js';
import type {SyncMode} from './records.js';

/**
 * Everything the engine and its storage report happening, one typed union. Views (TUI, server
 * metrics) read these and `FlashQ#stats()`; they never reach into storage.
 * `at` is the wall-clock time in ms since the epoch.
 */
export type FlashQEvent = (
	| {type: 'append'; at: number; topic: string; baseOffset: number; count: number; bytes: number}
	| {type: 'topic.create'; at: number; topic: string}
	/** A topic and its records were deleted; `groups` lost their committed offset for it. */
	| {type: 'topic.delete'; at: number; topic: string; records: number; groups: string[]}
	| {type: 'poll'; at: number; topic: string; fromOffset: number; count: number; group?: string}
	/** Records written to the write-ahead log (not yet durable unless an fsync follows). */
	| {type: 'wal.write'; at: number; topic: string; baseOffset: number; count: number; bytes: number; pendingRecords: number; pendingBytes: number}
	/** An fsync finished; `records` counts the appends it made durable (group commit shares one fsync). */
	| {type: 'fsync'; at: number; topic: string; file: 'wal' | 'log' | 'index' | 'group' | 'dir'; latencyMs: number; records: number}
	/** The WAL's records were committed into the main log. */
	| {type: 'wal.commit'; at: number; topic: string; records: number; bytes: number; logBytes: number}
	| {type: 'cache'; at: number; topic: string; hits: number; misses: number; evictions: number}
	/** An offset-index lookup: the entry found at or before `offset`, its byte position, and frames scanned after it. */
	| ({type: 'index.lookup'; at: number; topic: string} & IndexLookup)
	| {type: 'index.append'; at: number; topic: string; offset: number; position: number}
	| {type: 'group.create'; at: number; group: string}
	| {type: 'group.delete'; at: number; group: string}
	| {type: 'group.commit'; at: number; group: string; topic: string; offset: number}
	| {type: 'recovery.progress'; at: number; topic: string; bytesScanned: number; totalBytes: number}
	| {type: 'recovery.done'; at: number; topic: string; records: number; truncatedBytes: number; message?: string}
	| {type: 'lock'; at: number; state: 'acquired' | 'released' | 'compromised'; dataDir: string}
	| {type: 'storage.error'; at: number; topic?: string; message: string}
	| {type: 'sync.mode'; at: number; sync: SyncMode}
	/** NATS storage: records published to the topic's stream and acknowledged by it (`resent`: after an error, in offset order). */
	| {type: 'nats.ack'; at: number; topic: string; baseOffset: number; count: number; latencyMs: number; resent: number; duplicates: number}
	/** NATS storage: the stream's leader changed (an election after a node left). */
	| {type: 'nats.leader'; at: number; topic: string; leader: string | null; previous: string | null}
	/** NATS storage: the connection to the cluster dropped or came back. */
	| {type: 'nats.connection'; at: number; state: 'disconnected' | 'reconnected'; server: string | null}
) & {
	/**
	 * Set on events that stand for several equal ones (GET /events folds a large batch): how many.
	 * Counts and sums are the totals; `latencyMs` is then a sum too (divide by `merged`).
	 */
	merged?: number;
};

export type FlashQEventType = FlashQEvent['type'];
