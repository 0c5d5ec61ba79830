import path from 'node:path';
import type {EventHub} from '../../core/event-hub.js';
import type {FlashQEvent} from '../../core/events.js';
import type {IndexLookup, StorageNotice} from '../../core/stats.js';
import type {StoredRecord, SyncMode} from '../../core/records.js';
import {WAL_HEADER_BYTES} from './frame-codec.js';
import type {FileIo} from './io.js';
import type {OffsetIndex} from './offset-index.js';
import {RecordCache} from './record-cache.js';
import {LOG_FILE, type Recovered} from './recovery.js';

export interface TopicLogSettings {
	sync: SyncMode;
	commitThreshold: number;
	syncIntervalMs: number;
	cacheSize: number;
	cacheBytes: number;
	/** The WAL is emptied (after an fsync of the log) once it grows past this. */
	walResetBytes: number;
	/** A checkpoint is written at a WAL reset once the log grew this much since the last one. */
	checkpointBytes: number;
	/**
	 * The most the WAL is preallocated to (it starts smaller and doubles as its writes approach the end,
	 * see `growWal`), then reused in place; 0: it grows and is truncated at resets.
	 */
	walPreallocBytes: number;
	/**
	 * Throws when this process may no longer write the data directory (its lock was lost or taken).
	 * Called before every write and before every acknowledgement, so it must be cheap.
	 */
	writeGuard?: () => void;
	/** Tells the user about something storage did on its own (an index rebuilt). */
	notify?: (notice: StorageNotice) => void;
	/** An idle topic closes its files after this long (see `idleTick`); 0: never. */
	idleCloseMs?: number;
}

/** An `always` append waiting for the sync round that covers it. */
export interface Waiter {
	resolve: () => void;
	reject: (error: Error) => void;
	records: number;
}

export interface PendingFrame {
	buf: Buffer;
	baseOffset: number;
	count: number;
}

/** What the writer needs of the sync rounds. */
export interface SyncScheduler {
	/** A round on the next turn of the event loop (group commit). */
	scheduleSync(): void;
	/** A round now. */
	startSync(): void;
	/** Runs a synchronous fsync and counts it. */
	timedSync(sync: () => void, file: 'wal' | 'log', records: number): void;
}

/** What the sync rounds (and idle closing) need of the writer. */
export interface Committer {
	writeUnwritten(): void;
	commit(): void;
	persistIndex(): void;
}

/** What the writer and the sync rounds need of fail-stop. */
export interface FailGuard {
	writable(): boolean;
	fail(error: unknown, what: string, mayWrite?: boolean): void;
}

/**
 * One topic's state, shared by the modules that each do one job on it: the writer (`topic-writer.ts`),
 * the sync rounds (`sync-rounds.ts`), fail-stop (`fail-stop.ts`), the reader (`topic-reader.ts`) and
 * the files (`topic-files.ts`). Plain fields, no behaviour: the modules read them and write the ones
 * their job owns, so what a module touches is visible here rather than hidden in another's privates.
 */
export class TopicState {
	next: number;
	/**
	 * Records below this offset were acknowledged: after the write in `periodic` and `never`, after a
	 * covering fsync in `always`. A failure rolls the files and memory back to it (see `rollBack`).
	 */
	acked: number;
	/** The log bytes known fsynced, as the WAL header's durable mark says (recovery trusts them). */
	durableMark: number;
	logBytes: number;
	walBytes = WAL_HEADER_BYTES;
	/** The WAL file's size: its preallocated (zeroed) region, grown by `growWal`. */
	walAllocated: number;
	/** Offset of the first record not yet in the log (the WAL's first pending record). */
	committedNext: number;
	pendingFrames: PendingFrame[] = [];
	/** First offset and byte position of each frame written to the WAL since its last reset (for rollBack). */
	walFrameOffsets: number[] = [];
	walFramePositions: number[] = [];
	pendingRecords: StoredRecord[] = [];
	pendingBytes = 0;
	readonly index: OffsetIndex;
	indexPersisted: number;
	checkpointLogBytes: number;
	readonly cache: RecordCache | null;
	waiting: Waiter[] = [];
	syncScheduled = false;
	syncing: Promise<void> | null = null;
	walDirty = false;
	/** The WAL header's durable mark moved since the WAL's last fsync: the next round fsyncs it. */
	markUnsynced = false;
	logDirty = false;
	failure: Error | null = null;
	/** `always` mode: WAL frames waiting for the next sync round's single write. */
	unwritten: PendingFrame[] = [];
	unwrittenBytes = 0;
	/** The file the current write goes to, for the error message. */
	writing = 'wal';
	closed = false;
	/** Set while an idle close commits: no sync round may start on files about to close. */
	quiescing = false;
	readonly logPath: string;
	readonly counters = {
		commits: 0,
		lastCommitTime: null as number | null,
		fsyncs: 0,
		lastFsyncMs: null as number | null,
		totalFsyncMs: 0,
		hits: 0,
		misses: 0,
		lookups: 0,
		lastLookup: null as IndexLookup | null,
	};

	constructor(
		readonly topic: string,
		readonly dir: string,
		readonly io: FileIo,
		readonly settings: TopicLogSettings,
		readonly events: EventHub<FlashQEvent>,
		recovered: Recovered,
		walAllocated: number,
	) {
		this.next = recovered.nextOffset;
		this.acked = recovered.nextOffset;
		// Recovery fsyncs the log and writes the WAL header with the whole log as durable.
		this.durableMark = recovered.logBytes;
		this.committedNext = recovered.nextOffset;
		this.logBytes = recovered.logBytes;
		this.checkpointLogBytes = recovered.logBytes;
		this.index = recovered.index;
		this.indexPersisted = recovered.indexPersisted;
		this.logPath = path.join(dir, LOG_FILE);
		this.walAllocated = walAllocated;
		this.cache =
			settings.cacheSize > 0 && settings.cacheBytes > 0
				? new RecordCache(settings.cacheSize, settings.cacheBytes)
				: null;
	}

	get highWaterMark(): number {
		return this.settings.sync === 'always' ? this.acked : this.next;
	}

	evictions(): number {
		return this.cache?.evictions ?? 0;
	}
}
