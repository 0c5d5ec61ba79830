import {checkFrame, FRAME_HEADER_BYTES, FRAME_MAGIC_0, FRAME_MAGIC_1, FRAME_VERSION, type FrameHeader, parseHeader} from './frame-codec.js';
import type {FileIo} from './io.js';

export type StreamItem =
	| {kind: 'frame'; header: FrameHeader; buf: Buffer; at: number; position: number}
	| {kind: 'end'}
	| {kind: 'bad'; position: number; reason: string};

/**
 * Reads frames one after another from a file region with one bounded buffer (a chunk, or one
 * frame when a frame is larger), so neither a poll nor recovery ever loads a whole log.
 * Every frame it returns has passed its CRC.
 */
export class FrameStream {
	private buf: Buffer;
	private start = 0;
	private filled = 0;
	bytesRead = 0;

	constructor(
		private readonly io: FileIo,
		private readonly fd: number,
		public position: number,
		private readonly end: number,
		private readonly chunk = 64 * 1024,
	) {
		this.buf = Buffer.allocUnsafe(chunk);
	}

	async next(): Promise<StreamItem> {
		const position = this.position;
		if (position >= this.end) return {kind: 'end'};
		if (this.end - position < FRAME_HEADER_BYTES) return {kind: 'bad', position, reason: `torn frame header (${this.end - position} bytes)`};
		await this.ensure(FRAME_HEADER_BYTES);
		const at = position - this.start;
		const parsed = parseHeader(this.buf, at);
		if (!parsed.ok) return {kind: 'bad', position, reason: parsed.reason};
		const {header} = parsed;
		if (position + header.length > this.end) {
			return {kind: 'bad', position, reason: `torn frame (${this.end - position} of ${header.length} bytes)`};
		}
		await this.ensure(header.length);
		const at2 = position - this.start;
		if (!checkFrame(this.buf, header, at2)) return {kind: 'bad', position, reason: 'checksum mismatch'};
		this.position = position + header.length;
		return {kind: 'frame', header, buf: this.buf, at: at2, position};
	}

	/** Makes bytes [position, position + n) available in the buffer. */
	private async ensure(n: number): Promise<void> {
		const position = this.position;
		if (position >= this.start && position + n <= this.start + this.filled) return;
		const want = Math.min(Math.max(this.chunk, n), this.end - position);
		// A fresh buffer each refill: frames handed out earlier may still be decoded by the caller.
		this.buf = Buffer.allocUnsafe(Math.max(this.chunk, want));
		let got = 0;
		while (got < want) {
			const r = await this.io.readAsync(this.fd, this.buf, got, want - got, position + got);
			if (r === 0) break;
			got += r;
		}
		this.bytesRead += got;
		this.start = position;
		this.filled = got;
		if (got < n) throw new Error(`file shorter than expected at byte ${position + got}`);
	}
}

/**
 * True when a whole, CRC-valid frame starts anywhere in [from, end): the test that tells a torn
 * tail (nothing valid after the damage) from corruption in the middle of a file.
 */
export async function validFrameAfter(io: FileIo, fd: number, from: number, end: number): Promise<number | null> {
	const chunk = 1024 * 1024;
	const buf = Buffer.allocUnsafe(chunk + FRAME_HEADER_BYTES);
	for (let base = from; base + FRAME_HEADER_BYTES <= end; base += chunk) {
		const n = await readFully(io, fd, buf, Math.min(buf.length, end - base), base);
		for (let i = 0; i + FRAME_HEADER_BYTES <= n && i < chunk; i++) {
			if (buf[i] !== FRAME_MAGIC_0 || buf[i + 1] !== FRAME_MAGIC_1 || buf[i + 2] !== FRAME_VERSION) continue;
			const parsed = parseHeader(buf, i);
			if (!parsed.ok || base + i + parsed.header.length > end) continue;
			const {header} = parsed;
			const frame = Buffer.allocUnsafe(header.length);
			await readFully(io, fd, frame, header.length, base + i);
			if (checkFrame(frame, header)) return base + i;
		}
	}
	return null;
}

export async function readFully(io: FileIo, fd: number, buf: Buffer, length: number, position: number): Promise<number> {
	let got = 0;
	while (got < length) {
		const r = await io.readAsync(fd, buf, got, length - got, position + got);
		if (r === 0) break;
		got += r;
	}
	return got;
}
