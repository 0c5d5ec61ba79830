/**
 * Node loss on a 3-node JetStream cluster (issue 14): a follower, two of three nodes, a lease holder
 * killed with kill -9, and the events that narrate it. One cluster serves every test; each test
 * starts again every node it killed before it ends.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {jetstreamManager} from '@nats-io/jetstream';
import {connect} from '@nats-io/transport-node';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {FlashQEvent} from '../../../source/core/events.js';
import {FlashQ} from '../../../source/engine/flashq.js';
import {type NatsCluster, natsAvailable, testCluster, uniquePrefix} from '../../helpers/nats-cluster.js';
import {waitFor} from '../../helpers/wait-for.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** 8 producers posting one record at a time to `topic`, remembering what each acknowledgement said. */
function produce(q: FlashQ, topic: string) {
	const acked = new Map<number, string>();
	const failures: Error[] = [];
	let stopped = false;
	const producer = async (p: number) => {
		for (let n = 0; !stopped; n++) {
			const value = `p${p}-${n}`;
			try {
				const [result] = await q.post(topic, [{value}]);
				acked.set(result!.offset, value);
			} catch (error) {
				// One failure is enough to fail the test; a producer that went on would spin on a failed topic.
				failures.push(error as Error);
				return;
			}
		}
	};
	const running = Array.from({length: 8}, (_, p) => producer(p));
	return {
		acked,
		failures,
		/** True once `count` posts are acknowledged; throws the first failed post's error instead of waiting on. */
		reached: (count: number) => {
			if (failures.length > 0) throw failures[0]!;
			return acked.size >= count;
		},
		stop: async () => {
			stopped = true;
			await Promise.all(running);
		},
	};
}

/** Every record of `topic` below its high water mark: dense offsets, each acknowledged value at its offset, no value twice. */
async function expectIntact(q: FlashQ, topic: string, acked: Map<number, string>): Promise<void> {
	const hwm = q.topics().find((t) => t.name === topic)!.highWaterMark;
	const records: {offset: number; value: string}[] = [];
	for (let from = 0; from < hwm; ) {
		const {records: page} = await q.poll(topic, {fromOffset: from, maxRecords: 10_000});
		records.push(...page);
		from += page.length;
	}
	expect(records.map((r) => r.offset)).toEqual(Array.from({length: hwm}, (_, i) => i));
	expect(acked.size).toBe(hwm);
	for (const [offset, value] of acked) expect(records[offset]!.value).toBe(value);
	expect(new Set(records.map((r) => r.value)).size).toBe(records.length);
}

const jetstreamOf = (q: FlashQ, topic: string) => q.stats().topics.find((t) => t.name === topic)!.storage.jetstream!;

