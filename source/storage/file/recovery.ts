import path from 'node:path';
import type {EventHub} from '../../engine/event-hub.js';
import type {FlashQEvent} from '../../engine/events.js';
import type {StorageNotice} from '../../engine/stats.js';
import type {SyncMode} from '../../engine/types.js';
import {readCheckpoint, writeCheckpoint} from './checkpoint.js';
import {decodeWalHeader, encodeWalHeader, FRAME_HEADER_BYTES, parseHeader, WAL_HEADER_BYTES} from './frame-codec.js';
import {FrameStream, validFrameAfter} from './frame-stream.js';
import type {FileIo} from './io.js';
import {INDEX_ENTRY_BYTES, OffsetIndex} from './offset-index.js';

export const LOG_FILE = 'log';
export const WAL_FILE = 'wal';
export const INDEX_FILE = 'index';

export interface TopicFds {
	log: number;
	wal: number;
	index: number;
}

export interface Recovered {
	logBytes: number;
	nextOffset: number;
	index: OffsetIndex;
	/** Index entries already in the index file. */
	indexPersisted: number;
	/** True when the log was opened from its checkpoint without reading any of it. */
	clean: boolean;
	scannedBytes: number;
	truncatedBytes: number;
	replayedRecords: number;
	message?: string;
	/** What recovery did, one notice per action (empty for a clean open). */
	notices: StorageNotice[];
}

/** Damage in the middle of a file: the topic refuses to open unless `repair` is set. */
export class CorruptionError extends Error {
	constructor(
		readonly file: string,
		readonly position: number,
		reason: string,
	) {
		super(
			`corrupt frame in ${file} at byte ${position} (${reason}), followed by valid frames; refusing to open. ` +
				'Reopen with --repair to copy the damaged file aside and truncate it at the damage (records after it are dropped).',
		);
		this.name = 'CorruptionError';
	}
}

export interface RecoveryOptions {
	topic: string;
	dir: string;
	sync: SyncMode;
	repair: boolean;
	indexInterval: number;
	/** The WAL file is kept at least this large (zero-filled): overwriting allocated blocks fsyncs faster than growing a file. */
	walPreallocBytes: number;
	events: EventHub<FlashQEvent>;
}

/** The frame header at `position` of a file, or null when there is none. */
function headerAt(io: FileIo, fd: number, position: number, size: number) {
	if (size - position < FRAME_HEADER_BYTES) return null;
	const buf = Buffer.alloc(FRAME_HEADER_BYTES);
	io.read(fd, buf, 0, FRAME_HEADER_BYTES, position);
	const header = parseHeader(buf);
	return typeof header === 'string' ? null : header;
}

const PROGRESS_EVERY = 16 * 1024 * 1024;

/**
 * Brings a topic's files to a consistent state and returns where the log stands.
 * 1. Start from the checkpoint (log bytes, next offset, index entries) when it is valid.
 * 2. Scan log frames after it. Bad bytes with no valid frame after them are a torn tail: truncate.
 *    Bad bytes followed by a valid frame are corruption, unless they lie past the WAL header's
 *    durable mark (never fsynced, so a power loss may leave holes; the WAL still holds those records).
 * 3. Replay WAL frames idempotently: skip what the log has, append the rest, stop at a gap.
 * 4. Make the result durable: fsync the log, reset the WAL, persist the index, write a checkpoint.
 * A clean close leaves checkpoint == log size and an empty WAL, so step 2 and 3 read nothing.
 */
