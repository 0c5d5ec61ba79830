import path from 'node:path';
import type {EventHub} from '../../engine/event-hub.js';
import type {FlashQEvent} from '../../engine/events.js';
import type {IndexLookup, StorageNotice, TopicStorageStats} from '../../engine/stats.js';
import type {RecordInput, StoredRecord, SyncMode} from '../../engine/types.js';
import {recordBytes, recordBytesUpperBound} from '../record-bytes.js';
import type {FrameLocation, TopicLog} from '../types.js';
import {writeCheckpoint} from './checkpoint.js';
import {decodeRecords, encodeFrame, encodeWalHeader, fitRecords, FRAME_HEADER_BYTES, parseHeader, WAL_HEADER_BYTES} from './frame-codec.js';
import {FrameStream} from './frame-stream.js';
import {advice, errorCode, explain} from './io-errors.js';
import type {FileIo} from './io.js';
import {INDEX_ENTRY_BYTES, type OffsetIndex} from './offset-index.js';
import {RecordCache} from './record-cache.js';
import {INDEX_FILE, LOG_FILE, type Recovered, type TopicFds, WAL_FILE, zeroFill} from './recovery.js';

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

const MAX_SCRATCH = 16 * 1024 * 1024;
/** A lone append's fsync runs on the event loop only while fsyncs take less than this. */
const SYNC_INLINE_MAX_MS = 2;

interface Waiter {
	resolve: () => void;
	reject: (error: Error) => void;
	records: number;
}

interface PendingFrame {
	buf: Buffer;
	baseOffset: number;
	count: number;
}

/**
 * One topic on disk: `log` (committed frames), `wal` (frames since the last commit), `index`
 * (sparse offset index) and `checkpoint`. Appends encode one frame per batch and write it
 * synchronously, so offsets follow call order; durability waits are asynchronous:
 * - always: a sync round (one fdatasync per dirty file) starts on the next turn of the event loop
 *   and acknowledges every append written before it started: group commit.
 * - periodic: acknowledged after the write; fsync at each commit and every syncIntervalMs.
 * - never: fsync at close only.
 * Every `commitThreshold` records the WAL's frames are appended to the log (O(records since the
 * last commit)); a batch of at least `commitThreshold` records arriving with nothing pending
 * would be committed at once, so it goes to the log directly instead of being written twice.
 */
export class FileTopicLog implements TopicLog {
	private next: number;
	/**
	 * Records below this offset were acknowledged: after the write in `periodic` and `never`, after a
	 * covering fsync in `always`. A failure rolls the files and memory back to it (see `rollBack`).
	 */
	private acked: number;
	/** The log bytes known fsynced, as the WAL header's durable mark says (recovery trusts them). */
	private durableMark: number;
	private logBytes: number;
	private walBytes = WAL_HEADER_BYTES;
	/** The WAL file's size: its preallocated (zeroed) region, grown by `growWal`. */
	private walAllocated: number;
	/** Offset of the first record not yet in the log (the WAL's first pending record). */
	private committedNext: number;
	private pendingFrames: PendingFrame[] = [];
	/** First offset and byte position of each frame written to the WAL since its last reset (for rollBack). */
	private walFrameOffsets: number[] = [];
	private walFramePositions: number[] = [];
	private pendingRecords: StoredRecord[] = [];
	private pendingBytes = 0;
	private readonly index: OffsetIndex;
	private indexPersisted: number;
	private checkpointLogBytes: number;
	private readonly cache: RecordCache | null;
	private waiting: Waiter[] = [];
	private syncScheduled = false;
	private syncing: Promise<void> | null = null;
	private walDirty = false;
	/** The WAL header's durable mark moved since the WAL's last fsync: the next round fsyncs it. */
	private markUnsynced = false;
	private logDirty = false;
	private timer: NodeJS.Timeout | undefined;
	private failure: Error | null = null;
	/** `always` mode: WAL frames waiting for the next sync round's single write. */
	private unwritten: PendingFrame[] = [];
	private unwrittenBytes = 0;
	/** The file the current write goes to, for the error message. */
	private writing = 'wal';
	/** Frames are encoded here and written from here: no fresh memory to fault in per batch. */
	private scratch = Buffer.allocUnsafe(256 * 1024);
	private closed = false;
	/** Set while an idle close commits: no sync round may start on files about to close. */
	private quiescing = false;
	/** The open files; null while the topic is idle with its files closed (`fds` reopens them). */
	private files: TopicFds | null;
	/** Set by every use of the files; the idle timer closes them after a whole period without one. */
	private used = true;
	/** Reads and flushes in progress: they hold fds across awaits, so the files stay open meanwhile. */
	private inUse = 0;
	private idleTimer: NodeJS.Timeout | undefined;
	private readonly logPath: string;
	private readonly counters = {
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
		private readonly dir: string,
		private readonly io: FileIo,
		fds: TopicFds,
		private readonly settings: TopicLogSettings,
		private readonly events: EventHub<FlashQEvent>,
		recovered: Recovered,
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
		this.files = fds;
		this.armIdle();
		this.walAllocated = io.size(fds.wal);
		this.cache =
			settings.cacheSize > 0 && settings.cacheBytes > 0
				? new RecordCache(settings.cacheSize, settings.cacheBytes)
				: null;
		if (settings.sync === 'periodic') {
			this.timer = setInterval(() => {
				if (this.walDirty || this.logDirty || this.markUnsynced) this.startSync();
			}, settings.syncIntervalMs);
			this.timer.unref();
		}
	}

