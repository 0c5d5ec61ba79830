import {crc32} from './crc32.js';
import type {RecordInput, StoredRecord} from '../../core/records.js';

/**
 * The frame codec: bytes <-> record batches, nothing else (no I/O). One frame holds one append
 * batch, so a batch costs one header and one CRC and its offsets are contiguous by construction.
 * Layout (all integers little-endian; see docs/storage-format.md):
 *
 *   0  u8[2] magic 'F' 'Q'      2  u8 version (1)      3  u8 flags (0)
 *   4  u32   crc32 of bytes [8, length)
 *   8  u32   length: the whole frame in bytes, header included
 *  12  u64   base offset        20  u32 record count   24  f64 timestamp (ms since the epoch)
 *  32  records, each: i32 key length (-1 = null) + key, u32 value length + value,
 *      i32 header count (-1 = null) + per header: u32 name length + name, u32 value length + value
 */
export const FRAME_MAGIC_0 = 0x46; // 'F'
export const FRAME_MAGIC_1 = 0x51; // 'Q'
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 32;
/** Larger than any batch the engine accepts (1000 records of at most ~2 MiB); guards a corrupt length. */
export const MAX_FRAME_BYTES = 2 ** 31 - 1;

export interface EncodedFrame {
	buffer: Buffer;
	/** Encoded size of each record, for the cache's byte bound. */
	recordSizes: number[];
}

/**
 * Encodes one batch. With `scratch` large enough, the frame is built in it (the result is then a view
 * that the next call overwrites): reusing memory avoids page-faulting a fresh half-megabyte per batch.
 *
 * `utf8Bytes`, when given, must be the exact UTF-8 size of every key, value, header name and header
 * value together (what the engine's validation measured). When it equals their UTF-16 length, every
 * character is ASCII (any other one takes more UTF-8 bytes than UTF-16 units), so each string's bytes
 * are its code units and are copied as Latin-1, skipping UTF-8 encoding: ~10% of a large append.
 */
export function encodeFrame(
	baseOffset: number,
	timestamp: number,
	records: readonly RecordInput[],
	scratch?: Buffer,
	utf8Bytes?: number,
): EncodedFrame {
	const count = records.length;
	const recordSizes = new Array<number>(count);
	// An upper bound (3 bytes per UTF-16 unit) instead of measuring every string first: one pass, not two.
	let units = 0;
	let fixed = FRAME_HEADER_BYTES + 12 * count;
	for (let i = 0; i < count; i++) {
		const r = records[i]!;
		units += r.value.length;
		if (r.key != null) units += r.key.length;
		if (r.headers != null) {
			for (const name in r.headers) {
				fixed += 8;
				units += name.length + r.headers[name]!.length;
			}
		}
	}
	const ascii = utf8Bytes === units;
	const write = ascii ? writeAscii : writeString;
	const bound = fixed + (ascii ? units : 3 * units);
	const buf = scratch && scratch.length >= bound ? scratch : Buffer.allocUnsafe(bound);
	let p = FRAME_HEADER_BYTES;
	for (let i = 0; i < count; i++) {
		const r = records[i]!;
		const start = p;
		if (r.key == null) p = writeMinusOne(buf, p);
		else p = write(buf, r.key, p);
		p = write(buf, r.value, p);
		if (r.headers == null) p = writeMinusOne(buf, p);
		else {
			const names = Object.keys(r.headers);
			buf.writeInt32LE(names.length, p);
			p += 4;
			for (const name of names) {
				p = write(buf, name, p);
				p = write(buf, r.headers[name]!, p);
			}
		}
		recordSizes[i] = p - start;
	}
	const total = p;
	buf[0] = FRAME_MAGIC_0;
	buf[1] = FRAME_MAGIC_1;
	buf[2] = FRAME_VERSION;
	buf[3] = 0;
	buf.writeUInt32LE(total, 8);
	writeU64(buf, baseOffset, 12);
	buf.writeUInt32LE(count, 20);
	buf.writeDoubleLE(timestamp, 24);
	buf.writeUInt32LE(crc32(buf.subarray(8, total)), 4);
	return {buffer: buf.subarray(0, total), recordSizes};
}

/** Buffer#utf8Write and #latin1Write skip buf.write's argument checks (several times faster for 1 KiB values); positions are ours. */
type FastBuffer = Buffer & {utf8Write(s: string, offset: number): number; latin1Write(s: string, offset: number): number};
const prototype = Buffer.prototype as Partial<FastBuffer>;
const hasFastWrites = typeof prototype.utf8Write === 'function' && typeof prototype.latin1Write === 'function';

function writeString(buf: Buffer, s: string, p: number): number {
	return writeLength(buf, p, hasFastWrites ? (buf as FastBuffer).utf8Write(s, p + 4) : buf.write(s, p + 4, 'utf8'));
}