export async function recoverTopic(io: FileIo, fds: TopicFds, options: RecoveryOptions): Promise<Recovered> {
	const {dir, events, topic} = options;
	const logPath = path.join(dir, LOG_FILE);
	const walPath = path.join(dir, WAL_FILE);
	let logBytes = io.size(fds.log);
	const walBytes = io.size(fds.wal);
	const index = new OffsetIndex(options.indexInterval);
	const checkpoint = readCheckpoint(io, dir);
	let start = 0;
	let next = 0;
	// Repair distrusts the checkpoint: it verifies the whole log.
	if (checkpoint && checkpoint.logBytes <= logBytes && !options.repair) {
		start = checkpoint.logBytes;
		next = checkpoint.nextOffset;
		const raw = Buffer.alloc(checkpoint.indexEntries * INDEX_ENTRY_BYTES);
		const got = io.read(fds.index, raw, 0, raw.length, 0);
		index.load(raw.subarray(0, got), start);
	}
	const indexLoaded = index.length;
	const walHeaderBuf = Buffer.alloc(WAL_HEADER_BYTES);
	const walHeader = walBytes >= WAL_HEADER_BYTES && io.read(fds.wal, walHeaderBuf, 0, WAL_HEADER_BYTES, 0) === WAL_HEADER_BYTES ? decodeWalHeader(walHeaderBuf) : null;
	// Without a readable WAL header, assume the whole log was durable: damage in it is then corruption.
	const durableMark = walHeader ? Math.min(walHeader.durableLogBytes, logBytes) : logBytes;

	// The WAL is reused in place, so it may hold old frames (or zeros) after its last reset. It has nothing
	// to replay when its first frame is absent or holds only records the log already has.
	const firstWal = headerAt(io, fds.wal, WAL_HEADER_BYTES, walBytes);
	const walEmpty = firstWal === null || firstWal.baseOffset + firstWal.count <= next;
	if (checkpoint && start === logBytes && walEmpty && walHeader && index.length === checkpoint.indexEntries) {
		if (walHeader.sync !== options.sync) {
			io.write(fds.wal, encodeWalHeader({sync: options.sync, durableLogBytes: logBytes, nextOffset: next}), 0, WAL_HEADER_BYTES, 0);
			io.fdatasyncSync(fds.wal);
		}
		if (events.active) events.emit({type: 'recovery.done', at: Date.now(), topic, records: next, truncatedBytes: 0, message: 'clean: opened from checkpoint'});
		return {logBytes, nextOffset: next, index, indexPersisted: index.length, clean: true, scannedBytes: 0, truncatedBytes: 0, replayedRecords: 0, notices: []};
	}

	const notes: string[] = [];
	const notices: StorageNotice[] = [];
	const notice = (n: Omit<StorageNotice, 'at' | 'kind' | 'topic'>) => {
		notices.push({at: Date.now(), kind: 'recovery', topic, ...n});
		notes.push(n.message);
	};
	let truncatedBytes = 0;
	let scannedBytes = 0;
	let lastProgress = 0;
	const totalBytes = logBytes - start + Math.max(0, walBytes - WAL_HEADER_BYTES);

	// 2. The log after the checkpoint.
	const stream = new FrameStream(io, fds.log, start, logBytes, 1024 * 1024);
	for (;;) {
		const item = await stream.next();
		if (item.kind === 'end') break;
		if (item.kind === 'frame' && item.header.baseOffset === next) {
			index.maybeAdd(next, item.position);
			next += item.header.count;
			scannedBytes += item.header.length;
			if (events.active && scannedBytes - lastProgress >= PROGRESS_EVERY) {
				lastProgress = scannedBytes;
				events.emit({type: 'recovery.progress', at: Date.now(), topic, bytesScanned: scannedBytes, totalBytes});
			}
			continue;
		}
		const position = item.kind === 'bad' ? item.position : item.position;
		const reason = item.kind === 'bad' ? item.reason : `frame offset ${item.header.baseOffset}, expected ${next}`;
		if (position < durableMark) {
			const later = await validFrameAfter(io, fds.log, position + 1, logBytes);
			if (later !== null) {
				if (!options.repair) throw new CorruptionError(logPath, position, reason);
				const aside = `${logPath}.damaged-${Date.now()}`;
				io.copyFile(logPath, aside);
				notice({level: 'warning', file: logPath, position, copy: aside, bytesDropped: logBytes - position, message: `repaired: ${logPath} copied to ${aside}, truncated at byte ${position} (${reason})`});
			}
		}
		notice({level: 'warning', file: logPath, position, bytesDropped: logBytes - position, message: `torn tail of ${logPath}: dropped ${logBytes - position} bytes from byte ${position} (${reason})`});
		truncatedBytes += logBytes - position;
		io.truncate(fds.log, position);
		logBytes = position;
		break;
	}

	// 3. WAL replay: idempotent, a frame whose records the log already has is skipped.
	let replayedRecords = 0;
	if (walBytes > WAL_HEADER_BYTES) {
		const wal = new FrameStream(io, fds.wal, WAL_HEADER_BYTES, walBytes, 1024 * 1024);
		for (;;) {
			const item = await wal.next();
			if (item.kind === 'end') break;
			if (item.kind === 'bad') {
				// The WAL's end is never known durable (its tail is fsynced only when a round finishes, and a
				// power loss may keep later sectors and lose earlier ones), so any damage ends the replay.
				// Zeros and the remains of frames from before the last reset are its normal end: not reported.
				const torn = headerAt(io, fds.wal, item.position, walBytes);
				if (torn && torn.baseOffset >= next) {
					const dropped = Math.min(torn.length, walBytes - item.position);
					notice({level: 'warning', file: walPath, position: item.position, bytesDropped: dropped, message: `torn tail of ${walPath}: dropped a ${dropped}-byte frame at byte ${item.position} (${item.reason})`});
					truncatedBytes += dropped;
				}
				break;
			}
			const {header} = item;
			if (header.baseOffset + header.count <= next) continue;
			if (header.baseOffset !== next) {
				notice({level: 'warning', file: walPath, position: item.position, message: `WAL frames from offset ${header.baseOffset} dropped: the log ends at offset ${next} (lost unsynced records)`});
				break;
			}
			io.write(fds.log, item.buf, item.at, header.length, logBytes);
			index.maybeAdd(next, logBytes);
			logBytes += header.length;
			next += header.count;
			replayedRecords += header.count;
		}
	}

	// 4. Make it durable, then start an empty WAL whose durable mark is the whole log.
	io.fdatasyncSync(fds.log);
	io.write(fds.wal, encodeWalHeader({sync: options.sync, durableLogBytes: logBytes, nextOffset: next}), 0, WAL_HEADER_BYTES, 0);
	// Zero the rest, so no frame left behind a tear can be taken for a new one later; keep the space.
	io.truncate(fds.wal, WAL_HEADER_BYTES);
	preallocate(io, fds.wal, options.walPreallocBytes);
	io.fdatasyncSync(fds.wal);
	const fresh = index.encode(indexLoaded);
	io.truncate(fds.index, indexLoaded * INDEX_ENTRY_BYTES);
	io.write(fds.index, fresh, 0, fresh.length, indexLoaded * INDEX_ENTRY_BYTES);
	io.fdatasyncSync(fds.index);
	writeCheckpoint(io, dir, {logBytes, nextOffset: next, indexEntries: index.length});
	if (replayedRecords > 0) notice({level: 'info', file: walPath, message: `replayed ${replayedRecords} records from ${walPath} into the log`});
	const message = notes.length > 0 ? notes.join('; ') : undefined;
	if (events.active) {
		events.emit({type: 'recovery.progress', at: Date.now(), topic, bytesScanned: totalBytes, totalBytes});
		events.emit({type: 'recovery.done', at: Date.now(), topic, records: next, truncatedBytes, message});
		if (truncatedBytes > 0 || message?.includes('dropped')) events.emit({type: 'storage.error', at: Date.now(), topic, message: message!});
	}
	return {logBytes, nextOffset: next, index, indexPersisted: index.length, clean: false, scannedBytes, truncatedBytes, replayedRecords, message, notices};
}

/** Extends a file with zeros to `bytes` (real blocks, unlike a sparse ftruncate). */
export function preallocate(io: FileIo, fd: number, bytes: number): void {
	zeroFill(io, fd, io.size(fd), bytes);
}

/** Writes zeros over [from, to). */
export function zeroFill(io: FileIo, fd: number, from: number, to: number): void {
	const zeros = Buffer.alloc(Math.max(0, Math.min(to - from, 1024 * 1024)));
	for (let at = from; at < to; at += zeros.length) io.write(fd, zeros, 0, Math.min(zeros.length, to - at), at);
}
