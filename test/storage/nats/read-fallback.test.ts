/**
 * A read while consumers cannot be created (after a node loss 2.9 may place an ephemeral consumer on
 * the dead peer, and creating it times out until the read gives up: seen once in CI). The log then
 * reads by message gets, which the stream's leader answers.
 */
import {jetstream, jetstreamManager, type JetStreamClient, StorageType} from '@nats-io/jetstream';
import {connect, type NatsConnection} from '@nats-io/transport-node';
import {afterAll, beforeAll, describe, expect, inject, it} from 'vitest';
import {EventHub} from '../../../source/core/event-hub.js';
import type {FlashQEvent} from '../../../source/core/events.js';
import {FALLBACK_GETS} from '../../../source/storage/nats/topic-reader.js';
import {NatsTopicLog} from '../../../source/storage/nats/nats-topic-log.js';
import {deletePrefix, uniquePrefix} from '../../helpers/nats-cluster.js';

const url = inject('natsUrl');

describe.skipIf(!url)('nats log reads when consumers time out', () => {
	const prefix = uniquePrefix();
	let nc: NatsConnection;
	beforeAll(async () => {
		nc = await connect({servers: url!});
	});
	afterAll(async () => {
		await nc?.close();
		await deletePrefix([url!], prefix);
	});

	it('serves the acknowledged records by message gets, a window at a time, and says so in lastRead', async () => {
		const js = jetstream(nc);
		const jsm = await jetstreamManager(nc);
		const stream = `${prefix}_t_fallback`;
		const subject = `${prefix}.t.fallback`;
		const info = await jsm.streams.add({name: stream, subjects: [subject], storage: StorageType.Memory});
		const context = {nc, js, jsm, events: new EventHub<FlashQEvent>(), writerId: 'w', maxPayload: () => 1024 * 1024};
		const writer = new NatsTopicLog('fallback', stream, subject, info, context);
		const inputs = Array.from({length: 150}, (_, i) => ({value: `v${i}`, key: i % 2 ? null : `k${i}`}));
		await writer.append(inputs, 1_700_000_000_000, 0);
		await writer.close();

		let creations = 0;
		const consumers = new Proxy(js.consumers, {
			get(target, property, receiver) {
				if (property !== 'get') return Reflect.get(target, property, receiver) as unknown;
				return () => {
					creations++;
					return Promise.reject(new Error('timeout'));
				};
			},
		});
		const failingJs = new Proxy(js, {get: (target, property, receiver) => (property === 'consumers' ? consumers : (Reflect.get(target, property, receiver) as unknown))}) as JetStreamClient;
		const reader = new NatsTopicLog('fallback', stream, subject, await jsm.streams.info(stream), {...context, js: failingJs});
		const records = [];
		for (let from = 0; from < 150; ) {
			const page = await reader.read(from, 1000);
			expect(page.length).toBeGreaterThan(0);
			expect(page.length).toBeLessThanOrEqual(FALLBACK_GETS);
			records.push(...page);
			from += page.length;
		}
		expect(creations).toBeGreaterThan(0);
		expect(records.map((r) => [r.offset, r.value, r.key])).toEqual(inputs.map((r, i) => [i, r.value, r.key]));
		expect(reader.stats().jetstream!.lastRead).toMatchObject({method: 'get', fromOffset: 128});
		await reader.close();
	});
});
