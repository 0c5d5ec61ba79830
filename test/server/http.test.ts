/**
 * The REST API against a real server process (node dist/cli.js --headless --serve 0), once per
 * backend: every route, status and error code, every limit at its edge, framework errors.
 * One server process per backend; names are unique per test so tests do not depend on each other.
 */
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {type BackendRun, type Reply, backendRuns, client, startServerProcess, unique, type ServerProcess} from './process.js';

const runs = backendRuns;

const KIB = 1024;
const MIB = 1024 * 1024;

function expectError(reply: Reply, status: number, code: string): void {
	expect({status: reply.status, error: reply.json?.error}).toEqual({status, error: code});
	expect(typeof reply.json.message).toBe('string');
	expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
}

/** Sends raw bytes and returns the raw response (for what fetch will not send). */
function raw(url: string, request: string | Buffer): Promise<string> {
	const {hostname, port} = new URL(url);
	return new Promise((resolve, reject) => {
		const socket = net.connect(Number(port), hostname);
		let data = '';
		socket.setEncoding('utf8');
		socket.on('data', (d) => (data += d));
		socket.on('end', () => resolve(data));
		socket.on('close', () => resolve(data));
		socket.on('error', (e) => (data ? resolve(data) : reject(e)));
		socket.write(request);
	});
}

