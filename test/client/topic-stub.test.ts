/**
 * STUB SERVER TESTS (issue 15): `topic create|delete|offset` and `consumer offset reset --to-time`
 * against a tiny node:http stub of the contract's new routes (PUT/DELETE /topics/{t},
 * GET /topics/{t}/offsets?time=, plus the two offset routes reset uses). The real routes are
 * built in another branch: switch these to the real server after merging.
 */
import {createServer, type IncomingMessage, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {parseTime} from '../../source/client/time.js';
import {runCli} from './run-cli.js';

interface Seen {
	method: string;
	url: string;
	body: string;
}

let server: Server;
let url: string;
const seen: Seen[] = [];
/** Records' timestamps (ms) by topic; a group's offsets by topic. */
const topics = new Map<string, number[]>([['orders', [1000, 2000, 3000]]]);
const offsets = new Map<string, number>([['billing', 3]]);

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, {'content-type': 'application/json'}).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
	let body = '';
	for await (const chunk of req) body += chunk;
	return body;
}

beforeAll(async () => {
	server = createServer((req, res) => {
		void readBody(req).then((body) => {
			seen.push({method: req.method!, url: req.url!, body});
			const target = new URL(req.url!, 'http://stub');
			const parts = target.pathname.split('/').slice(1).map(decodeURIComponent);
			const notFound = () => json(res, 404, {error: 'topic_not_found', message: `topic '${parts[1]}' not found`});
			if (parts[0] === 'topics' && parts.length === 2 && req.method === 'PUT') {
				if (topics.has(parts[1]!)) return json(res, 200, {topic: parts[1], created: false});
				topics.set(parts[1]!, []);
				return json(res, 201, {topic: parts[1], created: true});
			}
			if (parts[0] === 'topics' && parts.length === 2 && req.method === 'DELETE') {
				const records = topics.get(parts[1]!);
				if (records === undefined) return notFound();
				topics.delete(parts[1]!);
				const groups = parts[1] === 'orders' ? ['audit', 'billing'] : [];
				return json(res, 200, {topic: parts[1], deleted_records: records.length, groups});
			}
			if (parts[0] === 'topics' && parts[2] === 'offsets' && req.method === 'GET') {
				const records = topics.get(parts[1]!);
				if (records === undefined) return notFound();
				const raw = target.searchParams.get('time');
				if (raw === null || !/^\d+$/.test(raw)) return json(res, 400, {error: 'invalid_parameter', message: 'time', details: {parameter: 'time'}});
				const index = records.findIndex((timestamp) => timestamp >= Number(raw));
				return json(res, 200, {
					topic: parts[1],
					time: Number(raw),
					offset: index < 0 ? records.length : index,
					timestamp: index < 0 ? null : records[index],
				});
			}
			if (parts[0] === 'consumer' && parts[4] === 'offset') {
				const records = topics.get(parts[3]!) ?? [];
				if (req.method === 'GET') {
					const committed = offsets.get(parts[1]!) ?? 0;
					return json(res, 200, {group_id: parts[1], topic: parts[3], committed_offset: committed, high_water_mark: records.length, lag: records.length - committed});
				}
				const {offset} = JSON.parse(body) as {offset: number};
				offsets.set(parts[1]!, offset);
				return json(res, 200, {group_id: parts[1], topic: parts[3], offset, committed_offset: offset, timestamp: '2024-01-01T00:00:00.000Z'});
			}
			json(res, 404, {error: 'not_found', message: 'no such route in the stub'});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
});

const cli = (...args: string[]) => runCli([...args, '--url', url]);
const last = () => seen[seen.length - 1]!;

describe('client topic (stub server)', () => {
	test('create: PUT /topics/T with no body; says created or already there, exit 0 both times', async () => {
		const created = await cli('topic', 'create', 'fresh');
		expect(created).toMatchObject({code: 0, lines: ["Created topic 'fresh'"]});
		expect(last()).toEqual({method: 'PUT', url: '/topics/fresh', body: ''});
		expect((await cli('topic', 'create', 'fresh')).lines).toEqual(["Topic 'fresh' already exists (unchanged)"]);
		expect(JSON.parse((await cli('topic', 'create', 'fresh', '--json')).stdout)).toEqual({topic: 'fresh', created: false});
	});

	test('delete: prints the topic, its record count and the groups whose offsets went', async () => {
		const deleted = await cli('topic', 'delete', 'orders');
		expect(deleted).toMatchObject({code: 0, lines: ["Deleted topic 'orders' (3 records)", 'Removed committed offsets of groups: audit, billing']});
		expect(last()).toMatchObject({method: 'DELETE', url: '/topics/orders'});
		await cli('topic', 'create', 'empty');
		expect((await cli('topic', 'delete', 'empty')).lines).toEqual(["Deleted topic 'empty' (0 records)", 'No consumer group had committed offsets for it']);
		const missing = await cli('topic', 'delete', 'orders');
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/^Failed to delete topic: topic_not_found/);
		topics.set('orders', [1000, 2000, 3000]);
	});

	test('offset --time: ms, ISO 8601 and relative times are sent as ms; the answer in words', async () => {
		const found = await cli('topic', 'offset', 'orders', '--time', '1500');
		expect(found).toMatchObject({code: 0, lines: ["Offset 1 in topic 'orders' for 1970-01-01T00:00:01.500Z: first record at or after it, written 1970-01-01T00:00:02.000Z"]});
		expect(last().url).toBe('/topics/orders/offsets?time=1500');
		await cli('topic', 'offset', 'orders', '--time', '1970-01-01T00:00:02Z');
		expect(last().url).toBe('/topics/orders/offsets?time=2000');
		const none = await cli('topic', 'offset', 'orders', '--time', '-10m');
		expect(none.lines[0]).toMatch(/^Offset 3 in topic 'orders' for \S+Z: no record at or after that time \(the high water mark\)$/);
		const sent = Number(new URL(last().url, 'http://x').searchParams.get('time'));
		expect(Math.abs(sent - (Date.now() - 600_000))).toBeLessThan(60_000);
		expect((await cli('topic', 'offset', 'orders')).code).toBe(2);
		expect((await cli('topic', 'offset', 'orders', '--time', 'soon')).code).toBe(2);
		expect((await cli('topic', 'offset', 'nope', '--time', '0')).stderr).toMatch(/^Failed to look up offset: topic_not_found/);
	});
});

describe('client consumer offset reset --to-time (stub server)', () => {
	test('looks the offset up by time, commits it and prints old -> new', async () => {
		offsets.set('billing', 3);
		const result = await cli('consumer', 'offset', 'reset', 'billing', 'orders', '--to-time', '1970-01-01T00:00:01.999Z');
		expect(result).toMatchObject({code: 0, lines: ["Reset consumer group 'billing' on topic 'orders': offset 3 -> 1"]});
		expect(seen.slice(-3).map(({method, url: path, body}) => `${method} ${path} ${body}`)).toEqual([
			'GET /consumer/billing/topics/orders/offset ',
			'GET /topics/orders/offsets?time=1999 ',
			'POST /consumer/billing/topics/orders/offset {"offset":1}',
		]);
	});
});

describe('time arguments', () => {
	test('ms, ISO 8601 (with a zone or Z), now and relative', () => {
		const now = 1_700_000_000_000;
		expect(parseTime('123', now)).toBe(123);
		expect(parseTime('2024-05-01T12:00:00Z', now)).toBe(Date.UTC(2024, 4, 1, 12));
		expect(parseTime('2024-05-01T14:00+02:00', now)).toBe(Date.UTC(2024, 4, 1, 12));
		expect(parseTime('2024-05-01', now)).toBe(Date.UTC(2024, 4, 1));
		expect(parseTime('now', now)).toBe(now);
		expect(parseTime('-10m', now)).toBe(now - 600_000);
		expect(parseTime('-1.5h', now)).toBe(now - 5_400_000);
		for (const bad of ['yesterday', '10m', '-10y', 'May 1 2024', '2024-13-01T00:00Z', '']) expect(() => parseTime(bad, now)).toThrow(/is not a time/);
	});
});
