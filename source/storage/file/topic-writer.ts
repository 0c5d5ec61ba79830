import path from 'node:path';
import type {RecordInput, StoredRecord} from '../../core/records.js';
import {writeCheckpoint} from './checkpoint.js';
import {encodeFrame, encodeWalHeader, WAL_HEADER_BYTES} from './frame-codec.js';
import {errorCode} from './io-errors.js';
import {INDEX_ENTRY_BYTES} from './offset-index.js';
import {zeroFill} from './recovery.js';
import type {TopicFiles} from './topic-files.js';
import type {Committer, FailGuard, SyncScheduler, TopicState} from './topic-state.js';

const MAX_SCRATCH = 16 * 1024 * 1024;
/**
 * Index entries are written to the index file in runs of this many (4 KiB), and all of them before
 * every checkpoint, flush and close. Recovery trusts only the entries a checkpoint counts and rebuilds
 * the rest from the log, so entries written sooner would buy nothing: one small write per commit did
 * cost ~10% of a large sync=never append.
 */
const INDEX_WRITE_ENTRIES = 256;

/**
 * The writer: encodes one frame per batch and writes it synchronously (to the WAL, or straight to the
 * log for a large batch), commits the WAL's frames into the log, empties the WAL once it is large,
 * and writes checkpoints. Durability waits belong to the sync rounds.
 */
export class TopicWriter implements Committer {
	/** Frames are encoded here and written from here: no fresh memory to fault in per batch. */
	private scratch = Buffer.allocUnsafe(256 * 1024);
	/** The sync rounds, set once they exist (they need the writer too). */
	rounds!: SyncScheduler;

	constructor(
		private readonly s: TopicState,
		private readonly files: TopicFiles,
		private readonly guard: FailGuard,
	) {}

	append(records: readonly RecordInput[], timestamp: number, bytes: number): Promise<number> {
		const s = this.s;
		if (s.failure) return Promise.reject(s.failure);
		if (s.closed) return Promise.reject(new Error(`topic '${s.topic}' is closed`));
		const base = s.next;
		const count = records.length;
		// A frame holds at least one record (recovery rejects empty ones), so an empty batch writes nothing.
		if (count === 0) return Promise.resolve(base);
		if (!this.guard.writable()) return Promise.reject(s.failure);
		try {
			void this.files.fds;
		} catch (error) {
			return Promise.reject(error);
		}
		const {buffer, recordSizes} = encodeFrame(base, timestamp, records, this.scratch, bytes);
		if (buffer.buffer !== this.scratch.buffer && buffer.length * 3 <= MAX_SCRATCH) this.scratch = Buffer.allocUnsafe(buffer.length * 3 + 1024);
		try {
			if (s.pendingFrames.length === 0 && count >= s.settings.commitThreshold) this.writeDirect(buffer, base, count);
			// The WAL keeps its frames until their commit: a tight copy, not a view of the scratch buffer.
			else this.writeWal(Buffer.from(buffer), base, storedRecords(records, base, timestamp));
		} catch (error) {
			this.guard.fail(error, `write to ${path.join(s.dir, s.writing)}`);
			return Promise.reject(s.failure);
		}
		s.next = base + count;
		s.cache?.add(base, timestamp, records, recordSizes);
		if (s.settings.sync !== 'always') {
			s.acked = s.next;
			return Promise.resolve(base);
		}
		return new Promise<number>((resolve, reject) => {
			s.waiting.push({resolve: () => resolve(base), reject, records: count});
			this.rounds.scheduleSync();
		});
	}

	private writeDirect(buffer: Buffer, base: number, count: number): void {
		const s = this.s;
		s.writing = 'log';
		s.io.write(this.files.fds.log, buffer, 0, buffer.length, s.logBytes);
		// Said in the order it happens: the log write, then the index entry pointing into it.
		if (s.events.active) {
			s.events.emit({type: 'wal.commit', at: Date.now(), topic: s.topic, records: count, bytes: buffer.length, logBytes: s.logBytes + buffer.length});
		}
		this.addIndex(base, s.logBytes);
		s.logBytes += buffer.length;
		s.committedNext = base + count;
		s.logDirty = true;
		if (s.index.length - s.indexPersisted >= INDEX_WRITE_ENTRIES) this.persistIndex();
		s.counters.commits++;
		s.counters.lastCommitTime = Date.now();
		if (s.settings.sync === 'periodic') this.rounds.startSync();
	}