	/**
	 * The topic's files, reopened if idle closing closed them (no recovery: the state is all in memory,
	 * and the files were left clean). Every use of the files goes through here.
	 */
	private get fds(): TopicFds {
		this.used = true;
		if (this.files) return this.files;
		const open = (file: string): number => {
			try {
				return this.io.open(path.join(this.dir, file), false);
			} catch (error) {
				throw explain(error, `cannot reopen ${path.join(this.dir, file)} of topic '${this.topic}'`);
			}
		};
		const log = open(LOG_FILE);
		let wal: number | undefined;
		try {
			wal = open(WAL_FILE);
			this.files = {log, wal, index: open(INDEX_FILE)};
		} catch (error) {
			this.io.close(log);
			if (wal !== undefined) this.io.close(wal);
			throw error;
		}
		this.armIdle();
		return this.files;
	}

	private armIdle(): void {
		const ms = this.settings.idleCloseMs ?? 0;
		if (ms <= 0 || this.idleTimer) return;
		this.idleTimer = setTimeout(() => this.idleTick(), ms);
		this.idleTimer.unref();
	}

	/**
	 * Closes the files after a whole idle period with no use, when nothing waits on them: no sync
	 * round running or scheduled, no unacknowledged append, no read in progress. They are left as a
	 * clean close leaves them (pending records committed, everything fsynced, checkpoint written, WAL
	 * emptied), all synchronously so no append slips in between; `close` then has nothing to do.
	 * Holding 3 descriptors per topic forever would exhaust `ulimit -n` at a few hundred topics.
	 */
	private idleTick(): void {
		this.idleTimer = undefined;
		if (!this.files || this.closed || this.failure) return;
		const busy = this.syncing !== null || this.syncScheduled || this.waiting.length > 0 || this.unwritten.length > 0 || this.inUse > 0;
		if (this.used || busy) {
			this.used = false;
			this.armIdle();
			return;
		}
		if (!this.writable()) return;
		try {
			// `commit` starts a sync round in periodic mode: there is nothing left for it after this.
			this.quiescing = true;
			this.commit();
			this.persistIndex();
			this.io.fdatasyncSync(this.files.log);
			this.io.fdatasyncSync(this.files.wal);
			this.resetWalForClose();
		} catch (error) {
			// Out of descriptors for the checkpoint's temp file: the files stay open and consistent (all
			// committed and fsynced; the WAL's frames are in the log), so try again later.
			const code = errorCode(error);
			if (code === 'EMFILE' || code === 'ENFILE') {
				this.armIdle();
				return;
			}
			this.fail(error, `closing the idle files of ${this.dir}`);
			return;
		} finally {
			this.quiescing = false;
		}
		this.walDirty = false;
		this.logDirty = false;
		this.markUnsynced = false;
		this.durableMark = this.logBytes;
		this.acked = Math.max(this.acked, this.next);
		// The WAL is empty after its header now (as resetWal leaves it).
		this.walBytes = WAL_HEADER_BYTES;
		this.walFrameOffsets = [];
		this.walFramePositions = [];
		const files = this.files;
		this.files = null;
		for (const fd of [files.log, files.wal, files.index]) {
			try {
				this.io.close(fd);
			} catch {
				// Everything is durable already.
			}
		}
	}

	get nextOffset(): number {
		return this.next;
	}

	get highWaterMark(): number {
		return this.settings.sync === 'always' ? this.acked : this.next;
	}

	append(records: readonly RecordInput[], timestamp: number, bytes: number): Promise<number> {
		if (this.failure) return Promise.reject(this.failure);
		if (this.closed) return Promise.reject(new Error(`topic '${this.topic}' is closed`));
		const base = this.next;
		const count = records.length;
		// A frame holds at least one record (recovery rejects empty ones), so an empty batch writes nothing.
		if (count === 0) return Promise.resolve(base);
		if (!this.writable()) return Promise.reject(this.failure);
		try {
			void this.fds;
		} catch (error) {
			return Promise.reject(error);
		}
		const {buffer, recordSizes} = encodeFrame(base, timestamp, records, this.scratch, bytes);
		if (buffer.buffer !== this.scratch.buffer && buffer.length * 3 <= MAX_SCRATCH) this.scratch = Buffer.allocUnsafe(buffer.length * 3 + 1024);
		try {
			if (this.pendingFrames.length === 0 && count >= this.settings.commitThreshold) this.writeDirect(buffer, base, count);
			// The WAL keeps its frames until their commit: a tight copy, not a view of the scratch buffer.
			else this.writeWal(Buffer.from(buffer), base, storedRecords(records, base, timestamp));
		} catch (error) {
			this.fail(error, `write to ${path.join(this.dir, this.writing)}`);
			return Promise.reject(this.failure);
		}
		this.next = base + count;
		this.cache?.add(base, timestamp, records, recordSizes);
		if (this.settings.sync !== 'always') {
			this.acked = this.next;
			return Promise.resolve(base);
		}
		return new Promise<number>((resolve, reject) => {
			this.waiting.push({resolve: () => resolve(base), reject, records: count});
			this.scheduleSync();
		});
	}

