/**
 * 32 clients × 200 single-record posts to 4 topics, concurrently, against a real server process
 * (each backend): nothing lost, offsets dense, each client's records in its send order, and
 * every acknowledged offset holds the record that was acknowledged for it.
 */
import {Agent} from 'node:http';
import http from 'node:http';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {type BackendRun, backendRuns, client, startServerProcess, unique, type ServerProcess} from './process.js';

const CLIENTS = 32;
const POSTS = 200;
const TOPICS = 4;
const runs = backendRuns;

/** One keep-alive connection per client, as 32 independent producers would have. */
function poster(base: string): (topic: string, value: string) => Promise<number> {
	const agent = new Agent({keepAlive: true, maxSockets: 1});
	const {hostname, port} = new URL(base);
	return (topic, value) =>
		new Promise((resolve, reject) => {
			const body = JSON.stringify({records: [{value}]});
			const req = http.request(
				{agent, hostname, port, method: 'POST', path: `/topics/${topic}/records`, headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)}},
				(res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (d) => (text += d));
					res.on('end', () => (res.statusCode === 200 ? resolve((JSON.parse(text) as {offsets: Array<{offset: number}>}).offsets[0]!.offset) : reject(new Error(`${res.statusCode} ${text}`))));
				},
			);
			req.on('error', reject);
			req.end(body);
		});
}

describe.each(runs)('concurrency on $name storage', (run: BackendRun) => {
	let server: ServerProcess;
	let cleanup: () => Promise<void>;
	beforeAll(async () => {
		const backend = await run.args();
		cleanup = backend.cleanup;
		// sync never on file storage: this test is about ordering, not fsync throughput.
		server = await startServerProcess(run.name.startsWith('file') ? [...backend.args, '--sync', 'never'] : backend.args);
	});
	afterAll(async () => {
		expect(await server?.stop()).toBe(0);
		await cleanup?.();
	});

	test(`${CLIENTS} clients × ${POSTS} posts to ${TOPICS} topics: nothing lost, dense offsets, per-client order`, async () => {
		const prefix = unique('conc');
		const topics = Array.from({length: TOPICS}, (_, i) => `${prefix}-${i}`);
		const acked = await Promise.all(
			Array.from({length: CLIENTS}, async (_, c) => {
				const post = poster(server.url);
				const topic = topics[c % TOPICS]!;
				const offsets: number[] = [];
				for (let n = 0; n < POSTS; n++) offsets.push(await post(topic, `c${c}-${n}`));
				return {topic, client: c, offsets};
			}),
		);

		const api = client(server.url);
		for (const topic of topics) {
			const {json} = await api('GET', `/topics/${topic}/records`);
			const records = json.records as Array<{offset: number; value: string}>;
			const expected = (CLIENTS / TOPICS) * POSTS;
			expect(json.high_water_mark).toBe(expected);
			// Dense: offsets 0..n-1 with no gap or repeat.
			expect(records.map((r) => r.offset)).toEqual(Array.from({length: expected}, (_, i) => i));
			// Nothing lost, nothing duplicated.
			expect(new Set(records.map((r) => r.value)).size).toBe(expected);
			// Per client: its records appear in the order it sent them.
			const byClient = new Map<string, number[]>();
			for (const record of records) {
				const [c, n] = record.value.slice(1).split('-');
				byClient.set(c!, [...(byClient.get(c!) ?? []), Number(n)]);
			}
			for (const sequence of byClient.values()) expect(sequence).toEqual(Array.from({length: POSTS}, (_, i) => i));
			// Each acknowledged offset holds exactly the acknowledged record.
			for (const {client: c, offsets} of acked.filter((a) => a.topic === topic)) {
				offsets.forEach((offset, n) => expect(records[offset]!.value).toBe(`c${c}-${n}`));
			}
		}
	});
});
