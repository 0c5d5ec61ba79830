import path from 'node:path';
import type {StoredRecord} from '../../core/records.js';
import {recordBytes, recordBytesUpperBound} from '../record-bytes.js';
import type {FrameLocation} from '../types.js';
import {decodeRecords, fitRecords, FRAME_HEADER_BYTES, parseHeader} from './frame-codec.js';
import {FrameStream, readFully} from './frame-stream.js';
import {INDEX_FILE, WAL_FILE} from './recovery.js';
import type {TopicFiles} from './topic-files.js';
import type {TopicState} from './topic-state.js';

/**
 * The reader: records from the cache, the WAL's pending records (kept in memory until their commit),
 * or the log (index lookup, then a streaming scan), bounded in bytes; rebuilds the index when an
 * entry is found wrong; and locates the frame holding an offset (for the byte inspector).
 */
export class TopicReader {
	constructor(
		private readonly s: TopicState,
		private readonly files: TopicFiles,
	) {}

	/** `quiet`: the same records, counted nowhere (see TopicLog.read). */
	async read(fromOffset: number, maxRecords: number, maxBytes = Infinity, quiet = false): Promise<StoredRecord[]> {
		const s = this.s;
		const end = Math.min(s.highWaterMark, fromOffset + maxRecords);
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
		const evictionsBefore = s.evictions();
		while (offset < end) {
			// (Appends made while this read awaited the disk are in the cache now, as if inserted then.)
			const cached = quiet ? s.cache?.peek(offset) : s.cache?.get(offset);
			if (cached) {
				if (!take(cached)) break;
				offset++;
				hits++;
				continue;
			}
			if (offset >= s.committedNext) {
				// Not in the log yet: the WAL's pending records are kept in memory until their commit.
				const pending = s.pendingRecords[offset - s.committedNext]!;
				// A copy of the headers: what a reader does with its record must not change the next read.
				if (!take(pending.headers === null ? pending : {...pending, headers: {...pending.headers}})) break;
				offset++;
				continue;
			}
			// Stream from the log only up to the next record the cache has.
			const limit = Math.min(end, s.committedNext);
			let stop = offset + 1;
			while (stop < limit && !s.cache?.has(stop)) stop++;
			if (maxBytes !== Infinity) settle();
			const {records, bytes} = await this.readLog(offset, stop, maxBytes - exactBytes, out.length === 0, quiet);
			misses += records.length;
			for (const record of records) out.push(record);
			offset += records.length;
			exactBytes += bytes;
			exactCount = out.length;
			// Fewer than asked for: the byte budget ran out inside the log.
			if (offset < stop) break;
		}
		if (quiet) return out;
		s.counters.hits += hits;
		s.counters.misses += misses;
		if (s.events.active && (hits > 0 || misses > 0)) {
			s.events.emit({type: 'cache', at: Date.now(), topic: s.topic, hits, misses, evictions: s.evictions() - evictionsBefore});
		}
		return out;
	}

	/**
	 * The first record below the high water mark stamped at or after `time`: a binary search over the
	 * index entries (reading the 32-byte header of each frame it probes, since entries hold no
	 * timestamp) for the last frame stamped before `time`, then a scan from there (about one index
	 * interval); pending WAL records are in memory. Counted nowhere: no cache, lookup stat or event.
	 */
	async offsetForTime(time: number): Promise<{offset: number; timestamp: number | null}> {
		const s = this.s;
		const end = s.highWaterMark;
		// In `always` mode the log may hold a batch waiting for its fsync: never past the high water mark.
		const logEnd = Math.min(s.committedNext, end);
		if (logEnd > 0) {
			this.files.inUse++;
			try {
				const found = await this.searchLog(time, logEnd);
				if (found) return found;
			} finally {
				this.files.inUse--;
			}
		}
		for (let offset = Math.max(logEnd, s.committedNext); offset < end; offset++) {
			const record = s.pendingRecords[offset - s.committedNext]!;
			if (record.timestamp >= time) return {offset, timestamp: record.timestamp};
		}
		return {offset: end, timestamp: null};
	}

