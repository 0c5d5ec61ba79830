import {DiscardPolicy, jetstream, JetStreamApiError, jetstreamManager, type JetStreamClient, type JetStreamManager, RetentionPolicy, StorageType, type StreamInfo} from '@nats-io/jetstream';
import {type KV, Kvm} from '@nats-io/kv';
import {nanos, type NatsConnection, nuid} from '@nats-io/transport-node';
import type {EventHub} from '../../core/event-hub.js';
import type {FlashQEvent} from '../../core/events.js';
import type {StorageInfo} from '../../core/stats.js';
import type {NatsStorageOptions, StorageBackend, StorageContext, TopicLog} from '../types.js';
import {connectCluster, watchConnection} from './connection.js';
import {KvGroupStore} from './group-store.js';
import {Lease} from './lease.js';
import {bucketName, checkPrefix, streamName, topicOfSubject, topicsFilter, topicSubject} from './names.js';
import {NatsTopicLog} from './nats-topic-log.js';
import {OPEN_PATIENCE_MS, whileStarting} from './patience.js';
import {INFO_INTERVAL_MS} from './stream-stats.js';

const STREAM_NOT_FOUND = 10059;
/** A retried publish within this window is recognised as a duplicate (JetStream's default). */
const DUPLICATE_WINDOW_MS = 120_000;

/** Opens the backend: connects, checks JetStream, opens the KV bucket and takes the prefix's lease. */
export async function openNatsBackend(options: NatsStorageOptions, context: StorageContext): Promise<NatsBackend> {
	const prefix = options.prefix ?? 'flashq';
	checkPrefix(prefix);
	const replicas = options.replicas ?? 1;
	if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) throw new Error(`nats replicas must be 1 to 5, got ${replicas}`);
	if (options.servers.length === 0) throw new Error('nats storage needs at least one server URL');
	const nc = await connectCluster(options.servers, options.credsFile);
	try {
		const patience = options.readGiveUpMs ?? OPEN_PATIENCE_MS;
		let jsm: JetStreamManager;
		try {
			// A server without JetStream says so in its INFO: no point waiting for it.
			if (nc.info?.jetstream === false) throw new Error('the server has JetStream disabled');
			jsm = await whileStarting(() => jetstreamManager(nc), patience);
		} catch (error) {
			throw new Error(`JetStream is not available at ${nc.getServer()} (start nats-server with -js): ${(error as Error).message}`, {cause: error});
		}
		const js = jetstream(nc);
		const bucket = bucketName(prefix);
		const kv = await whileStarting(() => new Kvm(js).create(bucket, {replicas, history: 1, description: `FlashQ prefix '${prefix}': consumer groups and the lease`}), patience);
		const writerId = nuid.next();
		const backend = new NatsBackend(nc, js, jsm, kv, bucket, prefix, replicas, options.servers, writerId, context.events, options);
		backend.lease = await whileStarting(
			() => Lease.acquire(kv, prefix, writerId, options.leaseTtlMs ?? 10_000, {lost: (message) => backend.leaseLost(message)}),
			patience,
		);
		if (backend.lease.tookOver) backend.info.notices.push({at: Date.now(), kind: 'lock', level: 'info', message: backend.lease.tookOver});
		backend.start();
		return backend;
	} catch (error) {
		await nc.close().catch(() => undefined);
		throw error;
	}
}

/** Topics as JetStream streams (one per topic, so offsets stay dense), groups and the lease in a KV bucket. */
export class NatsBackend implements StorageBackend {
	readonly info: StorageInfo;
	readonly groups: KvGroupStore;
	lease: Lease | undefined;
	private readonly logs = new Map<string, NatsTopicLog>();
	private timer: NodeJS.Timeout | undefined;
	private closing: Promise<void> | undefined;

	constructor(
		private readonly nc: NatsConnection,
		private readonly js: JetStreamClient,
		private readonly jsm: JetStreamManager,
		kv: KV,
		bucket: string,
		private readonly prefix: string,
		private readonly replicas: number,
		servers: string[],
		private readonly writerId: string,
		private readonly events: EventHub<FlashQEvent>,
		private readonly times: Pick<NatsStorageOptions, 'ackGiveUpMs' | 'readGiveUpMs'> = {},
	) {
		this.groups = new KvGroupStore(kv, bucket);
		this.info = {
			kind: 'nats',
			dataDir: null,
			sync: null,
			commitThreshold: null,
			cacheSize: null,
			locked: true,
			notices: [],
			nats: {servers, prefix, replicas, connectedTo: nc.getServer()},
		};
	}

