/** What only the nats backend has: the prefix lease, name encoding, its JetStream figures and events, the server's size limit. */
import {Kvm} from '@nats-io/kv';
import {connect} from '@nats-io/transport-node';
import {afterAll, afterEach, describe, expect, inject, it, vi} from 'vitest';
import type {FlashQEvent} from '../../../source/core/events.js';
import {FlashQError} from '../../../source/engine/errors.js';
import {FlashQ} from '../../../source/engine/flashq.js';
import type {NatsStorageOptions} from '../../../source/storage/types.js';
import {deletePrefix, type NatsCluster, testCluster, uniquePrefix} from '../../helpers/nats-cluster.js';

const url = inject('natsUrl');

describe.skipIf(!url)('nats storage on one server', () => {
	const servers = [url!];
	const prefixes: string[] = [];
	const queues: FlashQ[] = [];
	const options = (extra: Partial<NatsStorageOptions> = {}): NatsStorageOptions => {
		const prefix = extra.prefix ?? uniquePrefix();
		prefixes.push(prefix);
		return {storage: 'nats', servers, prefix, ...extra};
	};
	const open = async (o: NatsStorageOptions, onEvents?: (events: readonly FlashQEvent[]) => void) => {
		const q = await FlashQ.open({...o, onEvents});
		queues.push(q);
		return q;
	};
	afterEach(async () => {
		await Promise.all(queues.splice(0).map((q) => q.close()));
		await Promise.all(prefixes.splice(0).map((p) => deletePrefix(servers, p)));
	});

	it('refuses a second FlashQ on the same prefix at once, naming the holder; another prefix is fine', async () => {
		const o = options();
		await open(o);
		const error = await FlashQ.open(o).then(
			() => null,
			(e: unknown) => e as Error,
		);
		expect(error?.message).toMatch(new RegExp(`another FlashQ \\(pid ${process.pid} on .*\\) holds the lease on nats prefix '${o.prefix}'`));
		await open(options());
	});

	it('takes over a lease whose holder stopped renewing once its TTL passed, and says so in a notice', async () => {
		const o = options();
		// A lease as a killed process leaves it: written once, never renewed.
		const nc = await connect({servers});
		const kv = await new Kvm(nc).create(`${o.prefix}_flashq`, {history: 1});
		await kv.put('lease', JSON.stringify({owner: 'gone', host: 'elsewhere', pid: 4242, ttlMs: 300}));
		await expect(FlashQ.open(o)).rejects.toThrow(/pid 4242 on elsewhere/);
		await new Promise((resolve) => setTimeout(resolve, 350));
		const q = await open(o);
		await nc.close();
		expect(q.stats().storage.locked).toBe(true);
		expect(q.storageNotices()).toMatchObject([{kind: 'lock', level: 'info', message: expect.stringMatching(/took over the lease .* from pid 4242 on elsewhere/)}]);
	});

	it('judges a lease by the server\'s clock alone: this machine minutes ahead does not take over a live lease, minutes behind still takes over a dead one', async () => {
		const realNow = Date.now.bind(Date);
		const skew = (ms: number) => vi.spyOn(Date, 'now').mockImplementation(() => realNow() + ms);
		try {
			const live = options();
			await open(live);
			skew(10 * 60_000);
			await expect(FlashQ.open(live)).rejects.toThrow(/another FlashQ \(pid \d+ on .*\) holds the lease/);

			vi.restoreAllMocks();
			const dead = options();
			const nc = await connect({servers});
			const kv = await new Kvm(nc).create(`${dead.prefix}_flashq`, {history: 1});
			await kv.put('lease', JSON.stringify({owner: 'gone', host: 'elsewhere', pid: 4242, ttlMs: 300}));
			await nc.close();
			await new Promise((resolve) => setTimeout(resolve, 350));
			skew(-10 * 60_000);
			const q = await open(dead);
			expect(q.storageNotices()).toMatchObject([{kind: 'lock', message: expect.stringMatching(/took over the lease .* from pid 4242 on elsewhere/)}]);
		} finally {
			vi.restoreAllMocks();
		}
	});

	it('releases the lease on close: the next FlashQ opens at once', async () => {
		const o = options();
		await (await FlashQ.open(o)).close();
		await open(o);
	});

	it('releases the lease on close also when a renewal it did not see has moved it on (one sent while the cluster was frozen lands late)', async () => {
		const o = options({leaseTtlMs: 60_000});
		const q = await FlashQ.open(o);
		// The renewal that landed after this process last heard: same holder, a newer revision.
		const nc = await connect({servers});
		const kv = await new Kvm(nc).open(`${o.prefix}_flashq`);
		const entry = (await kv.get('lease'))!;
		await kv.update('lease', entry.string(), entry.revision);
		await nc.close();
		await q.close();
		// Released: the next FlashQ opens at once (the old release deleted at a stale revision and left it for 60 s).
		await open(o);
	});

	it('keeps topics whose encoded names could meet apart, and finds long names again after a reopen', async () => {
		const o = options();
		const long = `${'a.'.repeat(120)}z`;
		const names = ['a.b', 'a_2Eb', 'A.b', '_', long];
		let q = await open(o);
		for (const [i, name] of names.entries()) await q.post(name, [{value: `v${i}`}]);
		await q.close();
		q = await open(o);
		expect(q.topics().map((t) => t.name)).toEqual([...names].sort());
		for (const [i, name] of names.entries()) expect((await q.poll(name)).records.map((r) => r.value)).toEqual([`v${i}`]);
	});

	it('stores user headers that NATS would interpret or refuse exactly, and drops no record for them', async () => {
		const q = await open(options());
		const headers = {'Nats-Msg-Id': 'x', 'Nats-Expected-Last-Sequence': '99', 'with space': ' padded\tvalue ', 'ünï': 'line\r\nbreak'};
		await q.post('t', [{value: 'a', headers}, {value: 'b', headers: {'Nats-Msg-Id': 'x'}}, {value: 'c', key: 'x'}]);
		const {records} = await q.poll('t');
		expect(records.map((r) => [r.value, r.key, r.headers])).toEqual([
			['a', null, headers],
			['b', null, {'Nats-Msg-Id': 'x'}],
			['c', 'x', null],
		]);
	});

	it('reports each acknowledged batch as nats.ack and the stream in the topic stats', async () => {
		const events: FlashQEvent[] = [];
		const q = await open(options(), (batch) => events.push(...batch));
		await q.post('orders', [{value: 'a'}, {value: 'b'}]);
		await q.post('orders', [{value: 'c'}]);
		q.events.flush();
		expect(events.filter((e) => e.type === 'nats.ack').map((e) => e.type === 'nats.ack' && [e.topic, e.baseOffset, e.count, e.resent])).toEqual([
			['orders', 0, 2, 0],
			['orders', 2, 1, 0],
		]);
		const stats = q.stats();
		expect(stats.storage).toMatchObject({kind: 'nats', locked: true, nats: {servers, replicas: 1}});
		const jetstream = stats.topics[0]!.storage.jetstream!;
		expect(jetstream).toMatchObject({subject: expect.stringMatching(/\.t\.orders$/), replicas: 1, lastSeq: 3, resends: 0, duplicates: 0, inFlight: 0});
		await q.poll('orders', {maxRecords: 2});
		expect(q.stats().topics[0]!.storage.jetstream!.lastRead).toMatchObject({method: 'get', fromOffset: 0, records: 2});
		await q.poll('orders', {maxRecords: 100});
		expect(q.stats().topics[0]!.storage.jetstream!.lastRead).toMatchObject({method: 'get', records: 3});
		await q.post('orders', Array.from({length: 20}, (_, i) => ({value: `${i}`})));
		await q.peek('orders', {maxRecords: 100});
		expect(q.stats().topics[0]!.storage.jetstream!.lastRead).toMatchObject({method: 'get', records: 3});
		await q.poll('orders', {maxRecords: 100});
		expect(q.stats().topics[0]!.storage.jetstream!.lastRead).toMatchObject({method: 'consumer', records: 23});
	});

	it('reads a long window through a consumer in order, bounded in bytes', async () => {
		const q = await open(options());
		await q.post('t', Array.from({length: 500}, (_, i) => ({value: String(i).padStart(100, '0')})));
		const all = await q.poll('t', {maxRecords: 1000});
		expect(all.records.map((r) => Number(r.value))).toEqual(Array.from({length: 500}, (_, i) => i));
		const bounded = await q.poll('t', {fromOffset: 7, maxRecords: 1000, maxBytes: 100 * 250 + 50});
		expect(bounded.records.map((r) => r.offset)).toEqual(Array.from({length: 250}, (_, i) => i + 7));
	});
});

describe.skipIf(!url)('nats storage on a server with the default max_payload (1 MiB)', () => {
	let cluster: NatsCluster;
	afterAll(() => cluster?.stop());

	it('refuses a record larger than the server takes with validation_error (400), and the topic keeps working', async () => {
		cluster = await testCluster(1, {maxPayload: 1024 * 1024});
		const q = await FlashQ.open({storage: 'nats', servers: cluster.urls, prefix: uniquePrefix()});
		try {
			await q.post('t', [{value: 'before'}]);
			const error = await q.post('t', [{value: 'x'}, {value: 'x'.repeat(1024 * 1024)}]).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(FlashQError);
			expect((error as FlashQError).status).toBe(400);
			expect((error as FlashQError).message).toMatch(/records\[1\] takes 1048\d+ bytes as a NATS message, more than the server's max_payload allows/);
			expect((await q.post('t', [{value: 'after'}]))[0]!.offset).toBe(1);
			expect((await q.poll('t')).records.map((r) => r.value)).toEqual(['before', 'after']);
		} finally {
			await q.close();
		}
	});
});