	private async searchLog(time: number, logEnd: number): Promise<{offset: number; timestamp: number} | null> {
		const s = this.s;
		const fd = this.files.fds.log;
		const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
		let lo = 0;
		let hi = s.index.length - 1;
		let start = 0;
		while (lo <= hi) {
			const mid = (lo + hi) >>> 1;
			const offset = s.index.offsetAt(mid);
			if (offset >= logEnd) {
				hi = mid - 1;
				continue;
			}
			const got = await readFully(s.io, fd, header, FRAME_HEADER_BYTES, s.index.positionAt(mid));
			const parsed = got === FRAME_HEADER_BYTES ? parseHeader(header) : null;
			if (!parsed?.ok || parsed.header.baseOffset !== offset) {
				// A wrong entry (the index is derived data): the scan from the start is slower but right.
				start = 0;
				break;
			}
			if (parsed.header.timestamp < time) {
				start = s.index.positionAt(mid);
				lo = mid + 1;
			} else hi = mid - 1;
		}
		// Chunks of two intervals: the scan usually ends within one, where a read's 64 KiB would be waste.
		const stream = new FrameStream(s.io, fd, start, s.logBytes, Math.max(4096, 2 * s.index.interval));
		for (;;) {
			const item = await stream.next();
			if (item.kind === 'end') return null;
			if (item.kind === 'bad') {
				throw new Error(`cannot search topic '${s.topic}' by time in ${s.logPath}: ${item.reason} at byte ${item.position}; the log is damaged, reopen with --repair to truncate it at the damage`);
			}
			if (item.header.baseOffset >= logEnd) return null;
			if (item.header.timestamp >= time) return {offset: item.header.baseOffset, timestamp: item.header.timestamp};
		}
	}

	async locateFrame(offset: number): Promise<FrameLocation | null> {
		const s = this.s;
		if (!Number.isSafeInteger(offset) || offset < 0 || offset >= s.next) return null;
		const contains = (base: number, count: number) => offset >= base && offset < base + count;
		if (offset >= s.committedNext) {
			// Pending frames: the written ones end the WAL; in `always` mode the rest wait for the sync round.
			const writtenCount = s.pendingFrames.length - s.unwritten.length;
			let position = s.walBytes;
			for (let i = writtenCount - 1; i >= 0; i--) position -= s.pendingFrames[i]!.buf.length;
			for (let i = 0; i < s.pendingFrames.length; i++) {
				const frame = s.pendingFrames[i]!;
				if (contains(frame.baseOffset, frame.count)) {
					const file = path.join(s.dir, WAL_FILE);
					return {source: 'wal', file, position, bytes: Buffer.from(frame.buf), written: i < writtenCount, indexEntry: null};
				}
				position += frame.buf.length;
			}
			return null;
		}
		const entry = s.index.find(offset);
		const indexEntry = entry >= 0 ? {offset: s.index.offsetAt(entry), position: s.index.positionAt(entry)} : null;
		const stream = new FrameStream(s.io, this.files.fds.log, indexEntry?.position ?? 0, s.logBytes);
		this.files.inUse++;
		try {
			for (;;) {
				const item = await stream.next();
				if (item.kind !== 'frame') return null;
				if (contains(item.header.baseOffset, item.header.count)) {
					const bytes = Buffer.from(item.buf.subarray(item.at, item.at + item.header.length));
					return {source: 'log', file: s.logPath, position: item.position, bytes, written: true, indexEntry};
				}
			}
		} finally {
			this.files.inUse--;
		}
	}

	/**
	 * Records [from, stop) from the log, or fewer: it stops before the record that would pass `budget`
	 * bytes (taking the first one whatever its size when `takeOne`). Index lookup, then a bounded
	 * streaming scan: each frame is read from disk asynchronously, so a long read gives the event loop
	 * a turn between frames (or 64 KiB chunks of small ones), and only the records returned are decoded.
	 */
	private async readLog(from: number, stop: number, budget: number, takeOne: boolean, quiet: boolean, indexChecked = false): Promise<{records: StoredRecord[]; bytes: number}> {
		// The stream holds the log's fd across awaits: the files stay open until it is done.
		this.files.inUse++;
		try {
			return await this.streamLog(from, stop, budget, takeOne, quiet, indexChecked);
		} finally {
			this.files.inUse--;
		}
	}

