import {DeliverPolicy, type JetStreamClient, type JetStreamManager} from '@nats-io/jetstream';
import type {StoredRecord} from '../../core/records.js';
import {recordBytes} from '../record-bytes.js';
import {decodeRecord} from './codec.js';

/** Reads of at most this many records use message gets; longer ones a short-lived ordered consumer. */
export const GET_LIMIT = 4;
/** Records asked for by a consumer read's first fetch, before their sizes are known. */
const FIRST_CHUNK = 100;
/** Records one read takes by message gets when consumers cannot be created (a read may return fewer than asked). */
export const FALLBACK_GETS = 64;

export interface ReadResult {
	records: StoredRecord[];
	method: 'get' | 'consumer';
}

/**
 * Reads a window of a topic's stream below its high water mark. Direct gets are not used: any
 * replica answers them, and right after an ack a follower may not hold the record yet (~6 % misses
 * in the prototype). A message get is answered by the stream's leader; for more than a few records
 * an ordered consumer from the offset streams them in one request. Either way every sequence is
 * checked: the records must be exactly `from, from + 1, ...`.
 */
export class TopicReader {
	constructor(
		private readonly js: JetStreamClient,
		private readonly jsm: JetStreamManager,
		private readonly stream: string,
	) {}

	/**
	 * `messageBytes`: the stream's average message size so far, if known. A message is larger than
	 * the record it holds (it adds the encoded key, headers and timestamp), so sizing the first fetch
	 * by it never asks for more than the byte bound takes, and a read usually needs one fetch.
	 */
	async read(from: number, end: number, maxBytes: number, messageBytes = 0, getsOnly = false): Promise<ReadResult> {
		if (getsOnly) return {records: await this.get(from, Math.min(end, from + FALLBACK_GETS), maxBytes), method: 'get'};
		if (end - from <= GET_LIMIT) return {records: await this.get(from, end, maxBytes), method: 'get'};
		return {records: await this.consume(from, end, maxBytes, messageBytes), method: 'consumer'};
	}

	/** The first record below `end` stamped at or after `time` (the record's own timestamp), by binary search. */
	async offsetForTime(time: number, end: number): Promise<{offset: number; timestamp: number | null}> {
		let lo = 0;
		let hi = end;
		let timestamp: number | null = null;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			const message = await this.jsm.streams.getMessage(this.stream, {seq: mid + 1});
			if (!message || message.seq !== mid + 1) throw new Error(`stream ${this.stream} has no message at sequence ${mid + 1} (offset ${mid}) below the high water mark`);
			const stamped = decodeRecord(mid, message.data).timestamp;
			if (stamped < time) lo = mid + 1;
			else {
				hi = mid;
				timestamp = stamped;
			}
		}
		return lo === end ? {offset: end, timestamp: null} : {offset: lo, timestamp};
	}

	private async get(from: number, end: number, maxBytes: number): Promise<StoredRecord[]> {
		const messages = await Promise.all(
			Array.from({length: end - from}, (_, i) => this.jsm.streams.getMessage(this.stream, {seq: from + i + 1})),
		);
		const out: StoredRecord[] = [];
		let used = 0;
		for (let i = 0; i < messages.length; i++) {
			const message = messages[i];
			if (!message || message.seq !== from + i + 1) throw new Error(`stream ${this.stream} has no message at sequence ${from + i + 1} (offset ${from + i}) below the high water mark`);
			const record = decodeRecord(from + i, message.data);
			used += recordBytes(record);
			if (used > maxBytes && i > 0) break;
			out.push(record);
		}
		return out;
	}

	private async consume(from: number, end: number, maxBytes: number, messageBytes: number): Promise<StoredRecord[]> {
		const out: StoredRecord[] = [];
		const consumer = await this.js.consumers.get(this.stream, {deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from + 1});
		let used = 0;
		let next = from;
		try {
			while (next < end) {
				// The client takes a message or a byte bound, not both (and a byte bound alone waits out its expiry when the
				// stream holds less): ask for as many records as the bytes left likely hold, by the sizes seen so far.
				const average = out.length > 0 ? Math.max(1, used / out.length) : messageBytes;
				const want = maxBytes === Infinity ? end - next : Math.min(end - next, average > 0 ? Math.ceil((maxBytes - used) / average) + 1 : FIRST_CHUNK);
				const messages = await consumer.fetch({max_messages: want, expires: 5000});
				const before = next;
				for await (const message of messages) {
					if (message.seq !== next + 1) throw new Error(`stream ${this.stream} gave sequence ${message.seq} where ${next + 1} (offset ${next}) was due`);
					const record = decodeRecord(next, message.data);
					used += recordBytes(record);
					if (used > maxBytes && out.length > 0) {
						next = end;
						break;
					}
					out.push(record);
					next++;
					if (next >= end || next - before >= want) break;
				}
				await messages.close();
				if (next === before) throw new Error(`stream ${this.stream} delivered nothing from offset ${next} below the high water mark ${end}`);
			}
		} finally {
			// Not awaited: the records are here, and an ordered consumer is ephemeral (the server drops
			// it after inactivity anyway); waiting for the delete would add a round trip to every read.
			void consumer.delete().catch(() => undefined);
		}
		return out;
	}
}