	private writeWal(buffer: Buffer, base: number, stored: StoredRecord[]): void {
		const s = this.s;
		const frame = {buf: buffer, baseOffset: base, count: stored.length};
		if (s.settings.sync === 'always') {
			// Nobody is told "ok" before the next sync round, so the round writes all of them in one call.
			s.unwritten.push(frame);
			s.unwrittenBytes += buffer.length;
		} else {
			s.writing = 'wal';
			this.growWal(s.walBytes + buffer.length);
			s.io.write(this.files.fds.wal, buffer, 0, buffer.length, s.walBytes);
			s.walFrameOffsets.push(base);
			s.walFramePositions.push(s.walBytes);
			s.walBytes += buffer.length;
		}
		s.walDirty = true;
		s.pendingFrames.push(frame);
		for (const record of stored) s.pendingRecords.push(record);
		s.pendingBytes += buffer.length;
		if (s.events.active) {
			s.events.emit({
				type: 'wal.write',
				at: Date.now(),
				topic: s.topic,
				baseOffset: base,
				count: stored.length,
				bytes: buffer.length,
				pendingRecords: s.pendingRecords.length,
				pendingBytes: s.pendingBytes,
			});
		}
		// In `always` mode the sync round commits, after it wrote the WAL.
		if (s.settings.sync !== 'always' && s.pendingRecords.length >= s.settings.commitThreshold) this.commit();
	}

	/** Appends the WAL's pending frames to the log: O(records since the last commit). */
	commit(): void {
		const s = this.s;
		if (s.pendingFrames.length === 0) return;
		const frames = s.pendingFrames;
		const data = frames.length === 1 ? frames[0]!.buf : Buffer.concat(frames.map((f) => f.buf));
		s.writing = 'log';
		s.io.write(this.files.fds.log, data, 0, data.length, s.logBytes);
		const records = s.pendingRecords.length;
		// Said in the order it happens: the log write, then the index entries pointing into it.
		if (s.events.active) {
			s.events.emit({type: 'wal.commit', at: Date.now(), topic: s.topic, records, bytes: data.length, logBytes: s.logBytes + data.length});
		}
		let position = s.logBytes;
		for (const frame of frames) {
			this.addIndex(frame.baseOffset, position);
			position += frame.buf.length;
		}
		s.logBytes = position;
		s.committedNext += records;
		s.pendingFrames = [];
		s.pendingRecords = [];
		s.pendingBytes = 0;
		if (s.index.length - s.indexPersisted >= INDEX_WRITE_ENTRIES) this.persistIndex();
		s.counters.commits++;
		s.counters.lastCommitTime = Date.now();
		if (s.settings.sync === 'periodic') this.rounds.startSync();
		if (s.walBytes + s.unwrittenBytes >= s.settings.walResetBytes) this.resetWal();
	}

	/**
	 * Empties the WAL once it is large. Its records are all in the log by now, so the log is fsynced
	 * first (synchronously: no append may slip in between) and the WAL header records the new durable
	 * mark. In `never` mode nothing is fsynced and the mark stays where it was.
	 */
	private resetWal(): void {
		const s = this.s;
		if (s.settings.sync !== 'never') {
			s.writing = 'log';
			this.rounds.timedSync(() => s.io.fdatasyncSync(this.files.fds.log), 'log', 0);
			s.logDirty = false;
			s.durableMark = s.logBytes;
			const header = encodeWalHeader({sync: s.settings.sync, durableLogBytes: s.logBytes, nextOffset: s.committedNext});
			s.writing = 'wal';
			s.io.write(this.files.fds.wal, header, 0, WAL_HEADER_BYTES, 0);
		}
		// Preallocated: no truncation, new frames overwrite the old ones in place (allocated blocks fsync
		// faster than a growing file). Old frames hold only records the log has, so recovery skips them.
		if (s.settings.walPreallocBytes === 0) s.io.truncate(this.files.fds.wal, WAL_HEADER_BYTES);
		s.walBytes = WAL_HEADER_BYTES;
		s.walFrameOffsets = [];
		s.walFramePositions = [];
		// Frames not yet written to the WAL are all in the log now (and, unless `never`, fsynced there).
		s.unwritten = [];
		s.unwrittenBytes = 0;
		if (s.settings.sync !== 'never' && s.logBytes - s.checkpointLogBytes >= s.settings.checkpointBytes) this.checkpoint();
	}

	private checkpoint(): void {
		const s = this.s;
		this.persistIndex();
		s.io.fdatasyncSync(this.files.fds.index);
		writeCheckpoint(s.io, s.dir, {logBytes: s.logBytes, nextOffset: s.committedNext, indexEntries: s.index.length});
		s.checkpointLogBytes = s.logBytes;
	}

	private addIndex(offset: number, position: number): void {
		const s = this.s;
		if (s.index.maybeAdd(offset, position) && s.events.active) {
			s.events.emit({type: 'index.append', at: Date.now(), topic: s.topic, offset, position});
		}
	}