	private writeDirect(buffer: Buffer, base: number, count: number): void {
		this.writing = 'log';
		this.io.write(this.fds.log, buffer, 0, buffer.length, this.logBytes);
		this.addIndex(base, this.logBytes);
		this.logBytes += buffer.length;
		this.committedNext = base + count;
		this.logDirty = true;
		this.persistIndex();
		this.counters.commits++;
		this.counters.lastCommitTime = Date.now();
		if (this.events.active) {
			this.events.emit({type: 'wal.commit', at: Date.now(), topic: this.topic, records: count, bytes: buffer.length, logBytes: this.logBytes});
		}
		if (this.settings.sync === 'periodic') this.startSync();
	}

	private writeWal(buffer: Buffer, base: number, stored: StoredRecord[]): void {
		const frame = {buf: buffer, baseOffset: base, count: stored.length};
		if (this.settings.sync === 'always') {
			// Nobody is told "ok" before the next sync round, so the round writes all of them in one call.
			this.unwritten.push(frame);
			this.unwrittenBytes += buffer.length;
		} else {
			this.writing = 'wal';
			this.growWal(this.walBytes + buffer.length);
			this.io.write(this.fds.wal, buffer, 0, buffer.length, this.walBytes);
			this.walFrameOffsets.push(base);
			this.walFramePositions.push(this.walBytes);
			this.walBytes += buffer.length;
		}
		this.walDirty = true;
		this.pendingFrames.push(frame);
		for (const record of stored) this.pendingRecords.push(record);
		this.pendingBytes += buffer.length;
		if (this.events.active) {
			this.events.emit({
				type: 'wal.write',
				at: Date.now(),
				topic: this.topic,
				baseOffset: base,
				count: stored.length,
				bytes: buffer.length,
				pendingRecords: this.pendingRecords.length,
				pendingBytes: this.pendingBytes,
			});
		}
		// In `always` mode the sync round commits, after it wrote the WAL.
		if (this.settings.sync !== 'always' && this.pendingRecords.length >= this.settings.commitThreshold) this.commit();
	}

	/** Appends the WAL's pending frames to the log: O(records since the last commit). */
	private commit(): void {
		if (this.pendingFrames.length === 0) return;
		const frames = this.pendingFrames;
		const data = frames.length === 1 ? frames[0]!.buf : Buffer.concat(frames.map((f) => f.buf));
		this.writing = 'log';
		this.io.write(this.fds.log, data, 0, data.length, this.logBytes);
		let position = this.logBytes;
		for (const frame of frames) {
			this.addIndex(frame.baseOffset, position);
			position += frame.buf.length;
		}
		this.logBytes = position;
		const records = this.pendingRecords.length;
		this.committedNext += records;
		this.pendingFrames = [];
		this.pendingRecords = [];
		this.pendingBytes = 0;
		this.persistIndex();
		this.counters.commits++;
		this.counters.lastCommitTime = Date.now();
		if (this.events.active) {
			this.events.emit({type: 'wal.commit', at: Date.now(), topic: this.topic, records, bytes: data.length, logBytes: this.logBytes});
		}
		if (this.settings.sync === 'periodic') this.startSync();
		if (this.walBytes + this.unwrittenBytes >= this.settings.walResetBytes) this.resetWal();
	}

	/**
	 * Empties the WAL once it is large. Its records are all in the log by now, so the log is fsynced
	 * first (synchronously: no append may slip in between) and the WAL header records the new durable
	 * mark. In `never` mode nothing is fsynced and the mark stays where it was.
	 */
	private resetWal(): void {
		if (this.settings.sync !== 'never') {
			this.writing = 'log';
			this.timedSync(() => this.io.fdatasyncSync(this.fds.log), 'log', 0);
			this.logDirty = false;
			this.durableMark = this.logBytes;
			const header = encodeWalHeader({sync: this.settings.sync, durableLogBytes: this.logBytes, nextOffset: this.committedNext});
			this.writing = 'wal';
			this.io.write(this.fds.wal, header, 0, WAL_HEADER_BYTES, 0);
		}
		// Preallocated: no truncation, new frames overwrite the old ones in place (allocated blocks fsync
		// faster than a growing file). Old frames hold only records the log has, so recovery skips them.
		if (this.settings.walPreallocBytes === 0) this.io.truncate(this.fds.wal, WAL_HEADER_BYTES);
		this.walBytes = WAL_HEADER_BYTES;
		this.walFrameOffsets = [];
		this.walFramePositions = [];
		// Frames not yet written to the WAL are all in the log now (and, unless `never`, fsynced there).
		this.unwritten = [];
		this.unwrittenBytes = 0;
		if (this.settings.sync !== 'never' && this.logBytes - this.checkpointLogBytes >= this.settings.checkpointBytes) this.checkpoint();
	}

	private checkpoint(): void {
		this.persistIndex();
		this.io.fdatasyncSync(this.fds.index);
		writeCheckpoint(this.io, this.dir, {logBytes: this.logBytes, nextOffset: this.committedNext, indexEntries: this.index.length});
		this.checkpointLogBytes = this.logBytes;
	}

	private addIndex(offset: number, position: number): void {
		if (this.index.maybeAdd(offset, position) && this.events.active) {
			this.events.emit({type: 'index.append', at: Date.now(), topic: this.topic, offset, position});
		}
	}

	/** Appends new index entries to the index file (fsynced only at checkpoints: recovery rebuilds the rest). */
	private persistIndex(): void {
		if (this.index.length === this.indexPersisted) return;
		const buf = this.index.encode(this.indexPersisted);
		this.io.write(this.fds.index, buf, 0, buf.length, this.indexPersisted * INDEX_ENTRY_BYTES);
		this.indexPersisted = this.index.length;
	}

