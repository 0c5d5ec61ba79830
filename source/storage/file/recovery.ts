import path from 'node:path';
import type {EventHub} from '../../core/event-hub.js';
import type {FlashQEvent} from '../../core/events.js';
import type {StorageNotice} from '../../core/stats.js';
import type {SyncMode} from '../../core/records.js';
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
			`corrupt frame in ${file} at byte ${position} (${reason}); refusing to open, nothing was changed. ` +
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
	/** Null: say nothing (a topic created just now has nothing to recover). */
	events: EventHub<FlashQEvent> | null;
}

/** The frame header at `position` of a file, or null when there is none. */
function headerAt(io: FileIo, fd: number, position: number, size: number) {
	if (size - position < FRAME_HEADER_BYTES) return null;
	const buf = Buffer.alloc(FRAME_HEADER_BYTES);
	io.read(fd, buf, 0, FRAME_HEADER_BYTES, position);
	const parsed = parseHeader(buf);
	return parsed.ok ? parsed.header : null;
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
	const notices: StorageNotice[] = [];
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
		if (index.length < checkpoint.indexEntries) {
			// The index is derived data: missing, short or damaged, it is rebuilt by a full scan of the log.
			const indexPath = path.join(dir, INDEX_FILE);
			notices.push({
				at: Date.now(),
				kind: 'recovery',
				level: 'info',
				topic,
				file: indexPath,
				message: `${indexPath} holds ${index.length} of the checkpoint's ${checkpoint.indexEntries} valid entries (missing, short or damaged): rebuilt from the log`,
			});
			index.truncate(0);
			start = 0;
			next = 0;
		}
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
	if (checkpoint && start === checkpoint.logBytes && start === logBytes && walEmpty && walHeader && index.length === checkpoint.indexEntries) {
		if (walHeader.sync !== options.sync) {
			io.write(fds.wal, encodeWalHeader({sync: options.sync, durableLogBytes: logBytes, nextOffset: next}), 0, WAL_HEADER_BYTES, 0);
			io.fdatasyncSync(fds.wal);
		}
		if (events?.active) events.emit({type: 'recovery.done', at: Date.now(), topic, records: next, truncatedBytes: 0, message: 'clean: opened from checkpoint'});
		return {logBytes, nextOffset: next, index, indexPersisted: index.length, clean: true, scannedBytes: 0, truncatedBytes: 0, replayedRecords: 0, notices};
	}

	const notes: string[] = [];
	const notice = (n: Omit<StorageNotice, 'at' | 'kind' | 'topic'>) => {
		notices.push({at: Date.now(), kind: 'recovery', topic, ...n});
		notes.push(n.message);
	};
	let truncatedBytes = 0;
	let scannedBytes = 0;
	let lastProgress = 0;
	const totalBytes = logBytes - start + Math.max(0, walBytes - WAL_HEADER_BYTES);

	// The WAL's valid frames, read before the log is judged: damage in the log is healed when the WAL
	// holds every record it hides.
	const wal = walBytes > WAL_HEADER_BYTES ? await scanWal(io, fds.wal, walBytes) : {frames: new Map<number, WalFrame>(), damage: []};
	const walCovers = (from: number, to: number): boolean => {
		for (let at = from; at < to; ) {
			const frame = wal.frames.get(at);
			if (!frame) return false;
			at += frame.count;
		}
		return true;
	};
	// Records the log held when the mark was written: fsynced, so they cannot have gone missing.
	const markNext = walHeader ? walHeader.nextOffset : 0;

	// 2. The log after the checkpoint.
	const stream = new FrameStream(io, fds.log, start, logBytes, 1024 * 1024);
	for (;;) {
		const item = await stream.next();
		if (item.kind === 'end') {
			// A log that ends cleanly but short of what its mark counted lost fsynced records (a file cut
			// or replaced): unless the WAL still holds them, that is corruption, not a tail.
			if (next < markNext && !walCovers(next, markNext)) {
				const reason = `the log ends at offset ${next}, but offsets up to ${markNext - 1} were fsynced`;
				if (!options.repair) throw new CorruptionError(logPath, logBytes, `${reason}; offsets ${next}..${markNext - 1} are missing`);
				notice({level: 'warning', file: logPath, position: logBytes, recordsDropped: markNext - next, message: `repaired: ${logPath} ${reason}; offsets ${next}..${markNext - 1} are lost`});
			}
			break;
		}
		if (item.kind === 'frame' && item.header.baseOffset === next) {
			index.maybeAdd(next, item.position);
			next += item.header.count;
			scannedBytes += item.header.length;
			if (events?.active && scannedBytes - lastProgress >= PROGRESS_EVERY) {
				lastProgress = scannedBytes;
				events.emit({type: 'recovery.progress', at: Date.now(), topic, bytesScanned: scannedBytes, totalBytes});
			}
			continue;
		}
		const position = item.position;
		const reason = item.kind === 'bad' ? item.reason : `frame offset ${item.header.baseOffset}, expected ${next}`;
		const dropped = logBytes - position;
		// Look past the damage: valid frames continuing this log mean it is no torn tail.
		const later = await laterFrames(io, fds.log, position + 1, logBytes, next);
		// Records that must exist from `next` on: those of later frames, and below the mark all it counted.
		const required = Math.max(later?.end ?? next, position < durableMark ? markNext : next);
		const records = required > next ? `offsets ${next}..${required - 1}` : 'no complete record';
		if (required > next && walCovers(next, required)) {
			notice({level: 'info', file: logPath, position, bytesDropped: dropped, message: `damaged frame in ${logPath} at byte ${position} (${reason}): ${records} restored from ${walPath}`});
		} else if (required === next || (position >= durableMark && later !== null && later.position >= durableMark)) {
			// Past the durable mark nothing was ever fsynced: a crash or power loss leaves such tails (holes
			// included), and in sync=always none of it was acknowledged.
			const lost = required > next ? required - next : undefined;
			notice({
				level: 'warning',
				file: logPath,
				position,
				bytesDropped: dropped,
				...(lost === undefined ? {} : {recordsDropped: lost}),
				message: `torn tail of ${logPath}: dropped ${dropped} bytes from byte ${position} (${reason}; ${records}, never fsynced)`,
			});
		} else {
			if (!options.repair) throw new CorruptionError(logPath, position, `${reason}; ${records} would be lost`);
			const aside = `${logPath}.damaged-${Date.now()}`;
			io.copyFile(logPath, aside);
			notice({
				level: 'warning',
				file: logPath,
				position,
				copy: aside,
				bytesDropped: dropped,
				recordsDropped: required - next,
				message: `repaired: ${logPath} copied to ${aside}, truncated at byte ${position} (${reason}); ${records} dropped`,
			});
		}
		truncatedBytes += dropped;
		io.truncate(fds.log, position);
		logBytes = position;
		break;
	}

	// 3. WAL replay, idempotent: frames whose records the log already has are skipped (damaged ones too,
	// when the next valid frame shows the log holds what they held).
	let replayedRecords = 0;
	for (let frame = wal.frames.get(next); frame; frame = wal.frames.get(next)) {
		const buf = Buffer.allocUnsafe(frame.length);
		io.read(fds.wal, buf, 0, frame.length, frame.position);
		io.write(fds.log, buf, 0, frame.length, logBytes);
		index.maybeAdd(next, logBytes);
		logBytes += frame.length;
		next += frame.count;
		replayedRecords += frame.count;
	}
	const stranded = [...wal.frames.values()].filter((f) => f.base >= next);
	if (stranded.length > 0) {
		const first = Math.min(...stranded.map((f) => f.base));
		const last = Math.max(...stranded.map((f) => f.base + f.count)) - 1;
		const count = stranded.reduce((n, f) => n + f.count, 0);
		notice({
			level: 'warning',
			file: walPath,
			position: Math.min(...stranded.map((f) => f.position)),
			recordsDropped: count,
			message: `${walPath}: ${count} records (offsets ${first}..${last}) dropped: offsets ${next}..${first - 1} are in no valid frame (damaged or never written), and offsets must stay dense`,
		});
	}
	for (const damage of wal.damage) {
		if (damage.resumeBase !== null) {
			// Damage followed by a valid frame that the log reaches: its records are in the log, it cost nothing.
			// (One the log does not reach is reported above with the records it strands.)
			if (damage.resumeBase <= next) {
				notice({level: 'info', file: walPath, position: damage.position, message: `damaged frame in ${walPath} at byte ${damage.position} (${damage.reason}) skipped: the log holds its records`});
			}
		} else if (damage.base !== null && damage.base >= next) {
			notice({level: 'warning', file: walPath, position: damage.position, bytesDropped: damage.bytes, message: `torn tail of ${walPath}: dropped a ${damage.bytes}-byte frame at byte ${damage.position} (${damage.reason})`});
			truncatedBytes += damage.bytes;
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
	if (replayedRecords > 0) notice({level: 'info', file: walPath, message: `replayed ${replayedRecords} records from the WAL`});
	const message = notes.length > 0 ? notes.join('; ') : undefined;
	// A torn tail is normal after a crash (its records were never acknowledged): recovery.done says it,
	// at warning level, and the notices say what was dropped; storage.error is kept for failures.
	if (events?.active) {
		events.emit({type: 'recovery.progress', at: Date.now(), topic, bytesScanned: totalBytes, totalBytes});
		events.emit({type: 'recovery.done', at: Date.now(), topic, records: next, truncatedBytes, message});
	}
	return {logBytes, nextOffset: next, index, indexPersisted: index.length, clean: false, scannedBytes, truncatedBytes, replayedRecords, message, notices};
}

interface WalFrame {
	base: number;
	count: number;
	position: number;
	length: number;
}

interface WalDamage {
	position: number;
	reason: string;
	/** The damaged frame's first offset when its header still parses (a torn frame), else null. */
	base: number | null;
	/** First offset of the next valid frame after the damage; null when none follows (the WAL's end). */
	resumeBase: number | null;
	bytes: number;
}

/**
 * Every valid frame of the WAL, by first offset, looking past damage for the next valid frame. Zeros
 * and the remains of frames from before the last reset are its normal end and are not damage.
 */
async function scanWal(io: FileIo, fd: number, size: number): Promise<{frames: Map<number, WalFrame>; damage: WalDamage[]}> {
	const frames = new Map<number, WalFrame>();
	const damage: WalDamage[] = [];
	let from = WAL_HEADER_BYTES;
	while (from < size) {
		const stream = new FrameStream(io, fd, from, size, 1024 * 1024);
		let bad: {position: number; reason: string} | null = null;
		for (;;) {
			const item = await stream.next();
			if (item.kind === 'end') break;
			if (item.kind === 'bad') {
				bad = item;
				break;
			}
			const {header} = item;
			frames.set(header.baseOffset, {base: header.baseOffset, count: header.count, position: item.position, length: header.length});
		}
		if (!bad) break;
		const torn = headerAt(io, fd, bad.position, size);
		const resume = await validFrameAfter(io, fd, bad.position + 1, size);
		const resumeBase = resume === null ? null : headerAt(io, fd, resume, size)!.baseOffset;
		// Zeros and old remains at the WAL's end have no frame header: its normal end, not damage.
		if (torn || resume !== null) {
			const bytes = Math.min(torn?.length ?? Number.POSITIVE_INFINITY, (resume ?? size) - bad.position);
			damage.push({position: bad.position, reason: bad.reason, base: torn?.baseOffset ?? null, resumeBase, bytes});
		}
		if (resume === null) break;
		from = resume;
	}
	return {frames, damage};
}

/**
 * Valid frames anywhere in [from, end) that continue a log whose next offset is `next`: where the
 * first starts, and the offset after the last record any of them holds. Null when there is none.
 */
async function laterFrames(io: FileIo, fd: number, from: number, end: number, next: number): Promise<{position: number; end: number} | null> {
	let firstPosition = -1;
	let lastEnd = -1;
	let at = from;
	while (at < end) {
		const position = await validFrameAfter(io, fd, at, end);
		if (position === null) break;
		const stream = new FrameStream(io, fd, position, end, 1024 * 1024);
		let last = position;
		for (;;) {
			const item = await stream.next();
			if (item.kind !== 'frame') break;
			last = item.position + item.header.length;
			if (item.header.baseOffset < next) continue;
			if (firstPosition < 0) firstPosition = item.position;
			lastEnd = Math.max(lastEnd, item.header.baseOffset + item.header.count);
		}
		at = last === position ? position + 1 : last;
	}
	return firstPosition < 0 ? null : {position: firstPosition, end: lastEnd};
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