	private async streamLog(from: number, stop: number, budget: number, takeOne: boolean, quiet: boolean, indexChecked: boolean): Promise<{records: StoredRecord[]; bytes: number}> {
		const s = this.s;
		const entry = s.index.find(from);
		const position = entry >= 0 ? s.index.positionAt(entry) : 0;
		const entryOffset = entry >= 0 ? s.index.offsetAt(entry) : 0;
		const stream = new FrameStream(s.io, this.files.fds.log, position, s.logBytes);
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
				return this.readLog(from, stop, budget, takeOne, quiet, true);
			}
			if (item.kind !== 'frame') {
				const reason = item.kind === 'bad' ? `${item.reason} at byte ${item.position}` : 'unexpected end of log';
				throw new Error(
					`cannot read offset ${from + out.length} of topic '${s.topic}' from ${s.logPath}: ${reason}; the log is damaged, reopen with --repair to truncate it at the damage`,
				);
			}
			const {header} = item;
			if (header.baseOffset !== expected) {
				throw new Error(`log ${s.logPath} is inconsistent at byte ${item.position}: frame offset ${header.baseOffset}, expected ${expected}`);
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
		if (quiet) return {records: out, bytes};
		const lookup = {offset: from, entryOffset, position, scanned};
		s.counters.lookups++;
		s.counters.lastLookup = lookup;
		if (s.events.active) s.events.emit({type: 'index.lookup', at: Date.now(), topic: s.topic, ...lookup});
		return {records: out, bytes};
	}

	/**
	 * Rebuilds the sparse index by scanning the whole log (which also proves the log intact: a bad frame
	 * fails the read naming the log), rewrites the index file, and tells the user.
	 */
	private async rebuildIndex(why: string): Promise<void> {
		const s = this.s;
		const scanEnd = s.logBytes;
		const stream = new FrameStream(s.io, this.files.fds.log, 0, scanEnd, 1024 * 1024);
		const entries: [number, number][] = [];
		let lastPosition = -Infinity;
		for (let expected = 0; ; ) {
			const item = await stream.next();
			if (item.kind === 'end') break;
			if (item.kind === 'bad' || item.header.baseOffset !== expected) {
				const reason = item.kind === 'bad' ? item.reason : `frame offset ${item.header.baseOffset}, expected ${expected}`;
				throw new Error(
					`${s.logPath} is damaged at byte ${item.position} (${reason}); reopen with --repair to copy it aside and truncate it at the damage`,
				);
			}
			if (item.position - lastPosition >= s.index.interval) {
				entries.push([expected, item.position]);
				lastPosition = item.position;
			}
			expected += item.header.count;
		}
		// Entries added by appends while the scan awaited the disk lie past what it scanned: keep them.
		for (let i = 0; i < s.index.length; i++) if (s.index.positionAt(i) >= scanEnd) entries.push([s.index.offsetAt(i), s.index.positionAt(i)]);
		s.index.truncate(0);
		for (const [offset, position] of entries) s.index.add(offset, position);
		const indexPath = path.join(s.dir, INDEX_FILE);
		let saved = '';
		try {
			const buf = s.index.encode(0);
			s.io.truncate(this.files.fds.index, 0);
			s.io.write(this.files.fds.index, buf, 0, buf.length, 0);
			s.io.fdatasyncSync(this.files.fds.index);
			s.indexPersisted = s.index.length;
		} catch (error) {
			// The index in memory is right; the file is rebuilt again at the next open if it is still wrong.
			s.indexPersisted = 0;
			saved = ` (writing ${indexPath} failed: ${error instanceof Error ? error.message : String(error)}; it is rebuilt again at the next open)`;
		}
		s.settings.notify?.({
			at: Date.now(),
			kind: 'recovery',
			level: 'info',
			topic: s.topic,
			file: indexPath,
			message: `${indexPath} was damaged (${why}); the log is intact: index rebuilt from it (${s.index.length} entries)${saved}`,
		});
	}
}
