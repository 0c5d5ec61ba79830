import path from 'node:path';
import {encodeWalHeader, WAL_HEADER_BYTES} from './frame-codec.js';
import {WAL_FILE} from './recovery.js';
import type {TopicFiles} from './topic-files.js';
import type {Committer, FailGuard, SyncScheduler, TopicState} from './topic-state.js';

/** A lone append's fsync runs on the event loop only while fsyncs take less than this. */
const SYNC_INLINE_MAX_MS = 2;

/**
 * The sync rounds: group commit (one fdatasync per dirty file acknowledges every append written
 * before the round began), the WAL header's durable mark, and in `periodic` mode the interval timer.
 */
export class SyncRounds implements SyncScheduler {
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly s: TopicState,
		private readonly files: TopicFiles,
		private readonly writer: Committer,
		private readonly guard: FailGuard,
	) {
		if (s.settings.sync === 'periodic') {
			this.timer = setInterval(() => {
				if (s.walDirty || s.logDirty || s.markUnsynced) this.startSync();
			}, s.settings.syncIntervalMs);
			this.timer.unref();
		}
	}

	stopTimer(): void {
		if (this.timer) clearInterval(this.timer);
	}

	scheduleSync(): void {
		const s = this.s;
		if (s.syncScheduled || s.syncing) return;
		s.syncScheduled = true;
		// On the next turn, so appends made in this one (concurrent producers) share the fsync.
		setImmediate(() => {
			s.syncScheduled = false;
			this.startSync();
		});
	}

	/** One sync round: fdatasync every dirty file, then acknowledge the appends written before it began. */
	startSync(): void {
		const s = this.s;
		if (s.syncing || s.failure || s.quiescing || s.closed && s.waiting.length === 0) return;
		if (!this.guard.writable()) return;
		try {
			this.writer.writeUnwritten();
			if (s.pendingRecords.length >= s.settings.commitThreshold) this.writer.commit();
		} catch (error) {
			this.guard.fail(error, `write to ${path.join(s.dir, s.writing)}`);
			return;
		}
		const batch = s.waiting;
		s.waiting = [];
		// What this round makes durable: everything written so far.
		const roundNext = s.next;
		const roundLogBytes = s.logBytes;
		const roundCommitted = s.committedNext;
		const wal = s.walDirty || s.markUnsynced;
		const log = s.logDirty;
		s.walDirty = false;
		s.markUnsynced = false;
		s.logDirty = false;
		if (!wal && !log) {
			s.acked = Math.max(s.acked, roundNext);
			for (const w of batch) w.resolve();
			return;
		}
		const records = batch.reduce((n, w) => n + w.records, 0);
		const started = performance.now();
		if (batch.length === 1 && s.settings.sync === 'always' && (s.counters.lastFsyncMs ?? 0) < SYNC_INLINE_MAX_MS) {
			// A lone append: nobody else is waiting to share the fsync, so skip the thread-pool round trip.
			// (With company, or on a disk slow enough to stall the event loop, the fsync runs off the loop.)
			try {
				if (wal) s.io.fdatasyncSync(this.files.fds.wal);
				if (log) s.io.fdatasyncSync(this.files.fds.log);
			} catch (error) {
				this.guard.fail(error, `fsync in ${s.dir}`);
				batch[0]!.reject(s.failure!);
				return;
			}
			this.recordFsync(wal ? 'wal' : 'log', performance.now() - started, records);
			if (!this.guard.writable()) return void batch[0]!.reject(s.failure!);
			if (log && !this.markDurable(roundLogBytes, roundCommitted)) return void batch[0]!.reject(s.failure!);
			s.acked = Math.max(s.acked, roundNext);
			batch[0]!.resolve();
			if (s.waiting.length > 0) this.scheduleSync();
			return;
		}
		const syncs: Promise<void>[] = [];
		if (wal) syncs.push(s.io.fdatasync(this.files.fds.wal));
		if (log) syncs.push(s.io.fdatasync(this.files.fds.log));
		s.syncing = Promise.all(syncs).then(
			() => {
				s.syncing = null;
				this.recordFsync(wal ? 'wal' : 'log', performance.now() - started, records);
				// Checked again before saying "ok": the lock may have been lost while the fsync ran.
				if (!this.guard.writable() || (log && !this.markDurable(roundLogBytes, roundCommitted))) {
					for (const w of batch) w.reject(s.failure!);
					return;
				}
				s.acked = Math.max(s.acked, roundNext);
				for (const w of batch) w.resolve();
				if (s.waiting.length > 0) this.scheduleSync();
			},
			(error: unknown) => {
				s.syncing = null;
				this.guard.fail(error, `fsync in ${s.dir}`);
				for (const w of batch) w.reject(s.failure!);
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
		const s = this.s;
		if (logBytes <= s.durableMark || s.failure) return s.failure === null;
		try {
			s.writing = 'wal';
			s.io.write(this.files.fds.wal, encodeWalHeader({sync: s.settings.sync, durableLogBytes: logBytes, nextOffset}), 0, WAL_HEADER_BYTES, 0);
		} catch (error) {
			this.guard.fail(error, `write to ${path.join(s.dir, WAL_FILE)}`);
			return false;
		}
		s.durableMark = logBytes;
		s.markUnsynced = true;
		return true;
	}

	timedSync(sync: () => void, file: 'wal' | 'log', records: number): void {
		const started = performance.now();
		sync();
		this.recordFsync(file, performance.now() - started, records);
	}

	private recordFsync(file: 'wal' | 'log', ms: number, records: number): void {
		const s = this.s;
		s.counters.fsyncs++;
		s.counters.lastFsyncMs = ms;
		s.counters.totalFsyncMs += ms;
		if (s.events.active) s.events.emit({type: 'fsync', at: Date.now(), topic: s.topic, file, latencyMs: ms, records});
	}

	/** Writes and commits everything pending, fsyncs the WAL and the log, and moves the durable mark (for `flush`). */
	async flushFiles(): Promise<void> {
		const s = this.s;
		await this.settle();
		try {
			this.writer.writeUnwritten();
			this.writer.commit();
			this.writer.persistIndex();
			const started = performance.now();
			const next = s.next;
			const logBytes = s.logBytes;
			const committed = s.committedNext;
			await Promise.all([s.io.fdatasync(this.files.fds.wal), s.io.fdatasync(this.files.fds.log)]);
			s.walDirty = false;
			s.logDirty = false;
			this.recordFsync('log', performance.now() - started, 0);
			if (!this.markDurable(logBytes, committed)) throw s.failure!;
			s.acked = Math.max(s.acked, next);
		} catch (error) {
			this.guard.fail(error, `flush of ${s.dir}`);
			throw s.failure;
		}
	}

	/** Waits until no sync round is running or scheduled. */
	private async settle(): Promise<void> {
		const s = this.s;
		while (s.syncing || s.syncScheduled) {
			if (s.syncing) await s.syncing;
			else await new Promise((resolve) => setImmediate(resolve));
		}
	}
}