	/** Writes the WAL frames queued by `always` appends, in one call. */
	private writeUnwritten(): void {
		if (this.unwritten.length === 0) return;
		const data = this.unwritten.length === 1 ? this.unwritten[0]!.buf : Buffer.concat(this.unwritten.map((f) => f.buf), this.unwrittenBytes);
		this.writing = 'wal';
		this.growWal(this.walBytes + data.length);
		this.io.write(this.fds.wal, data, 0, data.length, this.walBytes);
		let position = this.walBytes;
		for (const frame of this.unwritten) {
			this.walFrameOffsets.push(frame.baseOffset);
			this.walFramePositions.push(position);
			position += frame.buf.length;
		}
		this.walBytes += data.length;
		this.unwritten = [];
		this.unwrittenBytes = 0;
	}

	/**
	 * Keeps the WAL's preallocated region ahead of its writes: once a write would end in its last
	 * quarter, the region doubles (up to `walPreallocBytes`). A quiet topic thus costs a small WAL,
	 * and a busy one settles at the full size and overwrites allocated blocks (cheaper fdatasyncs).
	 * A failed growth is no failure: the write itself then extends the file, or reports why not.
	 */
	private growWal(end: number): void {
		const max = this.settings.walPreallocBytes;
		if (max === 0 || this.walAllocated >= max || end <= this.walAllocated - (this.walAllocated >> 2)) return;
		let size = Math.max(this.walAllocated, 4096);
		while (size < max && end > size - (size >> 2)) size *= 2;
		size = Math.min(size, max);
		try {
			zeroFill(this.io, this.fds.wal, this.walAllocated, size);
			this.walAllocated = size;
		} catch {
			// No room for zeros (a full disk): stop preallocating; the frame write says whether it fits.
			this.walAllocated = max;
		}
	}

	private scheduleSync(): void {
		if (this.syncScheduled || this.syncing) return;
		this.syncScheduled = true;
		// On the next turn, so appends made in this one (concurrent producers) share the fsync.
		setImmediate(() => {
			this.syncScheduled = false;
			this.startSync();
		});
	}

	/** One sync round: fdatasync every dirty file, then acknowledge the appends written before it began. */
	private startSync(): void {
		if (this.syncing || this.failure || this.quiescing || this.closed && this.waiting.length === 0) return;
		if (!this.writable()) return;
		try {
			this.writeUnwritten();
			if (this.pendingRecords.length >= this.settings.commitThreshold) this.commit();
		} catch (error) {
			this.fail(error, `write to ${path.join(this.dir, this.writing)}`);
			return;
		}
		const batch = this.waiting;
		this.waiting = [];
		// What this round makes durable: everything written so far.
		const roundNext = this.next;
		const roundLogBytes = this.logBytes;
		const roundCommitted = this.committedNext;
		const wal = this.walDirty || this.markUnsynced;
		const log = this.logDirty;
		this.walDirty = false;
		this.markUnsynced = false;
		this.logDirty = false;
		if (!wal && !log) {
			this.acked = Math.max(this.acked, roundNext);
			for (const w of batch) w.resolve();
			return;
		}
		const records = batch.reduce((n, w) => n + w.records, 0);
		const started = performance.now();
		if (batch.length === 1 && this.settings.sync === 'always' && (this.counters.lastFsyncMs ?? 0) < SYNC_INLINE_MAX_MS) {
			// A lone append: nobody else is waiting to share the fsync, so skip the thread-pool round trip.
			// (With company, or on a disk slow enough to stall the event loop, the fsync runs off the loop.)
			try {
				if (wal) this.io.fdatasyncSync(this.fds.wal);
				if (log) this.io.fdatasyncSync(this.fds.log);
			} catch (error) {
				this.fail(error, `fsync in ${this.dir}`);
				batch[0]!.reject(this.failure!);
				return;
			}
			this.recordFsync(wal ? 'wal' : 'log', performance.now() - started, records);
			if (!this.writable()) return void batch[0]!.reject(this.failure!);
			if (log && !this.markDurable(roundLogBytes, roundCommitted)) return void batch[0]!.reject(this.failure!);
			this.acked = Math.max(this.acked, roundNext);
			batch[0]!.resolve();
			if (this.waiting.length > 0) this.scheduleSync();
			return;
		}
		const syncs: Promise<void>[] = [];
		if (wal) syncs.push(this.io.fdatasync(this.fds.wal));
		if (log) syncs.push(this.io.fdatasync(this.fds.log));
		this.syncing = Promise.all(syncs).then(
			() => {
				this.syncing = null;
				this.recordFsync(wal ? 'wal' : 'log', performance.now() - started, records);
				// Checked again before saying "ok": the lock may have been lost while the fsync ran.
				if (!this.writable() || (log && !this.markDurable(roundLogBytes, roundCommitted))) {
					for (const w of batch) w.reject(this.failure!);
					return;
				}
				this.acked = Math.max(this.acked, roundNext);
				for (const w of batch) w.resolve();
				if (this.waiting.length > 0) this.scheduleSync();
			},
			(error: unknown) => {
				this.syncing = null;
				this.fail(error, `fsync in ${this.dir}`);
				for (const w of batch) w.reject(this.failure!);
			},
		);
	}

