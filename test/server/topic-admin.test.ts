/** PUT and DELETE /topics/{topic} and GET /topics/{topic}/offsets against a real server. */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import {RemoteQueue} from '../../source/remote/remote-queue.js';
import {startServer} from '../../source/server/server.js';
import type {ServerHandle} from '../../source/server/types.js';
import {client} from './process.js';

let queue: FlashQ;
let server: ServerHandle;
let api: ReturnType<typeof client>;

beforeAll(async () => {
	queue = await FlashQ.open({storage: 'memory'});
	server = await startServer({queue, port: 0});
	api = client(server.url);
});
afterAll(async () => {
	await server.close();
	await queue.close();
});

describe('topics over HTTP', () => {
	test('PUT creates an empty topic (201), then answers 200 created:false; a JSON body is ignored', async () => {
		const first = await api('PUT', '/topics/made');
		expect(first.status).toBe(201);
		expect(first.json).toEqual({topic: 'made', created: true});
		const again = await api('PUT', '/topics/made', {json: {}});
		expect(again.status).toBe(200);
		expect(again.json).toEqual({topic: 'made', created: false});
		expect((await api('GET', '/topics')).json.topics).toContainEqual({name: 'made', high_water_mark: 0, record_count: 0, last_append_time: null});
		const bad = await api('PUT', '/topics/a%2Fb');
		expect(bad.status).toBe(400);
		expect(bad.json.error).toBe('invalid_parameter');
		const other = await api('GET', '/topics/made');
		expect(other.status).toBe(405);
		expect(other.headers.get('allow')).toBe('PUT, DELETE');
	});

	test("DELETE removes the topic and the groups' offsets for it; the groups stay", async () => {
		await api('POST', '/topics/doomed/records', {json: {records: [{value: 'a'}, {value: 'b'}, {value: 'c'}]}});
		for (const group of ['zeta', 'alpha']) {
			await api('POST', `/consumer/${group}`);
			await api('POST', `/consumer/${group}/topics/doomed/offset`, {json: {offset: 2}});
		}
		const deleted = await api('DELETE', '/topics/doomed');
		expect(deleted.status).toBe(200);
		expect(deleted.json).toEqual({topic: 'doomed', deleted_records: 3, groups: ['alpha', 'zeta']});
		expect((await api('GET', '/topics/doomed/records')).status).toBe(404);
		const groups = (await api('GET', '/consumer')).json.groups as Array<{group_id: string; offsets: unknown[]}>;
		expect(groups.filter((g) => g.group_id === 'alpha' || g.group_id === 'zeta')).toEqual([
			{group_id: 'alpha', offsets: []},
			{group_id: 'zeta', offsets: []},
		]);
		const missing = await api('DELETE', '/topics/doomed');
		expect(missing.status).toBe(404);
		expect(missing.json).toMatchObject({error: 'topic_not_found', details: {topic: 'doomed'}});
		expect((await api('POST', '/topics/doomed/records', {json: {records: [{value: 'new'}]}})).json.offsets[0].offset).toBe(0);
	});

	test('GET /offsets?time= takes ms or an ISO 8601 date-time and answers the first record at or after it', async () => {
		const posted = (await api('POST', '/topics/timed/records', {json: {records: [{value: 'a'}, {value: 'b'}]}})).json.offsets as Array<{timestamp: string}>;
		const stamp = Date.parse(posted[0]!.timestamp);
		const iso = new Date(stamp).toISOString();
		for (const time of [String(stamp), iso, iso.replace('Z', '+00:00'), iso.slice(0, -1)]) {
			const reply = await api('GET', `/topics/timed/offsets?time=${encodeURIComponent(time)}`);
			expect(reply.status, time).toBe(200);
			expect(reply.json, time).toEqual({topic: 'timed', time: stamp, offset: 0, timestamp: stamp});
		}
		// The same instant two hours east of UTC.
		const east = new Date(stamp + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
		expect((await api('GET', `/topics/timed/offsets?time=${encodeURIComponent(east)}`)).json.time).toBe(stamp);
		expect((await api('GET', `/topics/timed/offsets?time=${stamp + 60_000}`)).json).toEqual({topic: 'timed', time: stamp + 60_000, offset: 2, timestamp: null});
		for (const query of ['', '?time=', '?time=yesterday', '?time=-5', '?time=2026-02-31T00:00:00Z', '?time=2026-01-01', '?time=99999999999999999999']) {
			const reply = await api('GET', `/topics/timed/offsets${query}`);
			expect(reply.status, query).toBe(400);
			expect(reply.json, query).toMatchObject({error: 'invalid_parameter', details: {parameter: 'time'}});
		}
		const unknown = await api('GET', '/topics/nowhere/offsets?time=0');
		expect(unknown.status).toBe(404);
		expect(unknown.json.error).toBe('topic_not_found');
	});

	test('metrics label the new routes by their templates', async () => {
		await api('PUT', '/topics/labelled');
		await api('GET', '/topics/labelled/offsets?time=0');
		const text = (await api('GET', '/metrics')).text;
		expect(text).toMatch(/method="PUT",route="\/topics\/\{topic\}",status="201"/);
		expect(text).toMatch(/method="GET",route="\/topics\/\{topic\}\/offsets",status="200"/);
		expect(text).toContain('topic="labelled"');
		await api('DELETE', '/topics/labelled');
		const after = (await api('GET', '/metrics')).text;
		// Per-topic series go with the topic.
		expect(after).not.toContain('topic="labelled"');
		expect(after).toMatch(/method="DELETE",route="\/topics\/\{topic\}",status="200"/);
	});

	test('RemoteQueue does the same over HTTP as the engine in process', async () => {
		const remote = await RemoteQueue.connect(server.url);
		try {
			expect(await remote.createTopic('remote-made')).toEqual({topic: 'remote-made', created: true});
			expect(await remote.createTopic('remote-made')).toEqual({topic: 'remote-made', created: false});
			const [posted] = await remote.post('remote-made', [{value: 'x'}]);
			const stamp = Date.parse(posted!.timestamp);
			expect(await remote.offsetForTime('remote-made', stamp)).toEqual(await queue.offsetForTime('remote-made', stamp));
			expect(await remote.offsetForTime('remote-made', stamp + 1)).toEqual({offset: 1, timestamp: null});
			await remote.createGroup('remote-group');
			await remote.commitOffset('remote-group', 'remote-made', 1);
			expect(await remote.deleteTopic('remote-made')).toEqual({topic: 'remote-made', records: 1, groups: ['remote-group']});
			expect(queue.hasTopic('remote-made')).toBe(false);
			await expect(remote.deleteTopic('remote-made')).rejects.toThrow(/topic_not_found|does not exist/);
		} finally {
			remote.close();
		}
	});
});