	start(): void {
		watchConnection(this.nc, this.events, (server) => {
			this.info.nats!.connectedTo = server;
		});
		// Leader changes are seen through stream info: look while someone listens for events.
		this.timer = setInterval(() => {
			if (this.events.active) for (const log of this.logs.values()) log.refreshInfo();
		}, INFO_INTERVAL_MS);
		this.timer.unref();
	}

	async existingTopics(): Promise<string[]> {
		const topics: string[] = [];
		for await (const stream of this.jsm.streams.list(topicsFilter(this.prefix))) {
			const topic = topicOfSubject(this.prefix, stream.config.subjects?.[0] ?? '');
			if (topic !== null && stream.config.name === streamName(this.prefix, topic)) topics.push(topic);
		}
		return topics.sort();
	}

	async openTopic(topic: string): Promise<TopicLog> {
		const stream = streamName(this.prefix, topic);
		const subject = topicSubject(this.prefix, topic);
		let info: StreamInfo;
		try {
			info = await this.jsm.streams.info(stream);
		} catch (error) {
			if (!(error instanceof JetStreamApiError) || error.code !== STREAM_NOT_FOUND) throw error;
			info = await this.jsm.streams.add({
				name: stream,
				subjects: [subject],
				num_replicas: this.replicas,
				storage: StorageType.File,
				retention: RetentionPolicy.Limits,
				discard: DiscardPolicy.Old,
				duplicate_window: nanos(DUPLICATE_WINDOW_MS),
				description: `FlashQ topic (prefix '${this.prefix}')`,
			});
		}
		if (info.config.subjects?.[0] !== subject) throw new Error(`stream ${stream} does not belong to topic '${topic}' (its subject is ${info.config.subjects?.join(', ')})`);
		// Offsets are sequences - 1: a stream with a purge or a deleted message has no offset for some sequence.
		if (info.state.messages !== info.state.last_seq) {
			throw new Error(`stream ${stream} holds ${info.state.messages} messages up to sequence ${info.state.last_seq}: records were deleted or purged outside FlashQ, so offsets no longer map to sequences`);
		}
		const log = new NatsTopicLog(topic, stream, subject, info, {
			nc: this.nc,
			js: this.js,
			jsm: this.jsm,
			events: this.events,
			writerId: this.writerId,
			maxPayload: () => this.nc.info?.max_payload ?? 1024 * 1024,
			ackGiveUpMs: this.times.ackGiveUpMs,
			readGiveUpMs: this.times.readGiveUpMs,
		});
		this.logs.set(topic, log);
		return log;
	}

	/**
	 * The offsets go first, then the stream (one request). A stop between the two leaves the topic
	 * without its groups' offsets (they start again at 0), never offsets for a topic that is gone,
	 * which the next open would refuse as beyond the topic's high water mark.
	 */
	async deleteTopic(topic: string, dropOffsets: () => Promise<void>): Promise<void> {
		if (this.closing) throw new Error('storage is closed');
		const log = this.logs.get(topic);
		if (log) {
			this.logs.delete(topic);
			// Waits for appends in flight, then refuses more: the stream is about to go.
			await log.close();
		}
		await dropOffsets();
		try {
			await this.jsm.streams.delete(streamName(this.prefix, topic));
		} catch (error) {
			if (!(error instanceof JetStreamApiError) || error.code !== STREAM_NOT_FOUND) throw error;
		}
	}

	/** The lease went to another process: stop writing everywhere, and say so. */
	leaseLost(message: string): void {
		this.info.locked = false;
		this.info.notices.push({at: Date.now(), kind: 'lock', level: 'warning', message});
		for (const log of this.logs.values()) log.stop(new Error(message));
	}

	close(): Promise<void> {
		this.closing ??= (async () => {
			clearInterval(this.timer);
			await Promise.allSettled([...this.logs.values()].map((log) => log.close()));
			await this.lease?.release();
			this.info.locked = false;
			await this.nc.close();
		})();
		return this.closing;
	}
}