	/**
	 * After an fsync of the log: the WAL header's durable mark moves to the bytes it covered. The header
	 * is rewritten in place and reaches the disk with the WAL's next fsync, so the mark on disk may lag
	 * (recovery is then more careful than it needs to be) but never claims bytes that were not synced.
	 * Recovery treats damage below the mark as corruption, never as a torn tail.
	 */
	private markDurable(logBytes: number, nextOffset: number): boolean {
		if (logBytes <= this.durableMark || this.failure) return this.failure === null;
		try {
			this.writing = 'wal';
			this.io.write(this.fds.wal, encodeWalHeader({sync: this.settings.sync, durableLogBytes: logBytes, nextOffset}), 0, WAL_HEADER_BYTES, 0);
		} catch (error) {
			this.fail(error, `write to ${path.join(this.dir, WAL_FILE)}`);
			return false;
		}
		this.durableMark = logBytes;
		this.markUnsynced = true;
		return true;
	}

	private timedSync(sync: () => void, file: 'wal' | 'log', records: number): void {
		const started = performance.now();
		sync();
		this.recordFsync(file, performance.now() - started, records);
	}

	private recordFsync(file: 'wal' | 'log', ms: number, records: number): void {
		this.counters.fsyncs++;
		this.counters.lastFsyncMs = ms;
		this.counters.totalFsyncMs += ms;
		if (this.events.active) this.events.emit({type: 'fsync', at: Date.now(), topic: this.topic, file, latencyMs: ms, records});
	}

	/** False (and the topic halted) when the write guard says this process lost the right to write. */
	private writable(): boolean {
		if (!this.settings.writeGuard) return true;
		try {
			this.settings.writeGuard();
			return true;
		} catch (error) {
			this.halt(error);
			return false;
		}
	}

	/**
	 * Stops the topic without touching its files again: for a process that lost the data directory's
	 * lock, where another process may own the files now. Every waiting and later append is rejected.
	 */
	halt(error: unknown): void {
		this.fail(error, `writing to ${this.dir}`, false);
	}

	/** Fail-stop: after a failed write or fsync nothing more is accepted, and nobody waiting is told "ok". */
	private fail(error: unknown, what: string, mayWrite = true): void {
		if (this.failure) return;
		const message = error instanceof Error ? error.message : String(error);
		const rolledBack = mayWrite ? this.rollBack() : '';
		const hint = advice(error);
		this.failure = new Error(
			`${what} failed for topic '${this.topic}': ${message}; the topic accepts no more records until the queue is reopened${rolledBack}${hint ? `; ${hint}` : ''}`,
			{cause: error},
		);
		const waiting = this.waiting;
		this.waiting = [];
		for (const w of waiting) w.reject(this.failure);
		if (this.events.active) this.events.emit({type: 'storage.error', at: Date.now(), topic: this.topic, message: this.failure.message});
	}

	/**
	 * After a failed write or fsync: takes back every record not yet acknowledged, from memory (offsets,
	 * cache, pending list) and from the files (the log truncated at its first such frame, the WAL's
	 * frames of them zeroed), so a failed append is never read, counted, or replayed after a restart.
	 * Truncating and overwriting allocated bytes need no free space, so this works on a full disk.
	 * Returns a note for the error message ('' when all went well).
	 */
	private rollBack(): string {
		const target = this.acked;
		const dropped = this.next - target;
		this.next = target;
		this.cache?.dropFrom(target, target + dropped);
		// The WAL from its first frame taken back on is zeroed (committed or not, a replay would bring it back).
		let walEnd = this.walBytes;
		const firstDropped = this.walFrameOffsets.findIndex((base) => base >= target);
		if (firstDropped >= 0) {
			walEnd = this.walFramePositions[firstDropped]!;
			this.walFrameOffsets.length = firstDropped;
			this.walFramePositions.length = firstDropped;
		}
		let keep = 0;
		let keptRecords = 0;
		while (keep < this.pendingFrames.length && this.pendingFrames[keep]!.baseOffset < target) {
			keptRecords += this.pendingFrames[keep]!.count;
			keep++;
		}
		this.pendingBytes = this.pendingFrames.slice(0, keep).reduce((n, f) => n + f.buf.length, 0);
		this.pendingFrames.length = keep;
		this.pendingRecords.length = keptRecords;
		this.unwritten = [];
		this.unwrittenBytes = 0;
		try {
			this.writing = 'log';
			if (this.committedNext > target) {
				this.logBytes = this.frameStart(target);
				this.committedNext = target;
			}
			// Also cuts the torn end of a write that failed part-way.
			this.io.truncate(this.fds.log, this.logBytes);
			this.index.truncateAtPosition(this.logBytes);
			if (this.indexPersisted > this.index.length) {
				this.indexPersisted = this.index.length;
				this.io.truncate(this.fds.index, this.indexPersisted * INDEX_ENTRY_BYTES);
			}
			this.writing = 'wal';
			this.walBytes = walEnd;
			if (this.settings.walPreallocBytes === 0) this.io.truncate(this.fds.wal, walEnd);
			else zeroFill(this.io, this.fds.wal, walEnd, this.io.size(this.fds.wal));
			if (this.durableMark > this.logBytes) {
				this.durableMark = this.logBytes;
				this.io.write(this.fds.wal, encodeWalHeader({sync: this.settings.sync, durableLogBytes: this.logBytes, nextOffset: this.committedNext}), 0, WAL_HEADER_BYTES, 0);
			}
			this.io.fdatasyncSync(this.fds.log);
			this.io.fdatasyncSync(this.fds.wal);
			this.io.fdatasyncSync(this.fds.index);
			return dropped > 0 ? `; offsets ${target}..${target + dropped - 1} were never acknowledged and have been taken back` : '';
		} catch (rollbackError) {
			const reason = rollbackError instanceof Error ? rollbackError.message : String(rollbackError);
			return `; taking back the unacknowledged offsets ${target}..${target + dropped - 1} from ${path.join(this.dir, this.writing)} failed too (${reason}): they may reappear when the queue is reopened`;
		}
	}