/** Below this length a byte loop beats the call into C++ (keys, header names: ~40 ns a record saved). */
const SHORT_ASCII = 32;

/** For strings known to be ASCII only (see encodeFrame): their Latin-1 bytes are their UTF-8 bytes. */
function writeAscii(buf: Buffer, s: string, p: number): number {
	const n = s.length;
	if (n <= SHORT_ASCII) {
		for (let i = 0, at = p + 4; i < n; i++) buf[at + i] = s.charCodeAt(i);
		return writeLength(buf, p, n);
	}
	return writeLength(buf, p, hasFastWrites ? (buf as FastBuffer).latin1Write(s, p + 4) : buf.write(s, p + 4, 'latin1'));
}

function writeLength(buf: Buffer, p: number, n: number): number {
	buf[p] = n & 0xff;
	buf[p + 1] = (n >>> 8) & 0xff;
	buf[p + 2] = (n >>> 16) & 0xff;
	buf[p + 3] = n >>> 24;
	return p + 4 + n;
}

/** -1 (a null key or headers) as i32 LE; plain stores: the position is within the bound already. */
function writeMinusOne(buf: Buffer, p: number): number {
	buf[p] = 0xff;
	buf[p + 1] = 0xff;
	buf[p + 2] = 0xff;
	buf[p + 3] = 0xff;
	return p + 4;
}

function writeU64(buf: Buffer, n: number, at: number): void {
	buf.writeUInt32LE(n % 0x1_0000_0000, at);
	buf.writeUInt32LE(Math.floor(n / 0x1_0000_0000), at + 4);
}

export function readU64(buf: Buffer, at: number): number {
	return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x1_0000_0000;
}

export interface FrameHeader {
	length: number;
	crc: number;
	baseOffset: number;
	count: number;
	timestamp: number;
}

/** A parsed frame header, or why the bytes cannot start a frame. */
export type ParsedHeader = {ok: true; header: FrameHeader} | {ok: false; reason: string};

const notAFrame = (reason: string): ParsedHeader => ({ok: false, reason});

/**
 * Parses a frame header (needs FRAME_HEADER_BYTES), or says why the bytes cannot be the start of a
 * frame; the CRC is not checked here (see `checkFrame`).
 */
export function parseHeader(buf: Buffer, at = 0): ParsedHeader {
	if (buf.length - at < FRAME_HEADER_BYTES) return notAFrame('short header');
	if (buf[at] !== FRAME_MAGIC_0 || buf[at + 1] !== FRAME_MAGIC_1) return notAFrame('bad magic');
	if (buf[at + 2] !== FRAME_VERSION) return notAFrame(`unknown version ${buf[at + 2]}`);
	// Magic, version and flags sit before the CRC, so they are checked by value: every byte is covered.
	if (buf[at + 3] !== 0) return notAFrame(`unknown flags ${buf[at + 3]}`);
	const length = buf.readUInt32LE(at + 8);
	if (length < FRAME_HEADER_BYTES || length > MAX_FRAME_BYTES) return notAFrame(`bad length ${length}`);
	const count = buf.readUInt32LE(at + 20);
	// Every record needs at least 12 bytes, so a count beyond that is a lie.
	if (count === 0 || count * 12 > length - FRAME_HEADER_BYTES) return notAFrame(`bad record count ${count}`);
	return {ok: true, header: {length, crc: buf.readUInt32LE(at + 4), baseOffset: readU64(buf, at + 12), count, timestamp: buf.readDoubleLE(at + 24)}};
}

/** True when the whole frame at `at` (header.length bytes, all present in buf) matches its CRC. */
export function checkFrame(buf: Buffer, header: FrameHeader, at = 0): boolean {
	if (buf.length - at < header.length) return false;
	return crc32(buf.subarray(at + 8, at + header.length)) === header.crc;
}

/**
 * `headers[name] = value`, except that a header named `__proto__` becomes an own property as
 * JSON.parse makes it (plain assignment would call the prototype setter and drop the header).
 */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
	if (name === '__proto__') Object.defineProperty(headers, name, {value, enumerable: true, writable: true, configurable: true});
	else headers[name] = value;
}

