import type {TopicStorageStats} from '../../core/stats.js';
import type {RecordInput, StoredRecord} from '../../core/records.js';
import {recordBytes} from '../record-bytes.js';
import type {TopicLog} from '../types.js';

/**
 * A topic held in memory, column by column: offset n is index n of each array (no retention, so
 * no gaps). Columns rather than one object per record keep append to a few pointer pushes, which
 * is what lets a batch of 500 append at several million records a second.
 */
export class MemoryTopicLog implements TopicLog {
	private readonly keys: (string | null)[] = [];
	private readonly values: string[] = [];
	/** Shorter than `values` when the last records had no headers: offsets past its end have none. */
	private readonly headers: (Record<string, string> | null)[] = [];
	/**
	 * One timestamp per batch: batch i starts at offset batchStarts[i] and was stamped batchTimes[i].
	 * (A "batch" here is a run of appends with one timestamp: usually one append, more in a busy millisecond.)
	 */
	private readonly batchStarts: number[] = [];
	private readonly batchTimes: number[] = [];
	/**
	 * The topic's bytes before batch i (validation's count, as `append` gets it): a bounded read takes
	 * whole batches that fit by subtraction and measures records only in a batch it may stop inside.
	 * One number per batch keeps appends as cheap as before.
	 */
	private readonly batchBytesBefore: number[] = [];
	private bytes = 0;

	constructor(readonly topic: string) {}

	get highWaterMark(): number {
		return this.nextOffset;
	}

	get nextOffset(): number {
		return this.values.length;
	}

	append(records: readonly RecordInput[], timestamp: number, bytes: number): Promise<number> {
		return Promise.resolve(this.appendNow(records, timestamp, bytes));
	}

	/** Memory appends need no wait: the engine takes the offset at once (no promise to await per post). */
	appendNow(records: readonly RecordInput[], timestamp: number, bytes: number): number {
		const baseOffset = this.values.length;
		if (records.length === 0) return baseOffset;
		const headers = this.headers;
		for (let index = 0; index < records.length; index++) {
			const record = records[index]!;
			this.keys.push(record.key ?? null);
			this.values.push(record.value);
			if (record.headers) {
				// Nulls for the header-less records before it, which were not pushed one by one.
				for (let offset = headers.length; offset < baseOffset + index; offset++) headers.push(null);
				// Copy headers so a caller mutating its object later cannot change a stored record.
				headers.push({...record.headers});
			}
		}
		// Batches stamped in the same millisecond as the last one extend it: its records share that
		// timestamp anyway, and a producer of single records then pays three pushes a record, not six.
		const batches = this.batchTimes.length;
		if (batches === 0 || this.batchTimes[batches - 1] !== timestamp) {
			this.batchStarts.push(baseOffset);
			this.batchTimes.push(timestamp);
			this.batchBytesBefore.push(this.bytes);
		}
		this.bytes += bytes;
		return baseOffset;
	}

	private headersAt(offset: number): Record<string, string> | null {
		return offset < this.headers.length ? this.headers[offset]! : null;
	}

	read(fromOffset: number, maxRecords: number, maxBytes = Infinity): Promise<StoredRecord[]> {
		let end = Math.min(this.values.length, fromOffset + maxRecords);
		if (maxBytes !== Infinity && fromOffset < end) end = this.byteBoundEnd(fromOffset, end, maxBytes);
		const out: StoredRecord[] = [];
		let batch = this.batchAt(fromOffset);
		for (let offset = fromOffset; offset < end; offset++) {
			if (batch + 1 < this.batchStarts.length && this.batchStarts[batch + 1]! <= offset) batch++;
			const headers = this.headersAt(offset);
			out.push({
				offset,
				timestamp: this.batchTimes[batch]!,
				key: this.keys[offset]!,
				value: this.values[offset]!,
				headers: headers ? {...headers} : null,
			});
		}
		return Promise.resolve(out);
	}

	/**
	 * Where a read from `from` (before `end`) stops under `maxBytes`: before the record that would pass
	 * it, never before `from + 1`.
	 */
	private byteBoundEnd(from: number, end: number, maxBytes: number): number {
		const batches = this.batchStarts.length;
		let batch = this.batchAt(from);
		// The usual case, in O(log n): every batch the read touches fits whole, so its records do too.
		const last = this.batchAt(end - 1);
		if ((last + 1 < batches ? this.batchBytesBefore[last + 1]! : this.bytes) - this.batchBytesBefore[batch]! <= maxBytes) return end;
		let offset = from;
		let used = 0;
		while (offset < end) {
			const batchEnd = batch + 1 < batches ? this.batchStarts[batch + 1]! : this.values.length;
			if (offset === this.batchStarts[batch] && batchEnd <= end) {
				const whole = (batch + 1 < batches ? this.batchBytesBefore[batch + 1]! : this.bytes) - this.batchBytesBefore[batch]!;
				if (used + whole <= maxBytes) {
					used += whole;
					offset = batchEnd;
					batch++;
					continue;
				}
			}
			// The read may stop inside this batch: measure its records one by one.
			const stop = Math.min(batchEnd, end);
			for (; offset < stop; offset++) {
				const size = recordBytes({key: this.keys[offset], value: this.values[offset]!, headers: this.headersAt(offset)});
				if (used + size > maxBytes && offset > from) return offset;
				used += size;
			}
			batch++;
		}
		return end;
	}

	/** The batch holding `offset`: binary search over the batch starts. */
	private batchAt(offset: number): number {
		let lo = 0;
		let hi = this.batchStarts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >>> 1;
			if (this.batchStarts[mid]! <= offset) lo = mid;
			else hi = mid - 1;
		}
		return lo;
	}

	/** Binary search over the batches (one timestamp each). */
	offsetForTime(time: number): Promise<{offset: number; timestamp: number | null}> {
		let lo = 0;
		let hi = this.batchTimes.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (this.batchTimes[mid]! < time) lo = mid + 1;
			else hi = mid;
		}
		if (lo === this.batchTimes.length) return Promise.resolve({offset: this.highWaterMark, timestamp: null});
		return Promise.resolve({offset: this.batchStarts[lo]!, timestamp: this.batchTimes[lo]!});
	}

	stats(): TopicStorageStats {
		return {logBytes: this.bytes};
	}

	flush(): Promise<void> {
		return Promise.resolve();
	}

	close(): Promise<void> {
		return Promise.resolve();
	}
}
