/**
 * `topic create|delete|offset` and `consumer offset reset --to-time` against a real server process
 * (PUT/DELETE /topics/{t}, GET /topics/{t}/offsets?time=, the group offset routes).
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {parseTime} from '../../source/client/time.js';
import {client, type ServerProcess, startServerProcess} from '../server/process.js';
import {runCli} from './run-cli.js';

let server: ServerProcess;
let url: string;
let write: ReturnType<typeof client>;
/** The timestamps (ms) the server gave the three records of 'orders'. */
let stamps: number[] = [];

/** Three records in 'orders', each in its own post a few ms apart (distinct timestamps); 'billing' and 'audit' commit on it. */
async function seedOrders(): Promise<void> {
	for (let i = 0; i < 3; i++) {
		expect((await write('POST', '/topics/orders/records', {json: {records: [{value: `o${i}`}]}})).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
	const polled = (await write('GET', '/topics/orders/records')).json as {records: {timestamp: string}[]};
	stamps = polled.records.map((r) => Date.parse(r.timestamp));
	for (const group of ['audit', 'billing']) {
		await write('POST', `/consumer/${group}`);
		expect((await write('POST', `/consumer/${group}/topics/orders/offset`, {json: {offset: 3}})).status).toBe(200);
	}
}

beforeAll(async () => {
	server = await startServerProcess();
	url = server.url;
	write = client(url);
	await seedOrders();
});

afterAll(async () => {
	await server?.stop();
});

const cli = (...args: string[]) => runCli([...args, '--url', url]);

describe('client topic', () => {
	test('create: an empty topic exists afterwards (hwm 0); says created or already there, exit 0 both times', async () => {
		const created = await cli('topic', 'create', 'fresh');
		expect(created).toMatchObject({code: 0, lines: ["Created topic 'fresh'"]});
		expect((await write('GET', '/topics/fresh/records')).json).toMatchObject({records: [], high_water_mark: 0});
		expect((await cli('topic', 'create', 'fresh')).lines).toEqual(["Topic 'fresh' already exists (unchanged)"]);
		expect(JSON.parse((await cli('topic', 'create', 'fresh', '--json')).stdout)).toEqual({topic: 'fresh', created: false});
		expect((await cli('topic', 'create', 'bad name')).code).not.toBe(0);
	});

	test('offset --time: ms, ISO 8601 and relative times; the answer in words', async () => {
		const between = Math.floor((stamps[0]! + stamps[1]!) / 2) + 1;
		const found = await cli('topic', 'offset', 'orders', '--time', String(between));
		expect(found).toMatchObject({code: 0, lines: [`Offset 1 in topic 'orders' for ${new Date(between).toISOString()}: first record at or after it, written ${new Date(stamps[1]!).toISOString()}`]});
		expect((await cli('topic', 'offset', 'orders', '--time', new Date(stamps[2]!).toISOString())).lines[0]).toMatch(/^Offset 2 in topic 'orders'/);
		expect((await cli('topic', 'offset', 'orders', '--time', '0')).lines[0]).toMatch(/^Offset 0 in topic 'orders'/);
		const none = await cli('topic', 'offset', 'orders', '--time', new Date(stamps[2]! + 60_000).toISOString());
		expect(none.lines[0]).toMatch(/^Offset 3 in topic 'orders' for \S+Z: no record at or after that time \(the high water mark\)$/);
		expect((await cli('topic', 'offset', 'orders', '--time', '-10m')).lines[0]).toMatch(/^Offset 0 in topic 'orders'/);
		expect((await cli('topic', 'offset', 'orders')).code).toBe(2);
		expect((await cli('topic', 'offset', 'orders', '--time', 'soon')).code).toBe(2);
		expect((await cli('topic', 'offset', 'nope', '--time', '0')).stderr).toMatch(/^Failed to look up offset: topic_not_found/);
	});

	test('reset --to-time: looks the offset up by time, commits it and prints old -> new', async () => {
		const between = Math.floor((stamps[0]! + stamps[1]!) / 2) + 1;
		const result = await cli('consumer', 'offset', 'reset', 'billing', 'orders', '--to-time', new Date(between).toISOString());
		expect(result).toMatchObject({code: 0, lines: ["Reset consumer group 'billing' on topic 'orders': offset 3 -> 1"]});
		expect((await write('GET', '/consumer/billing/topics/orders/offset')).json).toMatchObject({committed_offset: 1, lag: 2});
	});

	test('delete: prints the topic, its record count and the groups whose offsets went; the groups stay', async () => {
		const deleted = await cli('topic', 'delete', 'orders');
		expect(deleted).toMatchObject({code: 0, lines: ["Deleted topic 'orders' (3 records)", 'Removed committed offsets of groups: audit, billing']});
		expect((await write('GET', '/topics/orders/records')).status).toBe(404);
		// The spec's answer for a topic that does not exist (3.7): nothing committed, no last commit.
		const offset = (await write('GET', '/consumer/billing/topics/orders/offset')).json as Record<string, unknown>;
		expect(offset).toMatchObject({committed_offset: 0, high_water_mark: 0, lag: 0});
		expect(offset['last_commit_time']).toBeUndefined();
		await cli('topic', 'create', 'empty');
		expect((await cli('topic', 'delete', 'empty')).lines).toEqual(["Deleted topic 'empty' (0 records)", 'No consumer group had committed offsets for it']);
		const missing = await cli('topic', 'delete', 'orders');
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/^Failed to delete topic: topic_not_found/);
		// The groups are still there: creating them again conflicts.
		expect((await write('POST', '/consumer/billing')).status).toBe(409);
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