describe.each(runs)('REST API on $name storage', (run: BackendRun) => {
	let server: ServerProcess;
	let api: ReturnType<typeof client>;
	let cleanup: () => Promise<void>;

	beforeAll(async () => {
		const backend = await run.args();
		cleanup = backend.cleanup;
		server = await startServerProcess(backend.args);
		api = client(server.url);
	});
	afterAll(async () => {
		expect(await server?.stop()).toBe(0);
		await cleanup?.();
	});

	const produce = (topic: string, records: unknown[]) => api('POST', `/topics/${topic}/records`, {json: {records}});

	describe('GET /health', () => {
		test('200 with status, service and integer Unix seconds', async () => {
			const reply = await api('GET', '/health');
			expect(reply.status).toBe(200);
			expect(reply.headers.get('content-type')).toBe('application/json');
			expect(reply.json).toMatchObject({status: 'healthy', service: 'flashq'});
			expect(Number.isInteger(reply.json.timestamp)).toBe(true);
			expect(Math.abs(reply.json.timestamp - Date.now() / 1000)).toBeLessThan(60);
			expect(reply.json.topics_count).toBeTypeOf('number');
			expect(reply.json.consumer_groups_count).toBeTypeOf('number');
		});
	});

	describe('POST /topics/{topic}/records', () => {
		test('first records get 0.. in order, contiguous, with the stored timestamp', async () => {
			const topic = unique('p');
			const first = await produce(topic, [{value: 'a'}, {value: 'b', key: 'k'}, {value: 'c', headers: {h: 'v'}}]);
			expect(first.status).toBe(200);
			expect(first.json.offsets.map((o: {offset: number}) => o.offset)).toEqual([0, 1, 2]);
			const second = await produce(topic, [{value: 'd'}]);
			expect(second.json.offsets[0].offset).toBe(3);
			const poll = await api('GET', `/topics/${topic}/records`);
			expect(poll.json.records.map((r: {timestamp: string}) => r.timestamp)).toEqual([
				...first.json.offsets.map((o: {timestamp: string}) => o.timestamp),
				second.json.offsets[0].timestamp,
			]);
			expect(poll.json.records[0]).toEqual({key: null, value: 'a', headers: null, offset: 0, timestamp: first.json.offsets[0].timestamp});
			expect(Object.keys(poll.json.records[0])).toEqual(['key', 'value', 'headers', 'offset', 'timestamp']);
			expect(poll.json.records[1].key).toBe('k');
			expect(poll.json.records[2].headers).toEqual({h: 'v'});
		});

		test('empty key, empty value, empty header value, unicode, explicit nulls, ten headers and unknown fields are accepted', async () => {
			const headers = Object.fromEntries(Array.from({length: 10}, (_, i) => [`h${i}`, i === 0 ? '' : `v${i}`]));
			const records = [
				{key: '', value: ''},
				{value: 'héllo 日本 🎉', key: 'ключ', headers},
				{key: null, value: 'n', headers: null, extra: 1},
			];
			const reply = await api('POST', `/topics/${unique('ok')}/records`, {json: {records, ignored: true}});
			expect(reply.status).toBe(200);
			expect(reply.json.offsets).toHaveLength(3);
		});

		test('accepts application/json; charset=utf-8 and +json types', async () => {
			for (const type of ['application/json; charset=utf-8', 'application/vnd.flashq+json', 'text/json']) {
				const reply = await api('POST', `/topics/${unique('ct')}/records`, {
					body: JSON.stringify({records: [{value: 'x'}]}),
					headers: {'content-type': type},
				});
				expect(reply.status, type).toBe(200);
			}
		});

		test('batch of 1000 is fine; 1001 is 400 validation_error with sizes; 0 is 400 invalid_parameter', async () => {
			const topic = unique('batch');
			const ok = await produce(topic, Array.from({length: 1000}, (_, i) => ({value: `${i}`})));
			expect(ok.status).toBe(200);
			expect(ok.json.offsets.at(-1).offset).toBe(999);
			const tooMany = await produce(topic, Array.from({length: 1001}, () => ({value: 'x'})));
			expectError(tooMany, 400, 'validation_error');
			expect(tooMany.json.details).toEqual({field: 'records', max_size: 1000, actual_size: 1001});
			const empty = await produce(topic, []);
			expectError(empty, 400, 'invalid_parameter');
			expect(empty.json.details.parameter).toBe('records');
			// Nothing of the rejected batches was stored.
			expect((await api('GET', `/topics/${topic}/records?from_offset=990`)).json.high_water_mark).toBe(1000);
		});

		test('key: 1024 bytes ok, 1025 bytes 400 with field/max/actual (bytes, not characters)', async () => {
			const topic = unique('key');
			expect((await produce(topic, [{key: 'k'.repeat(1024), value: 'v'}])).status).toBe(200);
			const over = await produce(topic, [{value: 'ok'}, {key: 'é'.repeat(513), value: 'v'}]);
			expectError(over, 400, 'validation_error');
			expect(over.json.details).toEqual({field: 'records[1].key', max_size: 1024, actual_size: 1026});
		});

		test('header value: 1024 bytes ok, 1025 bytes 400', async () => {
			const topic = unique('hdr');
			expect((await produce(topic, [{value: 'v', headers: {a: 'x'.repeat(1024)}}])).status).toBe(200);
			const over = await produce(topic, [{value: 'v', headers: {a: 'ok', big: 'x'.repeat(1025)}}]);
			expectError(over, 400, 'validation_error');
			expect(over.json.details).toEqual({field: 'records[0].headers.big', max_size: 1024, actual_size: 1025});
		});

		test('value: 1 MiB ok; 1 MiB + 1 byte reaches the field check (400, not 413)', async () => {
			const topic = unique('val');
			expect((await produce(topic, [{value: 'v'.repeat(MIB)}])).status).toBe(200);
			const over = await produce(topic, [{value: 'v'.repeat(MIB + 1)}]);
			expectError(over, 400, 'validation_error');
			expect(over.json.details).toEqual({field: 'records[0].value', max_size: MIB, actual_size: MIB + 1});
		});

		test('check order: topic name before empty batch; key before value; first failing record wins', async () => {
			expect((await api('POST', '/topics/bad@name/records', {json: {records: []}})).json.details.parameter).toBe('topic');
			const both = await produce(unique('order'), [{key: 'k'.repeat(1025), value: 'v'.repeat(MIB + 1)}]);
			expect(both.json.details.field).toBe('records[0].key');
		});

		test('body over 2 MiB is 413 payload_too_large, declared or chunked', async () => {
			const big = JSON.stringify({records: [{value: 'v'.repeat(2 * MIB)}]});
			expectError(await api('POST', `/topics/${unique('big')}/records`, {body: big, headers: {'content-type': 'application/json'}}), 413, 'payload_too_large');
			const chunks = [Buffer.from('{"records":[{"value":"'), Buffer.alloc(2 * MIB + KIB, 'v'), Buffer.from('"}]}')];
			const stream = new ReadableStream({
				pull(controller) {
					const next = chunks.shift();
					if (next) controller.enqueue(next);
					else controller.close();
				},
			});
			const response = await fetch(`${server.url}/topics/${unique('chunked')}/records`, {
				method: 'POST',
				body: stream,
				headers: {'content-type': 'application/json'},
				duplex: 'half',
			} as RequestInit);
			expect(response.status).toBe(413);
			expect(((await response.json()) as {error: string}).error).toBe('payload_too_large');
		});

		test('415 without or with a non-JSON content type (also with no body at all)', async () => {
			const topic = unique('ct');
			expectError(await api('POST', `/topics/${topic}/records`), 415, 'unsupported_media_type');
			expectError(
				await api('POST', `/topics/${topic}/records`, {body: '{"records":[{"value":"x"}]}', headers: {'content-type': 'text/plain'}}),
				415,
				'unsupported_media_type',
			);
		});

		test('malformed JSON is 400 validation_error', async () => {
			const reply = await api('POST', `/topics/${unique('mj')}/records`, {body: '{"records": [', headers: {'content-type': 'application/json'}});
			expectError(reply, 400, 'validation_error');
		});

		test.each([
			['missing records', {invalid: 'request'}],
			['records not an array', {records: {value: 'x'}}],
			['missing value', {records: [{key: 'k'}]}],
			['numeric value', {records: [{value: 1}]}],
			['null value', {records: [{value: null}]}],
			['object value', {records: [{value: {}}]}],
			['numeric key', {records: [{value: 'v', key: 5}]}],
			['header value not a string', {records: [{value: 'v', headers: {a: 1}}]}],
			['headers an array', {records: [{value: 'v', headers: ['a']}]}],
			['record not an object', {records: ['x']}],
			['body an array', [{value: 'x'}]],
			['body null', null],
		])('schema mismatch (%s) is 422 record_validation_error', async (_name, body) => {
			expectError(await api('POST', `/topics/${unique('schema')}/records`, {json: body}), 422, 'record_validation_error');
		});

		test('schema errors come before size errors (a 1001-record batch with a bad record is 422)', async () => {
			const records: unknown[] = Array.from({length: 1001}, () => ({value: 'x'}));
			records[1000] = {value: 5};
			expectError(await produce(unique('schema'), records), 422, 'record_validation_error');
		});
	});

	describe('names (§2.1)', () => {
		test.each(['.dot_start', '_underscore_start', 'with-dash', 'with.dots', 'Case', 'a'.repeat(255), '0'])('accepts %s', async (name) => {
			expect((await produce(name, [{value: 'x'}])).status).toBe(200);
		});

		test.each([
			['@', 'has@at'],
			['space', 'has%20space'],
			['leading dash', '-dash'],
			['256 chars', 'a'.repeat(256)],
			['unicode', 'caf%C3%A9'],
			['dots only', '...'],
			['encoded slash', 'a%2Fb'],
			['bad percent-encoding', '%E0%A4%A'],
		])('rejects %s with 400 invalid_parameter (parameter topic)', async (_name, name) => {
			const reply = await api('POST', `/topics/${name}/records`, {json: {records: [{value: 'x'}]}});
			expectError(reply, 400, 'invalid_parameter');
			expect(reply.json.details.parameter).toBe('topic');
		});

		test('a bad character puts the decoded name in details.value', async () => {
			const reply = await api('POST', '/topics/has%20space/records', {json: {records: [{value: 'x'}]}});
			expect(reply.json.details).toEqual({parameter: 'topic', value: 'has space'});
		});

		test('names are case-sensitive', async () => {
			const base = unique('case');
			await produce(`${base}A`, [{value: '1'}]);
			await produce(`${base}a`, [{value: '1'}, {value: '2'}]);
			expect((await api('GET', `/topics/${base}A/records`)).json.high_water_mark).toBe(1);
			expect((await api('GET', `/topics/${base}a/records`)).json.high_water_mark).toBe(2);
		});

		test('bad group id is 400 with parameter group_id', async () => {
			const reply = await api('POST', '/consumer/bad%20id');
			expectError(reply, 400, 'invalid_parameter');
			expect(reply.json.details.parameter).toBe('group_id');
		});
	});

	describe('GET /topics/{topic}/records (plain poll)', () => {
		let topic: string;
		beforeAll(async () => {
			topic = unique('poll');
			await produce(topic, Array.from({length: 10}, (_, i) => ({value: `${i}`, headers: {i: `${i}`}})));
		});

		test('from 0 by default: all records, next_offset = last + 1, lag', async () => {
			const reply = await api('GET', `/topics/${topic}/records`);
			expect(reply.status).toBe(200);
			expect(reply.json.records.map((r: {value: string}) => r.value)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
			expect(reply.json).toMatchObject({next_offset: 10, high_water_mark: 10, lag: 0});
		});

		test('from_offset, max_records and include_headers=false', async () => {
			const reply = await api('GET', `/topics/${topic}/records?from_offset=3&max_records=2&include_headers=false`);
			expect(reply.json.records.map((r: {offset: number}) => r.offset)).toEqual([3, 4]);
			expect(reply.json.records.every((r: {headers: unknown}) => r.headers === null)).toBe(true);
			expect(reply.json).toMatchObject({next_offset: 5, high_water_mark: 10, lag: 5});
			const withHeaders = await api('GET', `/topics/${topic}/records?from_offset=3&max_records=1&include_headers=true&unknown=1`);
			expect(withHeaders.json.records[0].headers).toEqual({i: '3'});
		});

		test('from_offset at hwm: empty, next_offset = from_offset; beyond: no lag', async () => {
			expect((await api('GET', `/topics/${topic}/records?from_offset=10`)).json).toEqual({records: [], next_offset: 10, high_water_mark: 10, lag: 0});
			expect((await api('GET', `/topics/${topic}/records?from_offset=15`)).json).toEqual({records: [], next_offset: 15, high_water_mark: 10});
		});

		test('unknown topic is 404 topic_not_found with details.topic', async () => {
			const name = unique('nope');
			const reply = await api('GET', `/topics/${name}/records`);
			expectError(reply, 404, 'topic_not_found');
			expect(reply.json.details).toEqual({topic: name});
		});

		test.each([
			['max_records=0', 'max_records'],
			['max_records=10001', 'max_records'],
			['max_records=abc', 'max_records'],
			['max_records=-1', 'max_records'],
			['max_records=', 'max_records'],
			['max_records=1.5', 'max_records'],
			['from_offset=-1', 'from_offset'],
			['from_offset=x', 'from_offset'],
			['include_headers=yes', 'include_headers'],
			['include_headers=1', 'include_headers'],
			['max_bytes=0', 'max_bytes'],
			['max_bytes=-1', 'max_bytes'],
			['max_bytes=1.5', 'max_bytes'],
			['max_bytes=abc', 'max_bytes'],
			['max_bytes=', 'max_bytes'],
			['max_bytes=67108865', 'max_bytes'],
		])('%s is 400 invalid_parameter naming %s', async (query, parameter) => {
			const reply = await api('GET', `/topics/${topic}/records?${query}`);
			expectError(reply, 400, 'invalid_parameter');
			expect(reply.json.details.parameter).toBe(parameter);
		});

		test('max_bytes bounds the poll in bytes: stops before the record that would pass it, at least one', async () => {
			// Each record is 3 bytes: a one-digit value, plus the header `i` (1) and its one-digit value (1).
			const size = 3;
			const reply = await api('GET', `/topics/${topic}/records?from_offset=2&max_bytes=${3 * size}`);
			expect(reply.status).toBe(200);
			expect(reply.json.records.map((r: {offset: number}) => r.offset)).toEqual([2, 3, 4]);
			expect(reply.json).toMatchObject({next_offset: 5, high_water_mark: 10, lag: 5});
			expect((await api('GET', `/topics/${topic}/records?from_offset=2&max_bytes=${3 * size - 1}`)).json.records).toHaveLength(2);
			expect((await api('GET', `/topics/${topic}/records?from_offset=7&max_bytes=1`)).json.records.map((r: {offset: number}) => r.offset)).toEqual([7]);
			expect((await api('GET', `/topics/${topic}/records?max_bytes=67108864`)).json.records).toHaveLength(10);
		});

		test('max_records 1 and 10000 are in range', async () => {
			expect((await api('GET', `/topics/${topic}/records?max_records=1`)).json.records).toHaveLength(1);
			expect((await api('GET', `/topics/${topic}/records?max_records=10000`)).json.records).toHaveLength(10);
		});
	});

	describe('consumer groups', () => {
		test('create 200 {group_id}, again 409 conflict, delete 204 empty, again 404 group_not_found', async () => {
			const group = unique('g');
			const created = await api('POST', `/consumer/${group}`, {body: '{"group_id":"ignored"}', headers: {'content-type': 'text/plain'}});
			expect(created.status).toBe(200);
			expect(created.json).toEqual({group_id: group});
			const again = await api('POST', `/consumer/${group}`);
			expectError(again, 409, 'conflict');
			expect(again.json.details).toEqual({group_id: group});
			const deleted = await api('DELETE', `/consumer/${group}`);
			expect(deleted.status).toBe(204);
			expect(deleted.text).toBe('');
			const missing = await api('DELETE', `/consumer/${group}`);
			expectError(missing, 404, 'group_not_found');
			expect(missing.json.details).toEqual({group_id: group});
		});

		test('fetch never advances; next_offset is the committed offset; from_offset overrides the start', async () => {
			const group = unique('g');
			const topic = unique('t');
			await produce(topic, Array.from({length: 10}, (_, i) => ({value: `${i}`})));
			await api('POST', `/consumer/${group}`);
			const first = await api('GET', `/consumer/${group}/topics/${topic}`);
			expect(first.json.records).toHaveLength(10);
			expect(first.json).toMatchObject({next_offset: 0, high_water_mark: 10, lag: 10});
			expect((await api('GET', `/consumer/${group}/topics/${topic}`)).json).toEqual(first.json);
			expect((await api('POST', `/consumer/${group}/topics/${topic}/offset`, {json: {offset: 5}})).status).toBe(200);
			const after = await api('GET', `/consumer/${group}/topics/${topic}?max_records=3`);
			expect(after.json.records.map((r: {offset: number}) => r.offset)).toEqual([5, 6, 7]);
			expect(after.json).toMatchObject({next_offset: 5, high_water_mark: 10, lag: 5});
			const from = await api('GET', `/consumer/${group}/topics/${topic}?from_offset=1&max_records=2&include_headers=false`);
			expect(from.json.records.map((r: {offset: number}) => r.offset)).toEqual([1, 2]);
			expect(from.json.next_offset).toBe(5);
			expect((await api('GET', `/consumer/${group}/topics/${topic}?from_offset=99`)).json).toMatchObject({records: [], next_offset: 5});
		});

		test('fetch takes max_bytes too, with the same errors', async () => {
			const group = unique('g');
			const topic = unique('t');
			await produce(topic, Array.from({length: 10}, (_, i) => ({value: `${i}`.repeat(10)})));
			await api('POST', `/consumer/${group}`);
			const reply = await api('GET', `/consumer/${group}/topics/${topic}?max_bytes=25`);
			expect(reply.json.records.map((r: {offset: number}) => r.offset)).toEqual([0, 1]);
			expect(reply.json).toMatchObject({next_offset: 0, high_water_mark: 10, lag: 10});
			for (const bad of ['0', 'abc', '1.5', '67108865']) {
				const error = await api('GET', `/consumer/${group}/topics/${topic}?max_bytes=${bad}`);
				expectError(error, 400, 'invalid_parameter');
				expect(error.json.details.parameter).toBe('max_bytes');
			}
		});

		test('fetch check order: query, group id, topic, max_records range, group exists, topic exists', async () => {
			const group = unique('g');
			await api('POST', `/consumer/${group}`);
			const param = async (path: string) => (await api('GET', path)).json.details?.parameter;
			expect(await param('/consumer/bad@g/topics/bad@t?max_records=abc')).toBe('max_records');
			expect(await param('/consumer/bad@g/topics/bad@t?max_records=0')).toBe('group_id');
			expect(await param(`/consumer/${group}/topics/bad@t?max_records=0`)).toBe('topic');
			expect(await param(`/consumer/${group}/topics/t?max_records=0`)).toBe('max_records');
			expectError(await api('GET', `/consumer/${unique('none')}/topics/${unique('none')}`), 404, 'group_not_found');
			const missingTopic = await api('GET', `/consumer/${group}/topics/${unique('none')}`);
			expectError(missingTopic, 404, 'topic_not_found');
		});

		test('offset get: unknown topic reads 0/0/0; real last_commit_time after a commit; unknown group 404', async () => {
			const group = unique('g');
			const topic = unique('t');
			await api('POST', `/consumer/${group}`);
			const none = await api('GET', `/consumer/${group}/topics/${topic}/offset`);
			expect(none.status).toBe(200);
			expect(none.json).toEqual({topic, committed_offset: 0, high_water_mark: 0, lag: 0});
			await produce(topic, [{value: 'a'}, {value: 'b'}, {value: 'c'}]);
			const before = Date.now();
			const commit = await api('POST', `/consumer/${group}/topics/${topic}/offset`, {json: {offset: 1, metadata: 'ignored'}});
			expect(commit.json).toMatchObject({group_id: group, topic, offset: 1, committed_offset: 1});
			// Kept sleep: the clock must move for the read's time to differ from the commit's (what is tested).
			await new Promise((resolve) => setTimeout(resolve, 20));
			const got = await api('GET', `/consumer/${group}/topics/${topic}/offset`);
			expect(got.json).toMatchObject({topic, committed_offset: 1, high_water_mark: 3, lag: 2});
			const time = Date.parse(got.json.last_commit_time);
			expect(time).toBe(Date.parse(commit.json.timestamp));
			expect(time).toBeGreaterThanOrEqual(before - 1000);
			expect(time).toBeLessThan(Date.now() - 10);
			expectError(await api('GET', `/consumer/${unique('none')}/topics/${topic}/offset`), 404, 'group_not_found');
		});

		test('commit: 0 and hwm allowed, rewind allowed, > hwm 400 invalid_offset with details', async () => {
			const group = unique('g');
			const topic = unique('t');
			await api('POST', `/consumer/${group}`);
			await produce(topic, [{value: 'a'}, {value: 'b'}, {value: 'c'}]);
			const commit = (offset: unknown) => api('POST', `/consumer/${group}/topics/${topic}/offset`, {json: {offset}});
			expect((await commit(0)).status).toBe(200);
			expect((await commit(3)).status).toBe(200);
			expect((await api('GET', `/consumer/${group}/topics/${topic}/offset`)).json.lag).toBe(0);
			expect((await commit(1)).status).toBe(200);
			const over = await commit(10);
			expectError(over, 400, 'invalid_offset');
			expect(over.json.details).toEqual({offset: 10, topic, max_offset: 3});
		});

		test('commit: group checked before topic; unknown topic 404 topic_not_found', async () => {
			const group = unique('g');
			const topic = unique('none');
			expectError(await api('POST', `/consumer/${unique('none')}/topics/${topic}/offset`, {json: {offset: 0}}), 404, 'group_not_found');
			await api('POST', `/consumer/${group}`);
			const reply = await api('POST', `/consumer/${group}/topics/${topic}/offset`, {json: {offset: 0}});
			expectError(reply, 404, 'topic_not_found');
			expect(reply.json.details).toEqual({topic});
		});

		test.each([
			['missing offset', {}],
			['negative', {offset: -1}],
			['string', {offset: '1'}],
			['fraction', {offset: 1.5}],
			['null', {offset: null}],
		])('commit body %s is 422', async (_name, body) => {
			expectError(await api('POST', `/consumer/${unique('g')}/topics/t/offset`, {json: body}), 422, 'record_validation_error');
		});

		test('commit body errors: 415 and 400 come before name checks', async () => {
			expectError(await api('POST', '/consumer/bad@g/topics/t/offset', {body: '{"offset":0}'}), 415, 'unsupported_media_type');
			expectError(
				await api('POST', '/consumer/bad@g/topics/t/offset', {body: '{', headers: {'content-type': 'application/json'}}),
				400,
				'validation_error',
			);
		});

		test('a deleted group created again starts at offset 0', async () => {
			const group = unique('g');
			const topic = unique('t');
			await produce(topic, [{value: 'a'}, {value: 'b'}]);
			await api('POST', `/consumer/${group}`);
			await api('POST', `/consumer/${group}/topics/${topic}/offset`, {json: {offset: 2}});
			await api('DELETE', `/consumer/${group}`);
			await api('POST', `/consumer/${group}`);
			expect((await api('GET', `/consumer/${group}/topics/${topic}/offset`)).json.committed_offset).toBe(0);
			expect((await api('GET', `/consumer/${group}/topics/${topic}`)).json.next_offset).toBe(0);
		});
	});

	describe('listings, metrics, OpenAPI', () => {
		test('GET /topics lists names, hwm, record counts, last append time', async () => {
			const topic = unique('list');
			await produce(topic, [{value: 'a'}, {value: 'b'}]);
			const reply = await api('GET', '/topics');
			const entry = reply.json.topics.find((t: {name: string}) => t.name === topic);
			expect(entry).toMatchObject({name: topic, high_water_mark: 2, record_count: 2});
			expect(Date.parse(entry.last_append_time)).toBeGreaterThan(0);
		});

		test('GET /consumer lists groups with offsets and lag', async () => {
			const group = unique('g');
			const topic = unique('t');
			await produce(topic, [{value: 'a'}, {value: 'b'}, {value: 'c'}]);
			await api('POST', `/consumer/${group}`);
			await api('POST', `/consumer/${group}/topics/${topic}/offset`, {json: {offset: 1}});
			const entry = (await api('GET', '/consumer')).json.groups.find((g: {group_id: string}) => g.group_id === group);
			expect(entry.offsets).toEqual([expect.objectContaining({topic, committed_offset: 1, high_water_mark: 3, lag: 2})]);
		});

		test('GET /metrics is Prometheus text from the engine stats', async () => {
			const topic = unique('m');
			await produce(topic, [{value: 'abc'}, {value: 'de'}]);
			const reply = await api('GET', '/metrics');
			expect(reply.status).toBe(200);
			expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
			expect(reply.text).toContain('# TYPE flashq_records_appended_total counter');
			expect(reply.text).toContain(`flashq_records_appended_total{topic="${topic}"} 2`);
			expect(reply.text).toContain(`flashq_bytes_appended_total{topic="${topic}"} 5`);
			expect(reply.text).toContain(`flashq_high_water_mark{topic="${topic}"} 2`);
			expect(reply.text).toMatch(/flashq_http_requests_total\{method="POST",route="\/topics\/\{topic\}\/records",status="200"\} \d+/);
			expect(reply.text).not.toContain('process_cpu'); // own registry, not the global default metrics
		});

		test('GET /openapi.json is the document', async () => {
			const reply = await api('GET', '/openapi.json');
			expect(reply.json.openapi).toMatch(/^3\./);
			expect(Object.keys(reply.json.paths)).toContain('/topics/{topic}/records');
		});
	});

	describe('framework errors', () => {
		test.each(['/nope', '/topics//records', '/topics/t/records/extra', '/health/', '/consumer/g/topics'])('unknown route %s is 404 not_found', async (path) => {
			expectError(await api('GET', path), 404, 'not_found');
		});

		test('known path, wrong method: 405 method_not_allowed with Allow', async () => {
			const reply = await api('PUT', '/topics/t/records');
			expectError(reply, 405, 'method_not_allowed');
			expect(reply.headers.get('allow')).toBe('POST, GET, HEAD');
			expect((await api('DELETE', '/health')).headers.get('allow')).toBe('GET, HEAD');
			expect((await api('PATCH', '/consumer/g')).headers.get('allow')).toBe('POST, DELETE');
		});

		test('oversized request headers get 431 in JSON', async () => {
			const response = await raw(server.url, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * KIB)}\r\n\r\n`);
			expect(response).toMatch(/^HTTP\/1\.1 431/);
			expect(response).toContain('"error":"header_too_large"');
		});

		test('a malformed request line gets 400 in JSON and the server lives on', async () => {
			const response = await raw(server.url, 'THIS IS NOT HTTP\r\n\r\n');
			expect(response).toMatch(/^HTTP\/1\.1 400/);
			expect(response).toContain('"error":"bad_request"');
			expect((await api('GET', '/health')).status).toBe(200);
		});

		test('a JSON body on a GET is ignored; keep-alive connections serve many requests', async () => {
			const reply = await api('GET', '/health', {body: undefined});
			expect(reply.status).toBe(200);
			const replies = await Promise.all(Array.from({length: 50}, () => api('GET', '/health')));
			expect(replies.every((r) => r.status === 200)).toBe(true);
		});
	});
});

describe('--max-topics', () => {
	let server: ServerProcess;
	let api: ReturnType<typeof client>;
	beforeAll(async () => {
		server = await startServerProcess(['--max-topics', '2']);
		api = client(server.url);
	});
	afterAll(async () => {
		expect(await server?.stop()).toBe(0);
	});

	test('a post creating a topic past the limit gets 409 topic_limit_reached; existing topics still take posts', async () => {
		for (const topic of ['one', 'two']) expect((await api('POST', `/topics/${topic}/records`, {json: {records: [{value: 'x'}]}})).status).toBe(200);
		const reply = await api('POST', '/topics/three/records', {json: {records: [{value: 'x'}]}});
		expectError(reply, 409, 'topic_limit_reached');
		expect(reply.json).toEqual({
			error: 'topic_limit_reached',
			message: "cannot create topic 'three': this queue already holds its maximum of 2 topics (raise it with --max-topics)",
			details: {topic: 'three', max_topics: 2},
		});
		expect((await api('POST', '/topics/one/records', {json: {records: [{value: 'y'}]}})).json).toMatchObject({offsets: [{offset: 1}]});
		expect((await api('GET', '/topics/three/records')).status).toBe(404);
	});
});