	/** The byte position in the log of the frame whose first record is `offset` (which must start a frame). */
	private frameStart(offset: number): number {
		const entry = this.index.find(offset);
		let position = entry >= 0 ? this.index.positionAt(entry) : 0;
		const header = Buffer.alloc(FRAME_HEADER_BYTES);
		while (position < this.logBytes) {
			this.io.read(this.fds.log, header, 0, FRAME_HEADER_BYTES, position);
			const parsed = parseHeader(header);
			if (typeof parsed === 'string') throw new Error(`${parsed} at byte ${position} of ${this.logPath}`);
			if (parsed.baseOffset >= offset) return position;
			position += parsed.length;
		}
		return position;
	}

	async read(fromOffset: number, maxRecords: number, maxBytes = Infinity): Promise<StoredRecord[]> {
		const end = Math.min(this.highWaterMark, fromOffset + maxRecords);
		const out: StoredRecord[] = [];
		let offset = fromOffset;
		let hits = 0;
		let misses = 0;
		// The byte bound (validation's count; the first record is taken whatever its size). out[0, exactCount)
		// total exactBytes; records taken after them are charged an upper bound (estimated) until the
		// bound is near, so a read far from its bound never encodes a string to count it.
		let exactBytes = 0;
		let exactCount = 0;
		let estimated = 0;
		let near = false;
		const settle = () => {
			for (; exactCount < out.length; exactCount++) exactBytes += recordBytes(out[exactCount]!);
			estimated = 0;
		};
		const take = (record: StoredRecord): boolean => {
			if (maxBytes !== Infinity) {
				const upper = near ? Infinity : recordBytesUpperBound(record);
				if (exactBytes + estimated + upper <= maxBytes) estimated += upper;
				else {
					near = true;
					settle();
					const size = recordBytes(record);
					if (exactBytes + size > maxBytes && out.length > 0) return false;
					exactBytes += size;
					exactCount++;
				}
			}
			out.push(record);
			return true;
		};
		const evictionsBefore = this.evictions();
		while (offset < end) {
			// (Appends made while this read awaited the disk are in the cache now, as if inserted then.)
			const cached = this.cache?.get(offset);
			if (cached) {
				if (!take(cached)) break;
				offset++;
				hits++;
				continue;
			}
			if (offset >= this.committedNext) {
				// Not in the log yet: the WAL's pending records are kept in memory until their commit.
				const pending = this.pendingRecords[offset - this.committedNext]!;
				// A copy of the headers: what a reader does with its record must not change the next read.
				if (!take(pending.headers === null ? pending : {...pending, headers: {...pending.headers}})) break;
				offset++;
				continue;
			}
			// Stream from the log only up to the next record the cache has.
			const limit = Math.min(end, this.committedNext);
			let stop = offset + 1;
			while (stop < limit && !this.cache?.has(stop)) stop++;
			if (maxBytes !== Infinity) settle();
			const {records, bytes} = await this.readLog(offset, stop, maxBytes - exactBytes, out.length === 0);
			misses += records.length;
			for (const record of records) out.push(record);
			offset += records.length;
			exactBytes += bytes;
			exactCount = out.length;
			// Fewer than asked for: the byte budget ran out inside the log.
			if (offset < stop) break;
		}
		this.counters.hits += hits;
		this.counters.misses += misses;
		if (this.events.active && (hits > 0 || misses > 0)) {
			this.events.emit({type: 'cache', at: Date.now(), topic: this.topic, hits, misses, evictions: this.evictions() - evictionsBefore});
		}
		return out;
	}

