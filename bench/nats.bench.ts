/**
 * NATS storage benchmarks (issue 14): FlashQ on JetStream against raw `@nats-io/jetstream`
 * publishing of the same messages (100 B values) in the same run, on a 1-node cluster (R1) and a
 * 3-node cluster (R3) that the bench starts itself (scripts/nats-cluster-lib.ts) on free ports:
 * 1 producer (sequential posts), 64 producers (concurrent posts), batches of 1000 x 100 B, and a
 * read of 1000 records. Target: FlashQ >= 0.80 of raw. Raw publishes carry no headers and no
 * message id, so the baseline is the client's ceiling, not an equal-features rival.
 * FLASHQ_BENCH_RUNS (default 3) sets the runs per figure (median, raw and FlashQ interleaved).
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {DeliverPolicy, type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager} from '@nats-io/jetstream';
import {connect, type NatsConnection} from '@nats-io/transport-node';
import {FlashQ} from '../source/engine/flashq.js';
import {freeRange, NatsCluster} from '../scripts/nats-cluster-lib.js';
import {figure, report, value} from './lib.js';

const RUNS = Number(process.env['FLASHQ_BENCH_RUNS'] ?? 3);
const TARGET = 0.8;
const VALUE = value(100);
const PAYLOAD = new TextEncoder().encode(VALUE);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** What each scenario sends; R3 is slower, so it sends fewer sequential posts. */
interface Scenario {
	name: string;
	unit: string;
	/** Raw: sends the messages on `subject` of a fresh stream; returns how many. */
	raw(js: JetStreamClient, subject: string): Promise<number>;
	/** FlashQ: posts the same values to a fresh topic; returns how many. */
	flashq(q: FlashQ, topic: string): Promise<number>;
}

const scenarios = (replicas: number): Scenario[] => {
	const single = replicas > 1 ? 1000 : 2000;
	const producers = 64;
	const perProducer = 200;
	const batches = 20;
	const batch = 1000;
	const records = Array.from({length: batch}, () => ({value: VALUE}));
	return [
		{
			name: '1 producer',
			unit: 'posts/s',
			async raw(js, subject) {
				for (let i = 0; i < single; i++) await js.publish(subject, PAYLOAD);
				return single;
			},
			async flashq(q, topic) {
				for (let i = 0; i < single; i++) await q.post(topic, [{value: VALUE}]);
				return single;
			},
		},
		{
			name: `${producers} producers`,
			unit: 'posts/s',
			async raw(js, subject) {
				await Promise.all(Array.from({length: producers}, async () => {
					for (let i = 0; i < perProducer; i++) await js.publish(subject, PAYLOAD);
				}));
				return producers * perProducer;
			},
			async flashq(q, topic) {
				await Promise.all(Array.from({length: producers}, async () => {
					for (let i = 0; i < perProducer; i++) await q.post(topic, [{value: VALUE}]);
				}));
				return producers * perProducer;
			},
		},
		{
			name: `batches of ${batch} x 100 B`,
			unit: 'records/s',
			// Server 2.9 has no atomic batch publish: a batch is its records published together.
			async raw(js, subject) {
				for (let b = 0; b < batches; b++) await Promise.all(records.map(() => js.publish(subject, PAYLOAD)));
				return batches * batch;
			},
			async flashq(q, topic) {
				for (let b = 0; b < batches; b++) await q.post(topic, records);
				return batches * batch;
			},
		},
	];
};

interface Side {
	jsm: JetStreamManager;
	js: JetStreamClient;
	nc: NatsConnection;
	/** null when FlashQ could not open NATS storage (the reason is in `flashqError`). */
	q: FlashQ | null;
	flashqError: string | null;
}

let streamCount = 0;
/** A fresh stream for one raw run (one stream per topic, as FlashQ makes them). */
async function rawStream(side: Side, replicas: number): Promise<{name: string; subject: string}> {
	const name = `rawbench_${process.pid}_${++streamCount}`;
	await side.jsm.streams.add({name, subjects: [`${name}.>`], num_replicas: replicas});
	return {name, subject: `${name}.x`};
}

async function rate(run: () => Promise<number>): Promise<number> {
	const start = performance.now();
	const n = await run();
	return n / ((performance.now() - start) / 1000);
}

