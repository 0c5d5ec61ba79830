import path from 'node:path';
import {explain} from './io-errors.js';
import {INDEX_FILE, LOG_FILE, type TopicFds, WAL_FILE} from './recovery.js';
import type {TopicState} from './topic-state.js';

/**
 * A topic's open files: every use goes through `fds`, which reopens them when idle closing closed
 * them. Holding 3 descriptors per topic forever would exhaust `ulimit -n` at a few hundred topics.
 */
export class TopicFiles {
	/** The open files; null while the topic is idle with its files closed (`fds` reopens them). */
	private files: TopicFds | null;
	/** Set by every use of the files; the idle timer closes them after a whole period without one. */
	private used = true;
	/** Reads and flushes in progress: they hold fds across awaits, so the files stay open meanwhile. */
	inUse = 0;
	private idleTimer: NodeJS.Timeout | undefined;
	/**
	 * Leaves the files as a clean close leaves them, before an idle close (set by the facade to the
	 * writer's `quiesce`): false when they must stay open.
	 */
	quiesce: () => boolean = () => false;

	constructor(
		private readonly s: TopicState,
		fds: TopicFds,
	) {
		this.files = fds;
		this.armIdle();
	}

	get open(): boolean {
		return this.files !== null;
	}

	/**
	 * The topic's files, reopened if idle closing closed them (no recovery: the state is all in memory,
	 * and the files were left clean). Every use of the files goes through here.
	 */
	get fds(): TopicFds {
		this.used = true;
		if (this.files) return this.files;
		const {io, dir, topic} = this.s;
		const open = (file: string): number => {
			try {
				return io.open(path.join(dir, file), false);
			} catch (error) {
				throw explain(error, `cannot reopen ${path.join(dir, file)} of topic '${topic}'`);
			}
		};
		const log = open(LOG_FILE);
		let wal: number | undefined;
		try {
			wal = open(WAL_FILE);
			this.files = {log, wal, index: open(INDEX_FILE)};
		} catch (error) {
			io.close(log);
			if (wal !== undefined) io.close(wal);
			throw error;
		}
		this.armIdle();
		return this.files;
	}

	armIdle(): void {
		const ms = this.s.settings.idleCloseMs ?? 0;
		if (ms <= 0 || this.idleTimer) return;
		this.idleTimer = setTimeout(() => this.idleTick(), ms);
		this.idleTimer.unref();
	}

	stopIdle(): void {
		clearTimeout(this.idleTimer);
	}

	/**
	 * Closes the files after a whole idle period with no use, when nothing waits on them: no sync
	 * round running or scheduled, no unacknowledged append, no read in progress. `quiesce` first leaves
	 * them as a clean close does, all synchronously so no append slips in between.
	 */
	private idleTick(): void {
		this.idleTimer = undefined;
		const s = this.s;
		if (!this.files || s.closed || s.failure) return;
		const busy = s.syncing !== null || s.syncScheduled || s.waiting.length > 0 || s.unwritten.length > 0 || this.inUse > 0;
		if (this.used || busy) {
			this.used = false;
			this.armIdle();
			return;
		}
		if (this.quiesce()) this.closeAll();
	}

	/** Closes the files (best effort: by now the data is safe, or the topic has failed). */
	closeAll(): void {
		const files = this.files;
		this.files = null;
		for (const fd of files ? [files.log, files.wal, files.index] : []) {
			try {
				this.s.io.close(fd);
			} catch {
				// Closing is best effort once the data is safe (or the topic has failed).
			}
		}
	}
}
