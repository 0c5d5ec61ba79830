import type {EventHub} from '../../core/event-hub.js';
import type {FlashQEvent} from '../../core/events.js';
import type {TopicStorageStats} from '../../core/stats.js';
import type {RecordInput, StoredRecord} from '../../core/records.js';
import type {FrameLocation, TopicLog} from '../types.js';
import {FailStop} from './fail-stop.js';
import type {FileIo} from './io.js';
import type {Recovered, TopicFds} from './recovery.js';
import {SyncRounds} from './sync-rounds.js';
import {TopicFiles} from './topic-files.js';
import {TopicReader} from './topic-reader.js';
import {type TopicLogSettings, TopicState} from './topic-state.js';
import {topicStats} from './topic-stats.js';
import {TopicWriter} from './topic-writer.js';

export type {TopicLogSettings} from './topic-state.js';

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
	private readonly s: TopicState;
	private readonly files: TopicFiles;
	private readonly failStop: FailStop;
	private readonly writer: TopicWriter;
	private readonly rounds: SyncRounds;
	private readonly reader: TopicReader;

	constructor(
		readonly topic: string,
		dir: string,
		io: FileIo,
		fds: TopicFds,
		settings: TopicLogSettings,
		events: EventHub<FlashQEvent>,
		recovered: Recovered,
	) {
		this.s = new TopicState(topic, dir, io, settings, events, recovered, io.size(fds.wal));
		this.files = new TopicFiles(this.s, fds);
		this.failStop = new FailStop(this.s, this.files);
		this.writer = new TopicWriter(this.s, this.files, this.failStop);
		this.rounds = new SyncRounds(this.s, this.files, this.writer, this.failStop);
		this.writer.rounds = this.rounds;
		this.files.quiesce = () => this.writer.quiesce();
		this.reader = new TopicReader(this.s, this.files);
	}

	get nextOffset(): number {
		return this.s.next;
	}

	get highWaterMark(): number {
		return this.s.highWaterMark;
	}

	append(records: readonly RecordInput[], timestamp: number, bytes: number): Promise<number> {
		return this.writer.append(records, timestamp, bytes);
	}

	read(fromOffset: number, maxRecords: number, maxBytes = Infinity, quiet = false): Promise<StoredRecord[]> {
		return this.reader.read(fromOffset, maxRecords, maxBytes, quiet);
	}

	locateFrame(offset: number): Promise<FrameLocation | null> {
		return this.reader.locateFrame(offset);
	}

	offsetForTime(time: number): Promise<{offset: number; timestamp: number | null}> {
		return this.reader.offsetForTime(time);
	}

	stats(): TopicStorageStats {
		return topicStats(this.s);
	}

	/**
	 * Stops the topic without touching its files again: for a process that lost the data directory's
	 * lock, where another process may own the files now. Every waiting and later append is rejected.
	 */
	halt(error: unknown): void {
		this.failStop.halt(error);
	}

	/** Commits pending records and fsyncs the WAL and the log. */
	async flush(): Promise<void> {
		if (this.s.failure) throw this.s.failure;
		this.files.inUse++;
		try {
			await this.rounds.flushFiles();
		} finally {
			this.files.inUse--;
		}
	}

	/** A clean close: everything committed and fsynced, checkpoint written, WAL empty. */
	async close(): Promise<void> {
		const s = this.s;
		if (s.closed) return;
		this.rounds.stopTimer();
		this.files.stopIdle();
		// Idle-closed files were left as a clean close leaves them: nothing to reopen them for.
		if (!this.files.open) {
			s.closed = true;
			return;
		}
		try {
			if (!s.failure) {
				await this.flush();
				s.closed = true;
				this.writer.resetWalForClose();
			}
		} finally {
			s.closed = true;
			this.files.closeAll();
		}
	}
}
