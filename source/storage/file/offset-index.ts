import {readU64} from './frame-codec.js';

export const INDEX_ENTRY_BYTES = 16;

/**
 * A sparse offset index, as Kafka keeps one per segment: an entry (first offset of a frame, its byte
 * position) whenever the log has grown by at least `interval` bytes since the last entry. Lookup is
 * a binary search; a read then scans forward at most about `interval` bytes plus one frame.
 * Memory: 16 bytes per entry, so a 2 GiB log at the default 4 KiB interval needs ~8 MiB.
 * On disk the entries are appended as they are made (u64 offset, u64 position); the checkpoint
 * records how many are durable.
 */
export class OffsetIndex {
	private offsets = new Float64Array(1024);
	private positions = new Float64Array(1024);
	length = 0;

	constructor(readonly interval: number) {}

	/** Adds an entry for a frame starting at `position` when it is far enough past the last one. */
	maybeAdd(offset: number, position: number): boolean {
		if (this.length > 0 && position - this.positions[this.length - 1]! < this.interval) return false;
		this.add(offset, position);
		return true;
	}

	add(offset: number, position: number): void {
		if (this.length === this.offsets.length) {
			const offsets = new Float64Array(this.length * 2);
			offsets.set(this.offsets);
			this.offsets = offsets;
			const positions = new Float64Array(this.length * 2);
			positions.set(this.positions);
			this.positions = positions;
		}
		this.offsets[this.length] = offset;
		this.positions[this.length] = position;
		this.length++;
	}

	/** The last entry whose offset is <= `offset`, or -1. */
	find(offset: number): number {
		let lo = 0;
		let hi = this.length - 1;
		let found = -1;
		while (lo <= hi) {
			const mid = (lo + hi) >>> 1;
			if (this.offsets[mid]! <= offset) {
				found = mid;
				lo = mid + 1;
			} else hi = mid - 1;
		}
		return found;
	}

	/** The entries' offsets, oldest first; more than `most`: an even sample keeping the first and last. */
	sampleOffsets(most: number): number[] {
		const n = this.length;
		if (n <= most) return Array.from(this.offsets.subarray(0, n));
		return Array.from({length: most}, (_, k) => this.offsets[Math.round((k * (n - 1)) / (most - 1))]!);
	}

	offsetAt(i: number): number {
		return this.offsets[i]!;
	}

	positionAt(i: number): number {
		return this.positions[i]!;
	}

	truncate(length: number): void {
		this.length = Math.min(this.length, length);
	}

	/** Drops entries at or past a byte position (after the log was truncated there). */
	truncateAtPosition(position: number): void {
		while (this.length > 0 && this.positions[this.length - 1]! >= position) this.length--;
	}

	/** Entries [from, length) in their on-disk form. */
	encode(from: number): Buffer {
		const buf = Buffer.alloc((this.length - from) * INDEX_ENTRY_BYTES);
		for (let i = from; i < this.length; i++) {
			const at = (i - from) * INDEX_ENTRY_BYTES;
			writeU64(buf, this.offsets[i]!, at);
			writeU64(buf, this.positions[i]!, at + 8);
		}
		return buf;
	}

	/** Loads persisted entries; stops at the first one that is not strictly increasing or not below `logBytes`. */
	load(buf: Buffer, logBytes: number): void {
		this.length = 0;
		for (let at = 0; at + INDEX_ENTRY_BYTES <= buf.length; at += INDEX_ENTRY_BYTES) {
			const offset = readU64(buf, at);
			const position = readU64(buf, at + 8);
			const last = this.length - 1;
			if (position >= logBytes) break;
			if (last >= 0 && (offset <= this.offsets[last]! || position <= this.positions[last]!)) break;
			this.add(offset, position);
		}
	}
}

function writeU64(buf: Buffer, n: number, at: number): void {
	buf.writeUInt32LE(n % 0x1_0000_0000, at);
	buf.writeUInt32LE(Math.floor(n / 0x1_0000_0000), at + 4);
}
