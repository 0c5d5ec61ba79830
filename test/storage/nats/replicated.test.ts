/** Topics on a 3-node JetStream cluster, replicated 3 times: the failure the backend exists for. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {type NatsCluster, natsAvailable, testCluster, uniquePrefix} from '../../helpers/nats-cluster.js';
import {waitFor} from '../../helpers/wait-for.js';

// One retry: these tests race real elections of three nats-server processes against timeouts on a
// shared 2-core machine running the rest of the suite; a failure that is not about timing fails twice.
describe.skipIf(!natsAvailable())('nats storage, R3 on a 3-node cluster', {retry: 1}, () => {
	let cluster: NatsCluster;
	beforeAll(async () => {
		cluster = await testCluster(3);
	});
	afterAll(() => cluster?.stop());

	it('appends, reads and commits on replicated streams; stats show the leader and both followers', async () => {
		const q = await FlashQ.open({storage: 'nats', servers: cluster.urls, prefix: uniquePrefix(), replicas: 3});
		try {
			await q.post('orders', [{value: 'a', key: 'k'}, {value: 'b'}]);
			await q.createGroup('billing');
			await q.commitOffset('billing', 'orders', 1);
			expect((await q.fetch('billing', 'orders')).records.map((r) => r.value)).toEqual(['b']);
			const jetstream = q.stats().topics[0]!.storage.jetstream!;
			expect(jetstream.replicas).toBe(3);
			expect(cluster.names).toContain(jetstream.leader);
			expect(jetstream.followers.map((f) => f.name).sort()).toEqual(cluster.names.filter((n) => n !== jetstream.leader).sort());
		} finally {
			await q.close();
		}
	});

	it('kill -9 of the stream leader under 8 producers: no acknowledged record lost, offsets dense, none duplicated', async () => {
		const q = await FlashQ.open({storage: 'nats', servers: cluster.urls, prefix: uniquePrefix(), replicas: 3});
		try {
			await q.post('t', [{value: 'first'}]);
			const leader = q.stats().topics[0]!.storage.jetstream!.leader!;
			const acked = new Map<number, string>([[0, 'first']]);
			let stop = false;
			let failures = 0;
			const producer = async (p: number) => {
				for (let n = 0; !stop; n++) {
					const value = `p${p}-${n}`;
					try {
						const [result] = await q.post('t', [{value}]);
						acked.set(result!.offset, value);
					} catch {
						failures++;
					}
				}
			};
			const producers = Array.from({length: 8}, (_, p) => producer(p));
			await waitFor(() => acked.size >= 200, 20_000, '200 acknowledged posts');
			await cluster.kill(cluster.names.indexOf(leader));
			const atKill = acked.size;
			// Writes resume once a new leader is elected.
			await waitFor(() => acked.size >= atKill + 300, 25_000, '300 more acknowledged posts after the kill');
			stop = true;
			await Promise.all(producers);
			expect(failures).toBe(0);
			const hwm = q.topics()[0]!.highWaterMark;
			const records = [];
			for (let from = 0; from < hwm; ) {
				const {records: page} = await q.poll('t', {fromOffset: from, maxRecords: 10_000});
				records.push(...page);
				from += page.length;
			}
			expect(records.map((r) => r.offset)).toEqual(Array.from({length: hwm}, (_, i) => i));
			for (const [offset, value] of acked) expect(records[offset]!.value).toBe(value);
			expect(new Set(records.map((r) => r.value)).size).toBe(records.length);
			// No assertion on resends here: whether a publish was in flight to the old leader at the kill
			// is chance (about one run in five had none); faults.test.ts's two-of-three case waits for
			// resend rounds and checks them.
		} finally {
			await q.close();
		}
	}, 60_000);
});
