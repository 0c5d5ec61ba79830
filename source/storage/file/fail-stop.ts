import path from 'node:path';
import {encodeWalHeader, FRAME_HEADER_BYTES, parseHeader, WAL_HEADER_BYTES} from './frame-codec.js';
import {advice} from './io-errors.js';
import {INDEX_ENTRY_BYTES} from './offset-index.js';
import {zeroFill} from './recovery.js';
import type {TopicFiles} from './topic-files.js';
import type {FailGuard, TopicState} from './topic-state.js';

/**
 * Fail-stop: after a failed write or fsync, or once this process lost the right to write, the topic
 * accepts nothing more and nobody waiting is told "ok"; records not yet acknowledged are taken back.
 */
export class FailStop implements FailGuard {
	constructor(
		private readonly s: TopicState,
		private readonly files: TopicFiles,
	) {}

	/** False (and the topic halted) when the write guard says this process lost the right to write. */
	writable(): boolean {
		const s = this.s;
		if (!s.settings.writeGuard) return true;
		try {
			s.settings.writeGuard();
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
		this.fail(error, `writing to ${this.s.dir}`, false);
	}

	/** Fail-stop: after a failed write or fsync nothing more is accepted, and nobody waiting is told "ok". */
	fail(error: unknown, what: string, mayWrite = true): void {
		const s = this.s;
		if (s.failure) return;
		const message = error instanceof Error ? error.message : String(error);
		const rolledBack = mayWrite ? this.rollBack() : '';
		const hint = advice(error);
		s.failure = new Error(
			`${what} failed for topic '${s.topic}': ${message}; the topic accepts no more records until the queue is reopened${rolledBack}${hint ? `; ${hint}` : ''}`,
			{cause: error},
		);
		const waiting = s.waiting;
		s.waiting = [];
		for (const w of waiting) w.reject(s.failure);
		if (s.events.active) s.events.emit({type: 'storage.error', at: Date.now(), topic: s.topic, message: s.failure.message});
	}

	/**
	 * After a failed write or fsync: takes back every record not yet acknowledged, from memory (offsets,
	 * cache, pending list) and from the files (the log truncated at its first such frame, the WAL's
	 * frames of them zeroed), so a failed append is never read, counted, or replayed after a restart.
	 * Truncating and overwriting allocated bytes need no free space, so this works on a full disk.
	 * Returns a note for the error message ('' when all went well).
	 */
	private rollBack(): string {
		const s = this.s;
		const target = s.acked;
		const dropped = s.next - target;
		s.next = target;
		s.cache?.dropFrom(target, target + dropped);
		// The WAL from its first frame taken back on is zeroed (committed or not, a replay would bring it back).
		let walEnd = s.walBytes;
		const firstDropped = s.walFrameOffsets.findIndex((base) => base >= target);
		if (firstDropped >= 0) {
			walEnd = s.walFramePositions[firstDropped]!;
			s.walFrameOffsets.length = firstDropped;
			s.walFramePositions.length = firstDropped;
		}
		let keep = 0;
		let keptRecords = 0;
		while (keep < s.pendingFrames.length && s.pendingFrames[keep]!.baseOffset < target) {
			keptRecords += s.pendingFrames[keep]!.count;
			keep++;
		}
		s.pendingBytes = s.pendingFrames.slice(0, keep).reduce((n, f) => n + f.buf.length, 0);
		s.pendingFrames.length = keep;
		s.pendingRecords.length = keptRecords;
		s.unwritten = [];
		s.unwrittenBytes = 0;
		try {
			s.writing = 'log';
			if (s.committedNext > target) {
				s.logBytes = this.frameStart(target);
				s.committedNext = target;
			}
			// Also cuts the torn end of a write that failed part-way.
			s.io.truncate(this.files.fds.log, s.logBytes);
			s.index.truncateAtPosition(s.logBytes);
			if (s.indexPersisted > s.index.length) {
				s.indexPersisted = s.index.length;
				s.io.truncate(this.files.fds.index, s.indexPersisted * INDEX_ENTRY_BYTES);
			}
			s.writing = 'wal';
			s.walBytes = walEnd;
			if (s.settings.walPreallocBytes === 0) s.io.truncate(this.files.fds.wal, walEnd);
			else zeroFill(s.io, this.files.fds.wal, walEnd, s.io.size(this.files.fds.wal));
			if (s.durableMark > s.logBytes) {
				s.durableMark = s.logBytes;
				s.io.write(this.files.fds.wal, encodeWalHeader({sync: s.settings.sync, durableLogBytes: s.logBytes, nextOffset: s.committedNext}), 0, WAL_HEADER_BYTES, 0);
			}
			s.io.fdatasyncSync(this.files.fds.log);
			s.io.fdatasyncSync(this.files.fds.wal);
			s.io.fdatasyncSync(this.files.fds.index);
			return dropped > 0 ? `; offsets ${target}..${target + dropped - 1} were never acknowledged and have been taken back` : '';
		} catch (rollbackError) {
			const reason = rollbackError instanceof Error ? rollbackError.message : String(rollbackError);
			const file = path.join(s.dir, s.writing);
			if (dropped === 0) return `; cutting the torn end of the failed write from ${file} failed too (${reason}): recovery cuts it at the next open`;
			return `; taking back the unacknowledged offsets ${target}..${target + dropped - 1} from ${file} failed too (${reason}): they may reappear when the queue is reopened`;
		}
	}

	/** The byte position in the log of the frame whose first record is `offset` (which must start a frame). */
	private frameStart(offset: number): number {
		const s = this.s;
		const entry = s.index.find(offset);
		let position = entry >= 0 ? s.index.positionAt(entry) : 0;
		const header = Buffer.alloc(FRAME_HEADER_BYTES);
		while (position < s.logBytes) {
			s.io.read(this.files.fds.log, header, 0, FRAME_HEADER_BYTES, position);
			const parsed = parseHeader(header);
			if (!parsed.ok) throw new Error(`${parsed.reason} at byte ${position} of ${s.logPath}`);
			if (parsed.header.baseOffset >= offset) return position;
			position += parsed.header.length;
		}
		return position;
	}
}