	/** Appends the unwritten index entries to the index file (fsynced only at checkpoints: recovery rebuilds the rest). */
	persistIndex(): void {
		const s = this.s;
		if (s.index.length === s.indexPersisted) return;
		const buf = s.index.encode(s.indexPersisted);
		s.io.write(this.files.fds.index, buf, 0, buf.length, s.indexPersisted * INDEX_ENTRY_BYTES);
		s.indexPersisted = s.index.length;
	}

	/** Writes the WAL frames queued by `always` appends, in one call. */
	writeUnwritten(): void {
		const s = this.s;
		if (s.unwritten.length === 0) return;
		const data = s.unwritten.length === 1 ? s.unwritten[0]!.buf : Buffer.concat(s.unwritten.map((f) => f.buf), s.unwrittenBytes);
		s.writing = 'wal';
		this.growWal(s.walBytes + data.length);
		s.io.write(this.files.fds.wal, data, 0, data.length, s.walBytes);
		let position = s.walBytes;
		for (const frame of s.unwritten) {
			s.walFrameOffsets.push(frame.baseOffset);
			s.walFramePositions.push(position);
			position += frame.buf.length;
		}
		s.walBytes += data.length;
		s.unwritten = [];
		s.unwrittenBytes = 0;
	}

	/**
	 * Keeps the WAL's preallocated region ahead of its writes: once a write would end in its last
	 * quarter, the region doubles (up to `walPreallocBytes`). A quiet topic thus costs a small WAL,
	 * and a busy one settles at the full size and overwrites allocated blocks (cheaper fdatasyncs).
	 * A failed growth is no failure: the write itself then extends the file, or reports why not.
	 */
	private growWal(end: number): void {
		const s = this.s;
		const max = s.settings.walPreallocBytes;
		if (max === 0 || s.walAllocated >= max || end <= s.walAllocated - (s.walAllocated >> 2)) return;
		let size = Math.max(s.walAllocated, 4096);
		while (size < max && end > size - (size >> 2)) size *= 2;
		size = Math.min(size, max);
		try {
			zeroFill(s.io, this.files.fds.wal, s.walAllocated, size);
			s.walAllocated = size;
		} catch {
			// No room for zeros (a full disk): stop preallocating; the frame write says whether it fits.
			s.walAllocated = max;
		}
	}

	/** Leaves the files as a clean close does: checkpoint written, WAL emptied after its header, all fsynced. */
	resetWalForClose(): void {
		const s = this.s;
		this.persistIndex();
		s.io.fdatasyncSync(this.files.fds.index);
		writeCheckpoint(s.io, s.dir, {logBytes: s.logBytes, nextOffset: s.next, indexEntries: s.index.length});
		s.io.write(this.files.fds.wal, encodeWalHeader({sync: s.settings.sync, durableLogBytes: s.logBytes, nextOffset: s.next}), 0, WAL_HEADER_BYTES, 0);
		// A closed topic's WAL holds no frames (zeros keep its space): the next open sees at once that it is clean.
		if (s.settings.walPreallocBytes === 0) s.io.truncate(this.files.fds.wal, WAL_HEADER_BYTES);
		else zeroFill(s.io, this.files.fds.wal, WAL_HEADER_BYTES, s.io.size(this.files.fds.wal));
		s.io.fdatasyncSync(this.files.fds.wal);
	}

	/**
	 * Before an idle close: leaves the files as a clean close leaves them (pending records committed,
	 * everything fsynced, checkpoint written, WAL emptied), all synchronously so no append slips in
	 * between; `close` then has nothing to do. False when the files must stay open.
	 */
	quiesce(): boolean {
		const s = this.s;
		if (!this.guard.writable()) return false;
		try {
			// `commit` starts a sync round in periodic mode: there is nothing left for it after this.
			s.quiescing = true;
			this.commit();
			this.persistIndex();
			s.io.fdatasyncSync(this.files.fds.log);
			s.io.fdatasyncSync(this.files.fds.wal);
			this.resetWalForClose();
		} catch (error) {
			// Out of descriptors for the checkpoint's temp file: the files stay open and consistent (all
			// committed and fsynced; the WAL's frames are in the log), so try again later.
			const code = errorCode(error);
			if (code === 'EMFILE' || code === 'ENFILE') {
				this.files.armIdle();
				return false;
			}
			this.guard.fail(error, `closing the idle files of ${s.dir}`);
			return false;
		} finally {
			s.quiescing = false;
		}
		s.walDirty = false;
		s.logDirty = false;
		s.markUnsynced = false;
		s.durableMark = s.logBytes;
		s.acked = Math.max(s.acked, s.next);
		// The WAL is empty after its header now (as resetWal leaves it).
		s.walBytes = WAL_HEADER_BYTES;
		s.walFrameOffsets = [];
		s.walFramePositions = [];
		return true;
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
