import {LRUCache} from 'lru-cache';
import type {RecordInput, StoredRecord} from '../../core/records.js';

/** Bytes charged per cached record on top of its encoded size: the record object and the LRU's slot. */
export const CACHE_RECORD_OVERHEAD = 64;

/** An appended batch waiting for the LRU: references copied at append, no object per record yet. */
interface QueuedBatch {
	base: number;
	timestamp: number;
	/** key, value, headers of each record, flat; dropped records are cleared so they can be collected. */
	fields: (string | Record<string, string> | null | undefined)[];
	/** Each record's charge (encoded size + overhead); records larger than the byte bound are never cached. */
	charges: number[];
	/** The first record still queued. */
	from: number;
}

/**
 * The LRU of recent records by offset (lru-cache), bounded by record count and bytes, populated on
 * append. Appends come far more often than anyone looks, and most records an unobserved append
 * inserts are evicted by the next ones; so an append only queues its batch, and the queue moves into
 * the LRU when someone looks (get, has, stats). The queue keeps just the newest records that fit the
 * bounds together, which leaves the LRU exactly as inserting every record at its append would have
 * (insertion adds at the most-recent end and evicts from the least-recent end).
 */
export class RecordCache {
	private readonly lru: LRUCache<number, StoredRecord>;
	private readonly setOptions = {size: 1};
	/** Batches from `queueHead` on; those before it were dropped whole. */
	private queue: (QueuedBatch | undefined)[] = [];
	private queueHead = 0;
	private queuedRecords = 0;
	private queuedBytes = 0;
	/** Records fell off the queue: they alone overflowed a bound, so every older LRU entry goes too. */
	private dropped = false;
	/** Offsets are never overwritten or deleted, so evictions = records inserted - entries held. */
	private inserted = 0;
	/** The last `span()`, kept until the held set changes (an append or a drop; reads only reorder it). */
	private spanMemo: {first: number; last: number} | null = null;
	private spanStale = false;

	constructor(
		readonly maxRecords: number,
		readonly maxBytes: number,
	) {
		this.lru = new LRUCache<number, StoredRecord>({max: maxRecords, maxSize: maxBytes});
	}

	/** Records `records` at offsets base.. with their encoded sizes; O(batch), no allocation per record. */
	add(base: number, timestamp: number, records: readonly RecordInput[], encodedSizes: readonly number[]): void {
		const count = records.length;
		const fields = new Array<string | Record<string, string> | null | undefined>(3 * count);
		const charges = new Array<number>(count);
		const maxBytes = this.maxBytes;
		let queuedRecords = this.queuedRecords;
		let queuedBytes = this.queuedBytes;
		for (let i = 0; i < count; i++) {
			const r = records[i]!;
			// References now: a caller that later replaces a field of its record object changes nothing here.
			// Headers are the one mutable part, so they are copied (as the memory backend does): a caller
			// changing its object after the append must not make the cache differ from the disk.
			fields[3 * i] = r.key ?? null;
			fields[3 * i + 1] = r.value;
			fields[3 * i + 2] = r.headers == null ? null : {...r.headers};
			const charge = encodedSizes[i]! + CACHE_RECORD_OVERHEAD;
			charges[i] = charge;
			// lru-cache refuses an entry larger than its byte bound without evicting anything: so do we.
			if (charge <= maxBytes) {
				queuedRecords++;
				queuedBytes += charge;
			}
		}
		this.queue.push({base, timestamp, fields, charges, from: 0});
		this.queuedRecords = queuedRecords;
		this.queuedBytes = queuedBytes;
		this.inserted += count;
		this.spanStale = true;
		this.trimQueue();
		// Queue and LRU together stay within the byte bound: an overflowed queue means the LRU's entries
		// are all to be evicted anyway (so they go now); otherwise a queue that would push the LRU past
		// its bytes moves in at once.
		if (this.lru.size > 0) {
			if (this.dropped) this.lru.clear();
			else if (this.lru.calculatedSize + this.queuedBytes > maxBytes) this.drain();
		}
	}