/** Reads `count` records from the stream's start with an ordered consumer (what FlashQ uses for more than a few). */
async function rawRead(js: JetStreamClient, stream: string, count: number): Promise<number> {
	const start = performance.now();
	const consumer = await js.consumers.get(stream, {deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 1});
	let got = 0;
	const messages = await consumer.fetch({max_messages: count, expires: 5000});
	for await (const _ of messages) if (++got >= count) break;
	if (got < count) throw new Error(`raw read got ${got} of ${count}`);
	return performance.now() - start;
}

async function measure(cluster: NatsCluster, replicas: number, label: string): Promise<boolean> {
	const nc = await connect({servers: cluster.urls});
	const side: Side = {nc, jsm: await jetstreamManager(nc), js: jetstream(nc), q: null, flashqError: null};
	try {
		side.q = await FlashQ.open({storage: 'nats', servers: cluster.urls, replicas, prefix: `bench${process.pid}r${replicas}`});
	} catch (error) {
		side.flashqError = (error as Error).message;
		console.log(`${label}: FlashQ side not measured: ${side.flashqError}`);
	}
	let topics = 0;
	try {
		for (const s of scenarios(replicas)) {
			const raw: number[] = [];
			const ours: number[] = [];
			for (let run = 0; run < RUNS; run++) {
				const {subject} = await rawStream(side, replicas);
				raw.push(await rate(() => s.raw(side.js, subject)));
				const q = side.q;
				if (q) {
					const topic = `t${++topics}`;
					// The topic's stream is made by its first post: made here, outside the timing.
					await q.post(topic, [{value: VALUE}]);
					ours.push(await rate(() => s.flashq(q, topic)));
				}
			}
			if (ours.length > 0) report({name: `${label} ${s.name}`, unit: s.unit, value: median(ours), baselineName: 'raw js.publish', baseline: median(raw), targetRatio: TARGET});
			else figure(`${label} ${s.name} raw js.publish`, median(raw), s.unit);
		}
		// Reads of 1000 records from offset 0 of a topic that has them.
		const count = 1000;
		const {name, subject} = await rawStream(side, replicas);
		await Promise.all(Array.from({length: count}, () => side.js.publish(subject, PAYLOAD)));
		const readTopic = `t${++topics}`;
		if (side.q) await side.q.post(readTopic, Array.from({length: count}, () => ({value: VALUE})));
		const raw: number[] = [];
		const ours: number[] = [];
		for (let run = 0; run < Math.max(RUNS, 5); run++) {
			raw.push(await rawRead(side.js, name, count));
			if (side.q) {
				const start = performance.now();
				const result = await side.q.poll(readTopic, {fromOffset: 0, maxRecords: count});
				ours.push(performance.now() - start);
				if (result.records.length !== count) throw new Error(`FlashQ poll got ${result.records.length} of ${count}`);
			}
		}
		const toRate = (ms: number) => count / (ms / 1000);
		if (ours.length > 0)
			report({name: `${label} read ${count} records`, unit: 'records/s', value: toRate(median(ours)), baselineName: 'raw ordered consumer', baseline: toRate(median(raw)), targetRatio: TARGET, note: `${median(ours).toFixed(1)} ms vs ${median(raw).toFixed(1)} ms`});
		else figure(`${label} read ${count} records raw ordered consumer`, toRate(median(raw)), 'records/s', `${median(raw).toFixed(1)} ms`);
	} finally {
		await side.q?.close();
		await nc.close();
	}
	return side.q !== null;
}

const dir = mkdtempSync(path.join(tmpdir(), 'flashq-bench-nats-'));
let complete = true;
try {
	for (const [nodes, replicas] of [
		[1, 1],
		[3, 3],
	] as const) {
		const cluster = await NatsCluster.start({dir: path.join(dir, `c${nodes}`), nodes, port: await freeRange(nodes), routePort: await freeRange(nodes)});
		try {
			if (!(await measure(cluster, replicas, `R${replicas} (${nodes} node${nodes > 1 ? 's' : ''})`))) complete = false;
		} finally {
			await cluster.stop();
		}
	}
} finally {
	rmSync(dir, {recursive: true, force: true});
}
// Raw figures alone are no result for FlashQ: say so in the exit code too.
if (!complete) process.exitCode = 1;