	async locateFrame(offset: number): Promise<FrameLocation | null> {
		if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.next) return null;
		const contains = (base: number, count: number) => offset >= base && offset < base + count;
		if (offset >= this.committedNext) {
			// Pending frames: the written ones end the WAL; in `always` mode the rest wait for the sync round.
			const writtenCount = this.pendingFrames.length - this.unwritten.length;
			let position = this.walBytes;
			for (let i = writtenCount - 1; i >= 0; i--) position -= this.pendingFrames[i]!.buf.length;
			for (let i = 0; i < this.pendingFrames.length; i++) {
				const frame = this.pendingFrames[i]!;
				if (contains(frame.baseOffset, frame.count)) {
					const file = path.join(this.dir, WAL_FILE);
					return {source: 'wal', file, position, bytes: Buffer.from(frame.buf), written: i < writtenCount, indexEntry: null};
				}
				position += frame.buf.length;
			}
			return null;
		}
		const entry = this.index.find(offset);
		const indexEntry = entry >= 0 ? {offset: this.index.offsetAt(entry), position: this.index.positionAt(entry)} : null;
		const stream = new FrameStream(this.io, this.fds.log, indexEntry?.position ?? 0, this.logBytes);
		this.inUse++;
		try {
			for (;;) {
				const item = await stream.next();
				if (item.kind !== 'frame') return null;
				if (contains(item.header.baseOffset, item.header.count)) {
					const bytes = Buffer.from(item.buf.subarray(item.at, item.at + item.header.length));
					return {source: 'log', file: this.logPath, position: item.position, bytes, written: true, indexEntry};
				}
			}
		} finally {
			this.inUse--;
		}
	}

	/**
	 * Records [from, stop) from the log, or fewer: it stops before the record that would pass `budget`
	 * bytes (taking the first one whatever its size when `takeOne`). Index lookup, then a bounded
	 * streaming scan: each frame is read from disk asynchronously, so a long read gives the event loop
	 * a turn between frames (or 64 KiB chunks of small ones), and only the records returned are decoded.
	 */
	private async readLog(from: number, stop: number, budget = Infinity, takeOne = true, indexChecked = false): Promise<{records: StoredRecord[]; bytes: number}> {
		// The stream holds the log's fd across awaits: the files stay open until it is done.
		this.inUse++;
		try {
			return await this.streamLog(from, stop, budget, takeOne, indexChecked);
		} finally {
			this.inUse--;
		}
	}

	private async streamLog(from: number, stop: number, budget: number, takeOne: boolean, indexChecked: boolean): Promise<{records: StoredRecord[]; bytes: number}> {
		const entry = this.index.find(from);
		const position = entry >= 0 ? this.index.positionAt(entry) : 0;
		const entryOffset = entry >= 0 ? this.index.offsetAt(entry) : 0;
		const stream = new FrameStream(this.io, this.fds.log, position, this.logBytes);
		const out: StoredRecord[] = [];
		let expected = entryOffset;
		let scanned = 0;
		let bytes = 0;
		while (from + out.length < stop) {
			const item = await stream.next();
			// The index entry must point at a frame that starts with its offset. If not, the index (derived
			// data) is what is damaged, not necessarily the log: rebuild it from the log and read again.
			if (scanned === 0 && entry >= 0 && !indexChecked && (item.kind !== 'frame' || item.header.baseOffset !== entryOffset)) {
				await this.rebuildIndex(`entry ${entry} points at byte ${position}, where ${item.kind === 'frame' ? `a frame of offset ${item.header.baseOffset}` : 'no valid frame'} starts`);
				return this.readLog(from, stop, budget, takeOne, true);
			}
			if (item.kind !== 'frame') {
				const reason = item.kind === 'bad' ? `${item.reason} at byte ${item.position}` : 'unexpected end of log';
				throw new Error(
					`cannot read offset ${from + out.length} of topic '${this.topic}' from ${this.logPath}: ${reason}; the log is damaged, reopen with --repair to truncate it at the damage`,
				);
			}
			const {header} = item;
			if (header.baseOffset !== expected) {
				throw new Error(`log ${this.logPath} is inconsistent at byte ${item.position}: frame offset ${header.baseOffset}, expected ${expected}`);
			}
			expected += header.count;
			scanned++;
			if (expected <= from) continue;
			const first = from + out.length;
			// This frame's records that the read wants: from `first` to the frame's end or `stop`.
			const want = Math.min(stop, expected) - first;
			const fit = budget === Infinity ? {count: want, bytes: 0} : fitRecords(item.buf, header, item.at, first, want, budget - bytes, takeOne && out.length === 0);
			bytes += fit.bytes;
			if (fit.count > 0) for (const record of decodeRecords(item.buf, header, item.at, first, fit.count)) out.push(record);
			if (fit.count < want) break;
		}
		const lookup = {offset: from, entryOffset, position, scanned};
		this.counters.lookups++;
		this.counters.lastLookup = lookup;
		if (this.events.active) this.events.emit({type: 'index.lookup', at: Date.now(), topic: this.topic, ...lookup});
		return {records: out, bytes};
	}

	/**
	 * Rebuilds the sparse index by scanning the whole log (which also proves the log intact: a bad frame
	 * fails the read naming the log), rewrites the index file, and tells the user.
	 */
	private async rebuildIndex(why: string): Promise<void> {
		const scanEnd = this.logBytes;
		const stream = new FrameStream(this.io, this.fds.log, 0, scanEnd, 1024 * 1024);
		const entries: [number, number][] = [];
		let lastPosition = -Infinity;
		for (let expected = 0; ; ) {
			const item = await stream.next();
			if (item.kind === 'end') break;
			if (item.kind === 'bad' || item.header.baseOffset !== expected) {
				const reason = item.kind === 'bad' ? item.reason : `frame offset ${item.header.baseOffset}, expected ${expected}`;
				throw new Error(
					`${this.logPath} is damaged at byte ${item.position} (${reason}); reopen with --repair to copy it aside and truncate it at the damage`,
				);
			}
			if (item.position - lastPosition >= this.index.interval) {
				entries.push([expected, item.position]);
				lastPosition = item.position;
			}
			expected += item.header.count;
		}
		// Entries added by appends while the scan awaited the disk lie past what it scanned: keep them.
		for (let i = 0; i < this.index.length; i++) if (this.index.positionAt(i) >= scanEnd) entries.push([this.index.offsetAt(i), this.index.positionAt(i)]);
		this.index.truncate(0);
		for (const [offset, position] of entries) this.index.add(offset, position);
		const indexPath = path.join(this.dir, INDEX_FILE);
		try {
			const buf = this.index.encode(0);
			this.io.truncate(this.fds.index, 0);
			this.io.write(this.fds.index, buf, 0, buf.length, 0);
			this.io.fdatasyncSync(this.fds.index);
			this.indexPersisted = this.index.length;
		} catch (error) {
			// The index in memory is right; the file is rebuilt again at the next open if it is still wrong.
			this.indexPersisted = 0;
			void error;
		}
		this.settings.notify?.({
			at: Date.now(),
			kind: 'recovery',
			level: 'info',
			topic: this.topic,
			file: indexPath,
			message: `${indexPath} was damaged (${why}); the log is intact: index rebuilt from it (${this.index.length} entries)`,
		});
	}

	private evictions(): number {
		return this.cache?.evictions ?? 0;
	}

	stats(): TopicStorageStats {
		const c = this.counters;
		const stats: TopicStorageStats = {
			// Log file bytes plus the WAL's pending frames: every byte of record data the topic holds.
			logBytes: this.logBytes + this.pendingBytes,
			wal: {
				pendingRecords: this.pendingRecords.length,
				pendingBytes: this.pendingBytes,
				walBytes: this.walBytes,
				commits: c.commits,
				lastCommitTime: c.lastCommitTime,
			},
			fsync: {count: c.fsyncs, lastLatencyMs: c.lastFsyncMs, totalLatencyMs: c.totalFsyncMs},
			cache: {
				capacity: this.settings.cacheSize,
				maxBytes: this.settings.cacheBytes,
				entries: this.cache?.entries ?? 0,
				bytes: this.cache?.bytes ?? 0,
				hits: c.hits,
				misses: c.misses,
				evictions: this.evictions(),
			},
			index: {entries: this.index.length, interval: this.index.interval, lookups: c.lookups, lastLookup: c.lastLookup},
			failed: this.failure !== null,
		};
		if (this.failure) stats.failure = this.failure.message;
		return stats;
	}

	/** Commits pending records and fsyncs the WAL and the log. */
	async flush(): Promise<void> {
		if (this.failure) throw this.failure;
		this.inUse++;
		try {
			await this.flushFiles();
		} finally {
			this.inUse--;
		}
	}

	private async flushFiles(): Promise<void> {
		await this.settle();
		try {
			this.writeUnwritten();
			this.commit();
			this.persistIndex();
			const started = performance.now();
			const next = this.next;
			const logBytes = this.logBytes;
			const committed = this.committedNext;
			await Promise.all([this.io.fdatasync(this.fds.wal), this.io.fdatasync(this.fds.log)]);
			this.walDirty = false;
			this.logDirty = false;
			this.recordFsync('log', performance.now() - started, 0);
			if (!this.markDurable(logBytes, committed)) throw this.failure!;
			this.acked = Math.max(this.acked, next);
		} catch (error) {
			this.fail(error, `flush of ${this.dir}`);
			throw this.failure;
		}
	}

	/** Waits until no sync round is running or scheduled. */
	private async settle(): Promise<void> {
		while (this.syncing || this.syncScheduled) {
			if (this.syncing) await this.syncing;
			else await new Promise((resolve) => setImmediate(resolve));
		}
	}

	/** A clean close: everything committed and fsynced, checkpoint written, WAL empty. */
	async close(): Promise<void> {
		if (this.closed) return;
		if (this.timer) clearInterval(this.timer);
		clearTimeout(this.idleTimer);
		// Idle-closed files were left as a clean close leaves them: nothing to reopen them for.
		if (!this.files) {
			this.closed = true;
			return;
		}
		try {
			if (!this.failure) {
				await this.flush();
				this.closed = true;
				this.resetWalForClose();
			}
		} finally {
			this.closed = true;
			const files = this.files;
			this.files = null;
			for (const fd of files ? [files.log, files.wal, files.index] : []) {
				try {
					this.io.close(fd);
				} catch {
					// Closing is best effort once the data is safe (or the topic has failed).
				}
			}
		}
	}

	private resetWalForClose(): void {
		this.io.fdatasyncSync(this.fds.index);
		writeCheckpoint(this.io, this.dir, {logBytes: this.logBytes, nextOffset: this.next, indexEntries: this.index.length});
		this.io.write(this.fds.wal, encodeWalHeader({sync: this.settings.sync, durableLogBytes: this.logBytes, nextOffset: this.next}), 0, WAL_HEADER_BYTES, 0);
		// A closed topic's WAL holds no frames (zeros keep its space): the next open sees at once that it is clean.
		if (this.settings.walPreallocBytes === 0) this.io.truncate(this.fds.wal, WAL_HEADER_BYTES);
		else zeroFill(this.io, this.fds.wal, WAL_HEADER_BYTES, this.io.size(this.fds.wal));
		this.io.fdatasyncSync(this.fds.wal);
	}
}

/** The WAL keeps its pending records in memory until their commit (reads of them come from here). */
function storedRecords(records: readonly RecordInput[], base: number, timestamp: number): StoredRecord[] {
	const stored = new Array<StoredRecord>(records.length);
	for (let i = 0; i < records.length; i++) {
		const r = records[i]!;
		// The headers are copied (spread keeps a header named `__proto__` as an own property): a caller
		// that changes its object after the append must not change what is read back.
		stored[i] = {offset: base + i, timestamp, key: r.key ?? null, value: r.value, headers: r.headers == null ? null : {...r.headers}};
	}
	return stored;
}
