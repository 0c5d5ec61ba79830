import path from 'node:path';
import type {FileIo} from '../../storage/file/io.js';
import {FRAME_HEADER_BYTES, parseHeader, readU64, WAL_HEADER_BYTES} from '../../storage/file/frame-codec.js';
import {encodeName} from '../../storage/file/names.js';
import {INDEX_ENTRY_BYTES} from '../../storage/file/offset-index.js';
import {INDEX_FILE, LOG_FILE, WAL_FILE} from '../../storage/file/recovery.js';
import type {IndexEntry} from './frame-inspection.js';

export interface LocatedFrame {
	source: 'log' | 'wal';
	file: string;
	position: number;
	bytes: Buffer;
	indexEntry: IndexEntry | null;
}

/**
 * Finds the on-disk frame holding `offset` of `topic`, read-only, with the storage's own layout
 * (docs/storage-format.md): the sparse index file narrows the log scan to one interval; records
 * not yet committed are found in the WAL. Returns null when the offset is in neither.
 */
export function locateFrame(io: FileIo, dataDir: string, topic: string, offset: number): LocatedFrame | null {
	const dir = path.join(dataDir, 'topics', encodeName(topic));
	const logFile = path.join(dir, LOG_FILE);
	if (!io.exists(logFile)) return null;
	const entry = withFile(io, path.join(dir, INDEX_FILE), (fd) => findIndexEntry(io, fd, offset));
	const inLog = withFile(io, logFile, (fd) => scan(io, fd, entry?.position ?? 0, offset));
	if (inLog) return {source: 'log', file: logFile, ...inLog, indexEntry: entry};
	const walFile = path.join(dir, WAL_FILE);
	const inWal = io.exists(walFile) ? withFile(io, walFile, (fd) => scan(io, fd, WAL_HEADER_BYTES, offset)) : null;
	return inWal ? {source: 'wal', file: walFile, ...inWal, indexEntry: null} : null;
}

function withFile<T>(io: FileIo, file: string, use: (fd: number) => T): T | null {
	if (!io.exists(file)) return null;
	const fd = io.open(file, false);
	try {
		return use(fd);
	} finally {
		io.close(fd);
	}
}

/** Binary search over the index file's 16-byte entries (u64 offset, u64 position), read one at a time. */
function findIndexEntry(io: FileIo, fd: number, offset: number): IndexEntry | null {
	const entries = Math.floor(io.size(fd) / INDEX_ENTRY_BYTES);
	const buf = Buffer.alloc(INDEX_ENTRY_BYTES);
	const at = (i: number): IndexEntry => {
		io.read(fd, buf, 0, INDEX_ENTRY_BYTES, i * INDEX_ENTRY_BYTES);
		return {offset: readU64(buf, 0), position: readU64(buf, 8)};
	};
	let lo = 0;
	let hi = entries - 1;
	let found: IndexEntry | null = null;
	while (lo <= hi) {
		const mid = (lo + hi) >>> 1;
		const e = at(mid);
		if (e.offset <= offset) {
			found = e;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	return found;
}

/** Walks frame headers from `position` until the frame holding `offset`; stops at damage or the end. */
function scan(io: FileIo, fd: number, position: number, offset: number): {position: number; bytes: Buffer} | null {
	const size = io.size(fd);
	const head = Buffer.alloc(FRAME_HEADER_BYTES);
	let p = position;
	while (p + FRAME_HEADER_BYTES <= size) {
		io.read(fd, head, 0, FRAME_HEADER_BYTES, p);
		const header = parseHeader(head, 0);
		if (typeof header === 'string') return null;
		if (offset >= header.baseOffset && offset < header.baseOffset + header.count) {
			const length = Math.min(header.length, size - p);
			const bytes = Buffer.alloc(length);
			io.read(fd, bytes, 0, length, p);
			return {position: p, bytes};
		}
		if (header.baseOffset > offset) return null;
		p += header.length;
	}
	return null;
}