/** Decodes a whole, CRC-checked frame; throws on any inconsistency so altered bytes never become records. */
export function decodeRecords(buf: Buffer, header: FrameHeader, at = 0, fromOffset = header.baseOffset, limit = header.count): StoredRecord[] {
	const end = at + header.length;
	const out: StoredRecord[] = [];
	let p = at + FRAME_HEADER_BYTES;
	for (let i = 0; i < header.count; i++) {
		const offset = header.baseOffset + i;
		const want = offset >= fromOffset && out.length < limit;
		let key: string | null = null;
		const keyLength = buf.readInt32LE(p);
		p += 4;
		if (keyLength >= 0) {
			if (want) key = buf.toString('utf8', p, p + keyLength);
			p += keyLength;
		}
		const valueLength = buf.readUInt32LE(p);
		const value = want ? buf.toString('utf8', p + 4, p + 4 + valueLength) : '';
		p += 4 + valueLength;
		const headerCount = buf.readInt32LE(p);
		p += 4;
		let headers: Record<string, string> | null = null;
		if (headerCount >= 0) {
			headers = {};
			for (let h = 0; h < headerCount; h++) {
				const nameLength = buf.readUInt32LE(p);
				const name = buf.toString('utf8', p + 4, p + 4 + nameLength);
				p += 4 + nameLength;
				const valueLength2 = buf.readUInt32LE(p);
				if (want) setHeader(headers, name, buf.toString('utf8', p + 4, p + 4 + valueLength2));
				p += 4 + valueLength2;
			}
		}
		if (p > end) throw new Error('frame records overrun the frame length');
		if (want) out.push({offset, timestamp: header.timestamp, key, value, headers: want ? headers : null});
	}
	if (p !== end) throw new Error('frame records do not fill the frame length');
	return out;
}

/**
 * How many of a CRC-checked frame's records from `fromOffset` (at most `limit`) fit in `budget` bytes,
 * and their bytes, counted as validation counts them (`recordBytes`: key, value, header names and
 * values, without the length fields). Reads only the length fields, so a byte-bounded read decodes
 * just the records it returns. With `takeOne`, the first record is taken even if it alone is larger.
 */
export function fitRecords(
	buf: Buffer,
	header: FrameHeader,
	at: number,
	fromOffset: number,
	limit: number,
	budget: number,
	takeOne: boolean,
): {count: number; bytes: number} {
	const end = at + header.length;
	let p = at + FRAME_HEADER_BYTES;
	let count = 0;
	let bytes = 0;
	for (let i = 0; i < header.count && count < limit; i++) {
		let size = 0;
		const keyLength = buf.readInt32LE(p);
		p += 4;
		if (keyLength > 0) {
			size += keyLength;
			p += keyLength;
		}
		const valueLength = buf.readUInt32LE(p);
		size += valueLength;
		p += 4 + valueLength;
		const headerCount = buf.readInt32LE(p);
		p += 4;
		for (let h = 0; h < headerCount; h++) {
			const nameLength = buf.readUInt32LE(p);
			const headerValueLength = buf.readUInt32LE(p + 4 + nameLength);
			size += nameLength + headerValueLength;
			p += 8 + nameLength + headerValueLength;
		}
		if (p > end) throw new Error('frame records overrun the frame length');
		if (header.baseOffset + i < fromOffset) continue;
		if (bytes + size > budget && !(takeOne && count === 0)) break;
		bytes += size;
		count++;
	}
	return {count, bytes};
}

/**
 * The WAL header (first 32 bytes of every WAL file): which log bytes were durable when the WAL was
 * last reset, and the sync mode of the writer. Log bytes beyond `durableLogBytes` may be torn by a
 * power loss, so recovery treats damage there as a torn tail (the WAL holds those records again).
 *
 *   0 u8[4] 'FQWL'  4 u8 version  5 u8 sync mode (0 always, 1 periodic, 2 never)  6 u16 reserved
 *   8 u64 durable log bytes  16 u64 next offset at that point  24 u32 reserved  28 u32 crc32 of [0, 28)
 */
export const WAL_HEADER_BYTES = 32;
const SYNC_CODES = ['always', 'periodic', 'never'] as const;

export interface WalHeader {
	sync: 'always' | 'periodic' | 'never';
	durableLogBytes: number;
	nextOffset: number;
}

export function encodeWalHeader(h: WalHeader): Buffer {
	const buf = Buffer.alloc(WAL_HEADER_BYTES);
	buf.write('FQWL', 0, 'latin1');
	buf[4] = 1;
	buf[5] = SYNC_CODES.indexOf(h.sync);
	writeU64(buf, h.durableLogBytes, 8);
	writeU64(buf, h.nextOffset, 16);
	buf.writeUInt32LE(crc32(buf.subarray(0, 28)), 28);
	return buf;
}

export function decodeWalHeader(buf: Buffer): WalHeader | null {
	if (buf.length < WAL_HEADER_BYTES || buf.toString('latin1', 0, 4) !== 'FQWL' || buf[4] !== 1) return null;
	if (crc32(buf.subarray(0, 28)) !== buf.readUInt32LE(28)) return null;
	const sync = SYNC_CODES[buf[5]!];
	if (!sync) return null;
	return {sync, durableLogBytes: readU64(buf, 8), nextOffset: readU64(buf, 16)};
}