// One retry: these tests race real elections of three nats-server processes against timeouts on a
// shared 2-core machine running the rest of the suite; a failure that is not about timing fails twice.
describe.skipIf(!natsAvailable())('nats storage, node loss on a 3-node cluster', {retry: 1}, () => {
	let cluster: NatsCluster;
	const killed = new Set<number>();
	const paused = new Set<number>();
	const kill = async (index: number) => {
		killed.add(index);
		await cluster.kill(index);
	};
	const restart = async (...indices: number[]) => {
		for (const index of indices) killed.delete(index);
		await cluster.restart(...indices);
	};
	/** Waits until a stream has a leader again (an election after nodes died or woke). */
	const streamHasLeader = async (stream: string) => {
		const watcher = await connect({servers: cluster.urls});
		try {
			// No API check: the account info request itself times out while the meta leader is elected.
			const jsm = await jetstreamManager(watcher, {checkAPI: false});
			await waitFor(() => jsm.streams.info(stream).then((info) => Boolean(info.cluster?.leader), () => false), 30_000, `a leader for stream ${stream}`, 100);
		} finally {
			await watcher.close();
		}
	};
	/** The node index of a server as the client names it (`127.0.0.1:<port>`). */
	const nodeOf = (server: string | null) => cluster.urls.findIndex((url) => server !== null && url.endsWith(`:${server.split(':').at(-1)}`));

	beforeAll(async () => {
		cluster = await testCluster(3);
	});
	afterAll(() => cluster?.stop());
	// A failed test must not leave the next one a cluster without a majority.
	afterEach(async () => {
		const wasPaused = paused.size > 0;
		for (const index of paused) cluster.resume(index);
		paused.clear();
		if (killed.size > 0) await restart(...killed);
		else if (wasPaused) await cluster.ready(30_000);
	});

	it('kill -9 of a follower under 8 producers: no post fails, writes go on, every acknowledged record is there once at its offset', async () => {
		const q = await FlashQ.open({storage: 'nats', servers: cluster.urls, prefix: uniquePrefix(), replicas: 3});
		try {
			await q.post('t', [{value: 'first'}]);
			const run = produce(q, 't');
			run.acked.set(0, 'first');
			await waitFor(() => run.reached(200), 20_000, '200 acknowledged posts');
			// A follower the client is not connected to: only the stream loses a replica (the connection's loss is tested below).
			const connected = nodeOf(q.stats().storage.nats!.connectedTo);
			const follower = jetstreamOf(q, 't')
				.followers.map((f) => cluster.names.indexOf(f.name))
				.find((index) => index !== connected)!;
			await kill(follower);
			const atKill = run.acked.size;
			await waitFor(() => run.reached(atKill + 300), 20_000, '300 more acknowledged posts with the follower down');
			await restart(follower);
			const atRestart = run.acked.size;
			await waitFor(() => run.reached(atRestart + 100), 20_000, '100 more acknowledged posts after the follower returned');
			await run.stop();
			expect(run.failures).toEqual([]);
			await expectIntact(q, 't', run.acked);
		} finally {
			await q.close();
		}
	}, 60_000);

	it('kill -9 of two of three nodes under 8 producers: posts wait unacknowledged without a majority, then all complete once a node returns', async () => {
		// The wait (two resend rounds, a restart, an election) can pass 30 s on a loaded machine: the give-up is not what this test is about.
		const q = await FlashQ.open({storage: 'nats', servers: cluster.urls, prefix: uniquePrefix(), replicas: 3, ackGiveUpMs: 60_000});
		try {
			await q.post('t', [{value: 'first'}]);
			const run = produce(q, 't');
			run.acked.set(0, 'first');
			await waitFor(() => run.reached(200), 20_000, '200 acknowledged posts');
			const stream = jetstreamOf(q, 't');
			// Both followers: the leader lives on but cannot commit anything alone.
			const followers = stream.followers.map((f) => cluster.names.indexOf(f.name));
			await Promise.all(followers.map(kill));
			// The writer resends once its publishes fail; by then every acknowledgement of a record committed
			// before the kill has arrived. Another resend round later, still nothing more may be acknowledged.
			const resendsAtKill = stream.resends;
			await waitFor(() => run.reached(0) && jetstreamOf(q, 't').resends > resendsAtKill, 20_000, 'a resend after the kill');
			const ackedWithoutMajority = run.acked.size;
			const resendsFirstRound = jetstreamOf(q, 't').resends;
			await waitFor(() => run.reached(0) && jetstreamOf(q, 't').resends > resendsFirstRound, 20_000, 'a second resend round without a majority');
			expect(run.acked.size).toBe(ackedWithoutMajority);
			expect(run.failures).toEqual([]);
			expect(jetstreamOf(q, 't').inFlight).toBeGreaterThan(0);
			// One follower back makes a majority: the waiting posts are acknowledged and new ones follow.
			await restart(followers[0]!);
			await waitFor(() => run.reached(ackedWithoutMajority + 300), 25_000, '300 more acknowledged posts after one node returned');
			await run.stop();
			expect(run.failures).toEqual([]);
			await expectIntact(q, 't', run.acked);
		} finally {
			await q.close();
		}
	}, 90_000);

	it('no acknowledgement within the give-up time (every node SIGSTOPped): the topic fails for good, its stats say why, other topics work on; a reopened FlashQ writes on from the stream\'s real last sequence', async () => {
		const prefix = uniquePrefix();
		const q = await FlashQ.open({storage: 'nats', servers: cluster.urls, prefix, replicas: 3, ackGiveUpMs: 2000});
		let reopened: FlashQ | undefined;
		try {
			await q.post('t', [{value: 'a'}]);
			await q.post('other', [{value: 'x'}]);
			for (const index of [0, 1, 2]) {
				paused.add(index);
				cluster.pause(index);
			}
			// Sent into the frozen cluster: no answer, then a timeout, past the give-up: the topic stops.
			// (Once in CI the first such post was acknowledged all the same; then the next one is the test.)
			const acked = ['a'];
			let failed: {value: string; error: Error} | null = null;
			for (let n = 0; n < 3 && failed === null; n++) {
				const value = `b${n}`;
				failed = await q.post('t', [{value}]).then(
					() => (acked.push(value), null),
					(error: unknown) => ({value, error: error as Error}),
				);
			}
			// The last error is mostly the writer's timeout; a node may also answer 503 (no stream leader) first.
			const giveUp = /^Storage error: no acknowledgement from the stream for 2 s \(last error: .+\); this topic stopped writing$/;
			expect(failed?.error.message).toMatch(giveUp);
			// Later posts are refused at once with the same reason, and the topic's stats tell it.
			await expect(q.post('t', [{value: 'c'}])).rejects.toThrow(giveUp);
			const storage = q.stats().topics.find((t) => t.name === 't')!.storage;
			expect(storage.failed).toBe(true);
			expect(storage.failure).toMatch(/^no acknowledgement from the stream for 2 s/);
			expect(storage.jetstream!.inFlight).toBe(0);

			for (const index of paused) cluster.resume(index);
			paused.clear();
			// Woken together, the nodes first elect a JetStream meta leader again, then each stream a leader:
			// until 'other' has one, its posts meet 503s and (with this 2 s give-up) would fail too.
			await cluster.ready(30_000);
			await streamHasLeader(`${prefix}_t_other`);
			// The cluster answers again: another topic writes on, the failed one stays failed (the stream may hold records it gave up on).
			const [other] = await q.post('other', [{value: 'y'}]);
			expect(other!.offset).toBe(1);
			expect(q.stats().topics.find((t) => t.name === 'other')!.storage.failed).toBeUndefined();
			await expect(q.post('t', [{value: 'd'}])).rejects.toThrow(giveUp);
			await q.close();

			// A new FlashQ starts from what the stream really holds. The failed post reached the frozen server's
			// socket: whether it was stored once the nodes ran again depends on their election, so the test takes both.
			await streamHasLeader(`${prefix}_t_t`);
			const nc = await connect({servers: cluster.urls});
			const lastSeq = (await (await jetstreamManager(nc)).streams.info(`${prefix}_t_t`)).state.last_seq;
			await nc.close();
			expect([acked.length, acked.length + 1]).toContain(lastSeq);
			reopened = await FlashQ.open({storage: 'nats', servers: cluster.urls, prefix, replicas: 3});
			expect(reopened.topics().find((t) => t.name === 't')!.highWaterMark).toBe(lastSeq);
			const [next] = await reopened.post('t', [{value: 'e'}]);
			expect(next!.offset).toBe(lastSeq);
			const stored = lastSeq > acked.length ? [...acked, failed!.value] : acked;
			expect((await reopened.poll('t')).records.map((r) => r.value)).toEqual([...stored, 'e']);
		} finally {
			await q.close();
			await reopened?.close();
		}
	}, 60_000);

	it('kill -9 of all three nodes under 8 producers, restarted on their stores within the give-up: reads in the outage fail with a clear error; then no acknowledged record lost, dense, none twice, writes resume', async () => {
		// As above, the outage must not meet the give-up on a loaded machine; reads give up after 1 s to keep the test short.
		const q = await FlashQ.open({storage: 'nats', servers: cluster.urls, prefix: uniquePrefix(), replicas: 3, ackGiveUpMs: 60_000, readGiveUpMs: 1000});
		try {
			await q.post('t', [{value: 'first'}]);
			const run = produce(q, 't');
			run.acked.set(0, 'first');
			await waitFor(() => run.reached(200), 20_000, '200 acknowledged posts');
			await Promise.all([0, 1, 2].map(kill));
			const ackedAtKill = run.acked.size;
			// A read with nobody to answer fails, naming the topic and why, instead of waiting for the cluster.
			const read = await q.poll('t', {fromOffset: 0, maxRecords: 10}).then(
				() => null,
				(error: unknown) => error as Error,
			);
			expect(read?.message).toMatch(/^Storage error: no answer from stream \S+ for 1 s reading topic 't' from offset 0 \(no stream leader, or no connection to the cluster; last error: .+\)$/);
			expect(run.failures).toEqual([]);
			await restart(0, 1, 2);
			await waitFor(() => run.reached(ackedAtKill + 300), 40_000, '300 more acknowledged posts after the restart');
			await run.stop();
			expect(run.failures).toEqual([]);
			await expectIntact(q, 't', run.acked);
		} finally {
			await q.close();
		}
	}, 90_000);

	describe('the prefix lease across processes', () => {
		const children: ChildProcess[] = [];
		afterEach(() => {
			for (const proc of children.splice(0)) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
		});

		/** Spawns lease-child.ts; resolves with its first line ("leased <pid>" or "refused ..."). */
		const child = (prefix: string, ttlMs: number) => {
			const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'lease-child.ts'), cluster.urls.join(','), prefix, String(ttlMs)], {stdio: ['ignore', 'pipe', 'inherit']});
			children.push(proc);
			let out = '';
			const line = new Promise<string>((resolve, reject) => {
				proc.stdout!.on('data', (chunk: Buffer) => {
					out += chunk.toString();
					if (out.includes('\n')) resolve(out.split('\n')[0]!);
				});
				proc.on('exit', (code) => setTimeout(() => reject(new Error(`child exited ${code} saying '${out}'`)), 50));
			});
			const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
			return {proc, line, exited};
		};

		it('a second FlashQ in another process is refused at once naming the holder; after kill -9 of the holder another takes over after the TTL', async () => {
			const prefix = uniquePrefix();
			const ttlMs = 3000;
			const holder = child(prefix, ttlMs);
			expect(await holder.line).toBe(`leased ${holder.proc.pid}`);
			const second = child(prefix, ttlMs);
			const refusal = await second.line;
			expect(refusal).toMatch(new RegExp(`^refused another FlashQ \\(pid ${holder.proc.pid} on .+\\) holds the lease on nats prefix '${prefix}'`));
			expect(await second.exited).toBe(3);

			const gone = holder.exited;
			holder.proc.kill('SIGKILL');
			await gone;
			// Until the dead holder's lease ages past its TTL, openers are refused naming it; then one takes over.
			let q: FlashQ | undefined;
			await waitFor(
				async () => {
					try {
						q = await FlashQ.open({storage: 'nats', servers: cluster.urls, prefix, replicas: 3, leaseTtlMs: ttlMs});
						return true;
					} catch (error) {
						expect((error as Error).message).toContain(`another FlashQ (pid ${holder.proc.pid} on `);
						return false;
					}
				},
				20_000,
				'the lease taken over',
				100,
			);
			try {
				expect(q!.stats().storage.locked).toBe(true);
				expect(q!.storageNotices().map((n) => n.message)).toContainEqual(
					expect.stringMatching(new RegExp(`^took over the lease on nats prefix '${prefix}' from pid ${holder.proc.pid} on .+, which stopped renewing it \\d+ s ago \\(TTL 3 s\\)$`)),
				);
				await q!.post('t', [{value: 'after'}]);
			} finally {
				await q!.close();
			}
		}, 40_000);
	});

	it('opening while the cluster has no majority (two nodes SIGSTOPped) waits for it and opens once it returns', async () => {
		for (const index of [1, 2]) {
			paused.add(index);
			cluster.pause(index);
		}
		// Patience (the read give-up) 60 s: after 7 s frozen, the elections took over 20 s on a machine
		// running two test suites and a CPU burner.
		const opening = FlashQ.open({storage: 'nats', servers: [cluster.urls[0]!], prefix: uniquePrefix(), replicas: 3, readGiveUpMs: 60_000}).then(
			(q) => ({q, error: null}),
			(error: unknown) => ({q: null, error: error as Error}),
		);
		// Not refused while the cluster cannot answer, also past the client's 5 s request timeout...
		const early = await Promise.race([opening, new Promise((resolve) => setTimeout(() => resolve('waiting'), 7000))]);
		expect(early).toBe('waiting');
		for (const index of paused) cluster.resume(index);
		paused.clear();
		// ...and open once it can.
		const {q, error} = await opening;
		expect(error).toBeNull();
		try {
			const [first] = await q!.post('t', [{value: 'a'}]);
			expect(first!.offset).toBe(0);
		} finally {
			await q!.close();
		}
	}, 90_000);

	it('narrates node loss: nats.leader when the stream leader dies, nats.connection when the connected node dies', async () => {
		const prefix = uniquePrefix();
		const q = await FlashQ.open({storage: 'nats', servers: cluster.urls, prefix, replicas: 3});
		const events: FlashQEvent[] = [];
		const unsubscribe = q.subscribe((batch) => events.push(...batch));
		try {
			await q.post('t', [{value: 'a'}]);
			const leader = jetstreamOf(q, 't').leader!;
			const connectedTo = q.stats().storage.nats!.connectedTo;
			const connected = nodeOf(connectedTo);
			expect(connected).toBeGreaterThanOrEqual(0);

			const leaderIndex = cluster.names.indexOf(leader);
			await kill(leaderIndex);
			await waitFor(
				() => events.some((e) => e.type === 'nats.leader' && e.topic === 't' && e.leader !== null && e.leader !== leader),
				20_000,
				'a nats.leader event naming a new leader',
			);
			const changes = events.filter((e) => e.type === 'nats.leader');
			// The first change seen leaves the dead leader (to nobody during the election, or straight to its successor).
			expect(changes[0]).toMatchObject({previous: leader});
			// The connected node dies too: it was the leader, or it is killed now (with the leader back, so a majority lives).
			if (connected !== leaderIndex) {
				await restart(leaderIndex);
				await kill(connected);
			}
			await waitFor(() => events.some((e) => e.type === 'nats.connection' && e.state === 'reconnected'), 20_000, 'a nats.connection reconnected event');
			const connection = events.filter((e) => e.type === 'nats.connection');
			expect(connection[0]).toMatchObject({state: 'disconnected', server: connectedTo});
			const back = connection.find((e) => e.state === 'reconnected')!;
			expect(back.server).not.toBe(connectedTo);
			expect(nodeOf(back.server)).toBeGreaterThanOrEqual(0);
			expect(q.stats().storage.nats!.connectedTo).toBe(back.server);
			// And the queue works through the node it reconnected to (once the stream has its leader: on a
			// loaded machine the second election can outlast the writer's give-up).
			await streamHasLeader(jetstreamOf(q, 't').stream);
			await q.post('t', [{value: 'b'}]);
		} finally {
			unsubscribe();
			await q.close();
		}
	}, 60_000);
});