	/** The cached record; its headers are a copy, so a reader changing them changes no later read. */
	get(offset: number): StoredRecord | undefined {
		this.drain();
		const record = this.lru.get(offset);
		// Spread keeps a header named `__proto__` an own property, as JSON.parse made it.
		return record?.headers == null ? record : {...record, headers: {...record.headers}};
	}

	/** Like `get`, but leaves the LRU's order alone: a view's look must not decide what is evicted next. */
	peek(offset: number): StoredRecord | undefined {
		this.drain();
		const record = this.lru.peek(offset);
		return record?.headers == null ? record : {...record, headers: {...record.headers}};
	}

	has(offset: number): boolean {
		this.drain();
		return this.lru.has(offset);
	}

	get entries(): number {
		this.drain();
		return this.lru.size;
	}

	get bytes(): number {
		this.drain();
		return this.lru.calculatedSize;
	}

	get evictions(): number {
		this.drain();
		return this.inserted - this.lru.size;
	}

	/**
	 * The lowest and highest offset held (null when empty), for the log map. One walk over the keys
	 * (which leaves the LRU's order alone), redone only after the held set changed.
	 */
	span(): {first: number; last: number} | null {
		this.drain();
		if (!this.spanStale) return this.spanMemo;
		let first = Infinity;
		let last = -Infinity;
		for (const offset of this.lru.keys()) {
			if (offset < first) first = offset;
			if (offset > last) last = offset;
		}
		this.spanMemo = this.lru.size > 0 ? {first, last} : null;
		this.spanStale = false;
		return this.spanMemo;
	}

	/** Forgets records [from, to): they were taken back after a failed write (never acknowledged). */
	dropFrom(from: number, to: number): void {
		this.spanStale = true;
		this.drain();
		for (let offset = from; offset < to; offset++) {
			this.lru.delete(offset);
			this.inserted--;
		}
	}

	/** Drops the oldest queued records while the queue alone exceeds a bound. */
	private trimQueue(): void {
		const {maxRecords, maxBytes} = this;
		while (this.queuedRecords > maxRecords || this.queuedBytes > maxBytes) {
			const batch = this.queue[this.queueHead]!;
			const i = batch.from++;
			const charge = batch.charges[i]!;
			if (charge <= maxBytes) {
				this.queuedRecords--;
				this.queuedBytes -= charge;
				this.dropped = true;
			}
			batch.fields[3 * i] = batch.fields[3 * i + 1] = batch.fields[3 * i + 2] = undefined;
			if (batch.from === batch.charges.length) this.queue[this.queueHead++] = undefined;
		}
		if (this.queueHead >= 64 && this.queueHead * 2 >= this.queue.length) {
			this.queue = this.queue.slice(this.queueHead);
			this.queueHead = 0;
		}
	}

	/** Moves the queue into the LRU, oldest first. */
	private drain(): void {
		if (this.queuedRecords === 0 && this.queueHead === this.queue.length) return;
		const lru = this.lru;
		if (this.dropped) lru.clear();
		const options = this.setOptions;
		const maxBytes = this.maxBytes;
		for (let b = this.queueHead; b < this.queue.length; b++) {
			const {base, timestamp, fields, charges, from} = this.queue[b]!;
			for (let i = from; i < charges.length; i++) {
				if (charges[i]! > maxBytes) continue;
				options.size = charges[i]!;
				const record: StoredRecord = {
					offset: base + i,
					timestamp,
					key: fields[3 * i] as string | null,
					value: fields[3 * i + 1] as string,
					headers: fields[3 * i + 2] as Record<string, string> | null,
				};
				lru.set(base + i, record, options);
			}
		}
		this.queue = [];
		this.queueHead = 0;
		this.queuedRecords = 0;
		this.queuedBytes = 0;
		this.dropped = false;
	}
}
