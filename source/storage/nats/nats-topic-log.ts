import type {JetStreamClient, JetStreamManager, StreamInfo} from '@nats-io/jetstream';
import type {NatsConnection} from '@nats-io/transport-node';
import type {EventHub} from '../../core/event-hub.js';
import type {FlashQEvent} from '../../core/events.js';
import type {JetStreamTopicStats, TopicStorageStats} from '../../core/stats.js';
import {type RecordInput, RecordRefused, type StoredRecord} from '../../core/records.js';
import type {TopicLog} from '../types.js';
import {encodeRecord} from './codec.js';
import {type ReadResult, TopicReader} from './topic-reader.js';
import {StreamStats} from './stream-stats.js';
import {TopicWriter} from './topic-writer.js';
import {TRANSIENT} from './patience.js';

const READ_GIVE_UP_MS = 15_000;

/** Room left in a message for the NATS headers the writer adds (message id, expected sequence). */
const HEADER_ROOM = 160;

export interface NatsTopicContext {
	nc: NatsConnection;
	js: JetStreamClient;
	jsm: JetStreamManager;
	events: EventHub<FlashQEvent>;
	writerId: string;
	/** The server's max_payload: a message (payload and headers) larger than this is refused. */
	maxPayload(): number;
	ackGiveUpMs?: number;
	readGiveUpMs?: number;
}

/** A topic as one JetStream stream: offset = sequence - 1. */
export class NatsTopicLog implements TopicLog {
	private readonly writer: TopicWriter;
	private readonly reader: TopicReader;
	private readonly info: StreamStats;
	private bytes: number;
	private lastRead: JetStreamTopicStats['lastRead'] = null;

	constructor(
		readonly topic: string,
		private readonly stream: string,
		private readonly subject: string,
		initial: StreamInfo,
		private readonly context: NatsTopicContext,
	) {
		const {events} = context;
		this.bytes = initial.state.bytes;
		this.info = new StreamStats(context.jsm, stream, initial, (leader, previous) => {
			if (events.active) events.emit({type: 'nats.leader', at: Date.now(), topic, leader, previous});
		});
		this.writer = new TopicWriter(context.nc, subject, context.writerId, initial.state.last_seq, {
			acked: (batch) => {
				this.bytes += batch.bytes;
				if (events.active) events.emit({type: 'nats.ack', at: Date.now(), topic, baseOffset: batch.base, count: batch.count, latencyMs: batch.latencyMs, resent: batch.resent, duplicates: batch.duplicates});
			},
			// A failed publish often means a new leader: look now rather than in a second.
			retrying: () => this.info.refresh(true),
		}, {giveUpMs: context.ackGiveUpMs});
		this.reader = new TopicReader(context.js, context.jsm, stream);
	}

	get nextOffset(): number {
		return this.writer.nextOffset;
	}

	get highWaterMark(): number {
		return this.writer.highWaterMark;
	}

	append(records: readonly RecordInput[], timestamp: number, bytes: number): Promise<number> {
		if (this.writer.failed) return Promise.reject(this.writer.failed);
		const limit = this.context.maxPayload() - HEADER_ROOM;
		const messages: Uint8Array[] = [];
		for (let i = 0; i < records.length; i++) {
			const message = encodeRecord(records[i]!, timestamp);
			if (message.length > limit) {
				// Refused before any offset is assigned: the log stays usable.
				return Promise.reject(
					new RecordRefused(
						`records[${i}] takes ${message.length} bytes as a NATS message, more than the server's max_payload allows (${limit} bytes with headers); raise max_payload in the NATS server configuration`,
						{field: `records[${i}]`, max_size: limit, actual_size: message.length},
					),
				);
			}
			messages.push(message);
		}
		if (messages.length === 0) return Promise.resolve(this.writer.nextOffset);
		return this.writer.append(messages, bytes);
	}

	async read(fromOffset: number, maxRecords: number, maxBytes = Infinity, quiet = false): Promise<StoredRecord[]> {
		const end = Math.min(this.writer.highWaterMark, fromOffset + maxRecords);
		if (fromOffset >= end) return [];
		const started = Date.now();
		const {records, method} = await this.readRetrying(fromOffset, end, maxBytes, started);
		if (!quiet) this.lastRead = {method, fromOffset, records: records.length, ms: Date.now() - started};
		return records;
	}

	/**
	 * A read that meets an election (a timeout, no responders, no leader) is tried again, by message
	 * gets, until the read give-up (15 s) has passed: records below the high water mark are
	 * acknowledged, so they exist and are served again once the stream has a leader. Then the read
	 * fails saying so, rather than wait for a cluster that may not come back.
	 */
	private async readRetrying(from: number, end: number, maxBytes: number, started: number): Promise<ReadResult> {
		let getsOnly = false;
		for (let attempt = 0; ; attempt++) {
			try {
				return await this.reader.read(from, end, maxBytes, this.nextOffset > 0 ? this.bytes / this.nextOffset : 0, getsOnly);
			} catch (error) {
				if (!TRANSIENT.test((error as Error).message)) throw error;
				const giveUpMs = this.context.readGiveUpMs ?? READ_GIVE_UP_MS;
				if (Date.now() - started > giveUpMs) {
					throw new Error(
						`no answer from stream ${this.stream} for ${giveUpMs / 1000} s reading topic '${this.topic}' from offset ${from} (no stream leader, or no connection to the cluster; last error: ${(error as Error).message})`,
						{cause: error},
					);
				}
				// After a node is lost, creating a consumer can time out again and again (2.9 may place it on
				// the dead peer: seen in CI after a leader kill), while the stream's new leader answers message
				// gets: retry with those, a short window at a time.
				getsOnly = true;
				this.info.refresh(true);
				await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
			}
		}
	}

	/** Binary search by message gets (offset = sequence - 1), about log2(records) round trips; counted nowhere. */
	offsetForTime(time: number): Promise<{offset: number; timestamp: number | null}> {
		return this.reader.offsetForTime(time, this.writer.highWaterMark);
	}

	stats(): TopicStorageStats {
		this.info.refresh();
		const view = this.info.view;
		const stats: TopicStorageStats = {
			logBytes: this.bytes,
			jetstream: {
				stream: this.stream,
				subject: this.subject,
				replicas: view.replicas,
				leader: view.leader,
				followers: view.followers,
				firstSeq: view.firstSeq,
				lastSeq: Math.max(view.lastSeq, this.writer.highWaterMark),
				bytes: view.bytes,
				resends: this.writer.resends,
				duplicates: this.writer.duplicates,
				inFlight: this.writer.inFlight,
				lastRead: this.lastRead,
				infoAt: view.at,
			},
		};
		if (this.writer.failed) {
			stats.failed = true;
			stats.failure = this.writer.failed.message;
		}
		return stats;
	}

	/** Background refresh of the stream picture (the backend's timer calls it while someone listens). */
	refreshInfo(): void {
		this.info.refresh();
	}

	/** Every append of JetStream is durable once acknowledged: flushing waits for the acknowledgements. */
	flush(): Promise<void> {
		return this.writer.flush();
	}

	async close(): Promise<void> {
		await this.writer.flush();
		this.writer.fail(new Error(`topic '${this.topic}' is closed`));
	}

	/** The lease was lost: another process may write now, so this one stops. */
	stop(reason: Error): void {
		this.writer.fail(reason);
	}
}
