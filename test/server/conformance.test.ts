/**
 * Black-box HTTP conformance suite, derived from the reference's sections 2 and 3
 * (shared/reference/flashq-api.md): one case per behaviour, status code, error code and limit,
 * including each (judgement) decision of the re-implementation.
 *
 * Runs against any server: FLASHQ_CONFORMANCE_URL=http://host:port (and FLASHQ_CONFORMANCE_TOKEN
 * when it needs one); otherwise it starts its own (node dist/cli.js --headless --serve 0).
 * Only HTTP is used, names are unique per run, so a server holding other data is fine.
 * Closes its output with a bare "N passed, M failed" line.
 *
 * Every response is also replayed through an OpenAPI response validator (openapi-backend) against
 * the server's own GET /openapi.json: a status, header or body the document does not describe
 * fails the case, so document and server cannot drift. Servers without a document are not
 * checked; FLASHQ_CONFORMANCE_VALIDATE=0 turns it off.
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {responseValidator} from './openapi-validator.js';
import {type Reply, client, startServerProcess, unique, type ServerProcess} from './process.js';

const MIB = 1_048_576;
let base = process.env['FLASHQ_CONFORMANCE_URL'] ?? '';
let own: ServerProcess | undefined;
let api: ReturnType<typeof client>;
let passed = 0;
let failed = 0;

beforeAll(async () => {
	if (!base) {
		own = await startServerProcess();
		base = own.url;
	}
	const plain = client(base.replace(/\/$/, ''), process.env['FLASHQ_CONFORMANCE_TOKEN'] || undefined);
	api = plain;
	if (process.env['FLASHQ_CONFORMANCE_VALIDATE'] === '0') return;
	const document = await plain('GET', '/openapi.json');
	if (document.status !== 200 || typeof document.json?.openapi !== 'string') return;
	const validator = await responseValidator(document.json);
	api = async (method, path, options) => {
		const reply = await plain(method, path, options);
		expect(validator.check(method, path, reply), 'the response fits GET /openapi.json').toEqual([]);
		return reply;
	};
}, 120_000);

afterAll(async () => {
	await own?.stop();
	console.log(`${passed} passed, ${failed} failed`);
});

/** One conformance case: its spec reference and the behaviour. */
function conform(ref: string, behaviour: string, run: () => Promise<void>): void {
	test(`${ref} ${behaviour}`, async () => {
		try {
			await run();
			passed++;
		} catch (error) {
			failed++;
			throw error;
		}
	});
}

const produce = (topic: string, records: unknown[]) => api('POST', `/topics/${topic}/records`, {json: {records}});
const values = (n: number, prefix = 'v') => Array.from({length: n}, (_, i) => ({value: `${prefix}${i}`}));
async function topicWith(n: number, extra: Partial<{headers: Record<string, string>}> = {}): Promise<string> {
	const topic = unique('ct');
	const reply = await produce(topic, Array.from({length: n}, (_, i) => ({value: `v${i}`, ...extra})));
	expect(reply.status).toBe(200);
	return topic;
}
async function group(): Promise<string> {
	const id = unique('cg');
	expect((await api('POST', `/consumer/${id}`)).status).toBe(200);
	return id;
}

function isError(reply: Reply, status: number, code: string, details?: Record<string, unknown>): void {
	expect(reply.status).toBe(status);
	expect(reply.json).toBeTypeOf('object');
	expect(reply.json.error).toBe(code);
	expect(reply.json.message).toBeTypeOf('string');
	if (details) expect(reply.json.details).toMatchObject(details);
}

describe('§2 HTTP conventions', () => {
	conform('§2', 'successful JSON responses are application/json', async () => {
		expect((await api('GET', '/health')).headers.get('content-type')).toMatch(/^application\/json/);
	});
	conform('§2', 'path parameters are percent-decoded before validation', async () => {
		const name = unique('pct');
		expect((await api('POST', `/topics/${name}%2Ex/records`, {json: {records: [{value: 'a'}]}})).status).toBe(200);
		expect((await api('GET', `/topics/${name}.x/records`)).json.high_water_mark).toBe(1);
	});
});

describe('§2.1 names', () => {
	for (const name of ['.dot_start', '_underscore_start', 'with-dash', 'with.dots', '9digit', 'a'.repeat(255)]) {
		conform('§2.1', `accepts ${name.length > 20 ? '255 characters' : name}`, async () => {
			expect((await produce(name.length > 20 ? name : `${name}${unique('')}`.slice(0, 255), [{value: 'x'}])).status).toBe(200);
		});
	}
	for (const [label, name] of [
		['@', 'a@b'],
		['a space', 'a%20b'],
		['a leading -', '-x'],
		['256 characters', 'a'.repeat(256)],
		['non-ASCII letters (café)', 'caf%C3%A9'],
		['non-ASCII letters (日本)', '%E6%97%A5%E6%9C%AC'],
		['dots only', '...'],
		['a decoded /', 'a%2Fb'],
	] as const) {
		conform('§2.1', `rejects a topic with ${label}: 400 invalid_parameter, parameter=topic`, async () => {
			isError(await produce(name, [{value: 'x'}]), 400, 'invalid_parameter', {parameter: 'topic'});
		});
	}
	conform('§2.1', 'a bad character puts the rejected name in details.value', async () => {
		isError(await produce('a@b', [{value: 'x'}]), 400, 'invalid_parameter', {parameter: 'topic', value: 'a@b'});
	});
	conform('§2.1', 'a bad group id: 400 invalid_parameter, parameter=group_id', async () => {
		isError(await api('POST', '/consumer/a@b'), 400, 'invalid_parameter', {parameter: 'group_id'});
	});
	conform('§2.1', 'names are case-sensitive', async () => {
		const name = unique('Case');
		await produce(name, [{value: 'x'}]);
		isError(await api('GET', `/topics/${name.toLowerCase()}/records`), 404, 'topic_not_found');
	});
	conform('§2.1', 'an empty path segment matches no route: 404', async () => {
		expect((await api('POST', '/topics//records', {json: {records: [{value: 'x'}]}})).status).toBe(404);
	});
});

describe('§2.2 limits (bytes)', () => {
	conform('§2.2', 'a batch of 1000 is accepted', async () => {
		expect((await produce(unique('b'), values(1000))).json.offsets).toHaveLength(1000);
	});
	conform('§2.2', 'a batch of 1001: 400 validation_error {field:records,max_size:1000,actual_size:1001}', async () => {
		isError(await produce(unique('b'), values(1001)), 400, 'validation_error', {field: 'records', max_size: 1000, actual_size: 1001});
	});
	conform('§2.2', 'an empty batch: 400 invalid_parameter, parameter=records', async () => {
		isError(await produce(unique('b'), []), 400, 'invalid_parameter', {parameter: 'records'});
	});
	conform('§2.2', 'a key of 1024 bytes is accepted', async () => {
		expect((await produce(unique('k'), [{key: 'k'.repeat(1024), value: 'v'}])).status).toBe(200);
	});
	conform('§2.2', 'a key of 1025 bytes: 400 validation_error with field records[i].key', async () => {
		isError(await produce(unique('k'), [{value: 'v'}, {key: 'k'.repeat(1025), value: 'v'}]), 400, 'validation_error', {
			field: 'records[1].key',
			max_size: 1024,
			actual_size: 1025,
		});
	});
	conform('§2.2', 'sizes are bytes, not characters (513 × "é" = 1026 bytes)', async () => {
		isError(await produce(unique('k'), [{key: 'é'.repeat(513), value: 'v'}]), 400, 'validation_error', {actual_size: 1026});
	});
	conform('§2.2', 'a value of 1,048,576 bytes is accepted', async () => {
		expect((await produce(unique('v'), [{value: 'v'.repeat(MIB)}])).status).toBe(200);
	});
	conform('§2.2', 'a value of 1,048,577 bytes: 400 validation_error (the body limit lets it through: not 413)', async () => {
		isError(await produce(unique('v'), [{value: 'v'.repeat(MIB + 1)}]), 400, 'validation_error', {
			field: 'records[0].value',
			max_size: MIB,
			actual_size: MIB + 1,
		});
	});
	conform('§2.2', 'a header value of 1024 bytes is accepted', async () => {
		expect((await produce(unique('h'), [{value: 'v', headers: {h: 'x'.repeat(1024)}}])).status).toBe(200);
	});
	conform('§2.2', 'a header value of 1025 bytes: 400 validation_error with field records[i].headers.<name>', async () => {
		isError(await produce(unique('h'), [{value: 'v', headers: {name: 'x'.repeat(1025)}}]), 400, 'validation_error', {
			field: 'records[0].headers.name',
			max_size: 1024,
			actual_size: 1025,
		});
	});
	conform('§2.2', '(judgement) 100 headers with names of 1024 bytes are accepted', async () => {
		const headers = Object.fromEntries(Array.from({length: 100}, (_, i) => [`${String(i).padStart(3, '0')}${'n'.repeat(1021)}`, 'v']));
		expect((await produce(unique('h'), [{value: 'v', headers}])).status).toBe(200);
	});
	conform('§2.2', '(judgement) a header name of 1025 bytes: 400 validation_error {max_size:1024,actual_size:1025}', async () => {
		isError(await produce(unique('h'), [{value: 'v', headers: {['n'.repeat(1025)]: 'v'}}]), 400, 'validation_error', {max_size: 1024, actual_size: 1025});
	});
	conform('§2.2', '(judgement) 101 headers on a record: 400 validation_error {field:records[i].headers,max_size:100,actual_size:101}', async () => {
		const headers = Object.fromEntries(Array.from({length: 101}, (_, i) => [`h${i}`, 'v']));
		isError(await produce(unique('h'), [{value: 'v', headers}]), 400, 'validation_error', {field: 'records[0].headers', max_size: 100, actual_size: 101});
	});
	conform('§2.2', 'a rejected batch stores nothing', async () => {
		const topic = await topicWith(1);
		await produce(topic, [{value: 'ok'}, {value: 'v'.repeat(MIB + 1)}]);
		expect((await api('GET', `/topics/${topic}/records`)).json.high_water_mark).toBe(1);
	});
	conform('§2.2', 'check order: topic name before the empty batch', async () => {
		isError(await produce('a@b', []), 400, 'invalid_parameter', {parameter: 'topic'});
	});
	conform('§2.2', 'check order: empty batch, then batch size, then records', async () => {
		isError(await produce(unique('o'), [...values(1000), {key: 'k'.repeat(2000), value: 'v'}]), 400, 'validation_error', {field: 'records'});
	});
	conform('§2.2', 'check order: by record index, key before value before headers; the first failure is reported', async () => {
		const big = 'x'.repeat(1025);
		const reply = await produce(unique('o'), [{value: 'ok'}, {key: big, value: 'v'.repeat(MIB + 1), headers: {h: big}}, {key: big, value: 'v'}]);
		isError(reply, 400, 'validation_error', {field: 'records[1].key'});
		isError(await produce(unique('o'), [{value: 'v'.repeat(MIB + 1), headers: {h: big}}]), 400, 'validation_error', {field: 'records[0].value'});
	});
	conform('§2.2', 'the documented timeout_ms query parameter is ignored', async () => {
		expect((await api('POST', `/topics/${unique('t')}/records?timeout_ms=5`, {json: {records: [{value: 'x'}]}})).status).toBe(200);
	});
});

describe('§2.3 error body', () => {
	conform('§2.3', 'errors are {error, message, details?} with the documented status', async () => {
		const reply = await api('GET', `/topics/${unique('none')}/records`);
		isError(reply, 404, 'topic_not_found');
		expect(Object.keys(reply.json).sort()).toEqual(['details', 'error', 'message']);
	});
});

describe('§2.4 framework errors, as JSON', () => {
	conform('§2.4', 'no Content-Type on a JSON endpoint: 415 unsupported_media_type', async () => {
		isError(await api('POST', `/topics/${unique('t')}/records`, {body: '{"records":[{"value":"x"}]}'}), 415, 'unsupported_media_type');
	});
	conform('§2.4', 'a non-JSON Content-Type: 415', async () => {
		isError(
			await api('POST', `/topics/${unique('t')}/records`, {body: '{"records":[{"value":"x"}]}', headers: {'content-type': 'text/plain'}}),
			415,
			'unsupported_media_type',
		);
	});
	conform('§2.4', 'no body and no Content-Type: 415', async () => {
		isError(await api('POST', `/topics/${unique('t')}/records`), 415, 'unsupported_media_type');
	});
	for (const type of ['application/json; charset=utf-8', 'application/problem+json', 'text/json']) {
		conform('§2.4', `Content-Type ${type} is accepted`, async () => {
			const reply = await api('POST', `/topics/${unique('t')}/records`, {body: '{"records":[{"value":"x"}]}', headers: {'content-type': type}});
			expect(reply.status).toBe(200);
		});
	}
	conform('§2.4', 'malformed JSON: 400 validation_error', async () => {
		isError(await api('POST', `/topics/${unique('t')}/records`, {body: '{"records":', headers: {'content-type': 'application/json'}}), 400, 'validation_error');
	});
	for (const [label, body] of [
		['missing records ({"invalid":"request"})', {invalid: 'request'}],
		['records not an array', {records: 'x'}],
		['missing value', {records: [{}]}],
		['value a number', {records: [{value: 1}]}],
		['value null', {records: [{value: null}]}],
		['value an object', {records: [{value: {a: 1}}]}],
		['a header value not a string', {records: [{value: 'v', headers: {h: 1}}]}],
	] as const) {
		conform('§2.4', `schema mismatch, ${label}: 422 record_validation_error`, async () => {
			isError(await api('POST', `/topics/${unique('t')}/records`, {json: body}), 422, 'record_validation_error');
		});
	}
	conform('§2.4', 'a body over 2 MiB: 413 payload_too_large', async () => {
		const body = JSON.stringify({records: [{value: 'v'.repeat(2 * MIB + 10)}]});
		isError(await api('POST', `/topics/${unique('t')}/records`, {body, headers: {'content-type': 'application/json'}}), 413, 'payload_too_large');
	});
	for (const [query, parameter] of [
		['max_records=abc', 'max_records'],
		['from_offset=-1', 'from_offset'],
		['include_headers=yes', 'include_headers'],
	] as const) {
		conform('§2.4', `a query that does not parse (${query}): 400 invalid_parameter, parameter=${parameter}`, async () => {
			const topic = await topicWith(1);
			isError(await api('GET', `/topics/${topic}/records?${query}`), 400, 'invalid_parameter', {parameter});
		});
	}
	conform('§2.4', 'no route for the path: 404 not_found', async () => {
		isError(await api('GET', `/no/such/${unique('path')}`), 404, 'not_found');
	});
	conform('§2.4', 'the path exists, the method does not: 405 method_not_allowed with Allow', async () => {
		const reply = await api('PUT', '/health');
		isError(reply, 405, 'method_not_allowed');
		expect(reply.headers.get('allow')).toBe('GET, HEAD');
	});
});

describe('§3.1 GET /health', () => {
	conform('§3.1', '200 {status:"healthy", service:"flashq", timestamp: integer Unix seconds}', async () => {
		const reply = await api('GET', '/health');
		expect(reply.status).toBe(200);
		expect(reply.json).toMatchObject({status: 'healthy', service: 'flashq'});
		expect(Number.isInteger(reply.json.timestamp)).toBe(true);
		expect(Math.abs(reply.json.timestamp - Date.now() / 1000)).toBeLessThan(300);
	});
});

describe('§3.2 produce', () => {
	conform('§3.2', 'one offset per record, in request order, contiguous; a new topic starts at 0', async () => {
		const topic = unique('p');
		expect((await produce(topic, values(3))).json.offsets.map((o: {offset: number}) => o.offset)).toEqual([0, 1, 2]);
		expect((await produce(topic, values(2))).json.offsets.map((o: {offset: number}) => o.offset)).toEqual([3, 4]);
	});
	conform('§3.2', 'each entry carries the record\'s stored timestamp (RFC 3339), as read back later', async () => {
		const topic = unique('p');
		const offsets = (await produce(topic, values(2))).json.offsets;
		const records = (await api('GET', `/topics/${topic}/records`)).json.records;
		expect(records.map((r: {timestamp: string}) => r.timestamp)).toEqual(offsets.map((o: {timestamp: string}) => o.timestamp));
		expect(Number.isNaN(Date.parse(offsets[0].timestamp))).toBe(false);
		expect(offsets[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$/);
	});
	conform('§3.2', 'concurrent batches never interleave', async () => {
		const topic = unique('p');
		const replies = await Promise.all(Array.from({length: 8}, (_, i) => produce(topic, values(50, `b${i}-`))));
		const ranges = replies.map((r) => r.json.offsets.map((o: {offset: number}) => o.offset) as number[]);
		for (const range of ranges) expect(range).toEqual(Array.from({length: 50}, (_, i) => range[0]! + i));
		expect(ranges.flat().sort((a, b) => a - b)).toEqual(Array.from({length: 400}, (_, i) => i));
	});
	conform('§1.1', 'unknown fields on a record and on the request are ignored', async () => {
		expect((await api('POST', `/topics/${unique('p')}/records`, {json: {records: [{value: 'x', extra: 1}], extra: true}})).status).toBe(200);
	});
	conform('§1.1', 'empty key is stored as "", empty value and empty header value are allowed, unicode round-trips', async () => {
		const topic = unique('p');
		await produce(topic, [{key: '', value: '', headers: {e: ''}}, {value: 'héllo 日本 🎉'}]);
		const records = (await api('GET', `/topics/${topic}/records`)).json.records;
		expect(records[0]).toMatchObject({key: '', value: '', headers: {e: ''}});
		expect(records[1].value).toBe('héllo 日本 🎉');
	});
});

describe('§1.2 RecordWithOffset', () => {
	conform('§1.2', 'key and headers are null when absent; field order key, value, headers, offset, timestamp', async () => {
		const topic = unique('r');
		await produce(topic, [{value: 'x'}, {value: 'y', key: null, headers: null}]);
		const records = (await api('GET', `/topics/${topic}/records`)).json.records;
		for (const record of records) {
			expect(Object.keys(record)).toEqual(['key', 'value', 'headers', 'offset', 'timestamp']);
			expect(record.key).toBeNull();
			expect(record.headers).toBeNull();
		}
	});
});

describe('§3.3 plain poll', () => {
	conform('§3.3', 'defaults: from 0, headers included; next_offset = last + 1; lag = H - next_offset', async () => {
		const topic = await topicWith(5, {headers: {h: '1'}});
		expect((await api('GET', `/topics/${topic}/records`)).json).toMatchObject({next_offset: 5, high_water_mark: 5, lag: 0});
		const reply = await api('GET', `/topics/${topic}/records?max_records=2`);
		expect(reply.json.records.map((r: {offset: number}) => r.offset)).toEqual([0, 1]);
		expect(reply.json.records[0].headers).toEqual({h: '1'});
		expect(reply.json).toMatchObject({next_offset: 2, high_water_mark: 5, lag: 3});
	});
	conform('§3.3', 'from_offset and include_headers=false', async () => {
		const topic = await topicWith(5, {headers: {h: '1'}});
		const reply = await api('GET', `/topics/${topic}/records?from_offset=3&include_headers=false`);
		expect(reply.json.records.map((r: {offset: number; headers: unknown}) => [r.offset, r.headers])).toEqual([
			[3, null],
			[4, null],
		]);
	});
	conform('§3.3', 'from_offset at H: 200, records [], next_offset = from_offset, lag 0', async () => {
		const topic = await topicWith(3);
		expect((await api('GET', `/topics/${topic}/records?from_offset=3`)).json).toEqual({records: [], next_offset: 3, high_water_mark: 3, lag: 0});
	});
	conform('§3.3', 'from_offset beyond H: records [], lag omitted', async () => {
		const topic = await topicWith(3);
		const json = (await api('GET', `/topics/${topic}/records?from_offset=7`)).json;
		expect(json).toEqual({records: [], next_offset: 7, high_water_mark: 3});
	});
	conform('§3.3', 'max_records 0 and 10001: 400 invalid_parameter; 1 and 10000 are fine', async () => {
		const topic = await topicWith(2);
		isError(await api('GET', `/topics/${topic}/records?max_records=0`), 400, 'invalid_parameter', {parameter: 'max_records'});
		isError(await api('GET', `/topics/${topic}/records?max_records=10001`), 400, 'invalid_parameter', {parameter: 'max_records'});
		expect((await api('GET', `/topics/${topic}/records?max_records=1`)).json.records).toHaveLength(1);
		expect((await api('GET', `/topics/${topic}/records?max_records=10000`)).json.records).toHaveLength(2);
	});
	conform('§3.3', 'an unknown topic: 404 topic_not_found {topic}', async () => {
		const topic = unique('none');
		isError(await api('GET', `/topics/${topic}/records`), 404, 'topic_not_found', {topic});
	});
	conform('§3.3', 'stateless: reads no group offset and moves none', async () => {
		const topic = await topicWith(4);
		const id = await group();
		await api('POST', `/consumer/${id}/topics/${topic}/offset`, {json: {offset: 2}});
		expect((await api('GET', `/topics/${topic}/records`)).json.records[0].offset).toBe(0);
		expect((await api('GET', `/consumer/${id}/topics/${topic}/offset`)).json.committed_offset).toBe(2);
	});
});

describe('§3.4 create group', () => {
	conform('§3.4', '200 {group_id} (not 201); no body or Content-Type needed', async () => {
		const id = unique('g');
		const reply = await api('POST', `/consumer/${id}`);
		expect(reply.status).toBe(200);
		expect(reply.json).toEqual({group_id: id});
	});
	conform('§3.4', 'the body is ignored: the id comes from the path', async () => {
		const id = unique('g');
		const reply = await api('POST', `/consumer/${id}`, {json: {group_id: 'other'}});
		expect(reply.json).toEqual({group_id: id});
	});
	conform('§3.4', 'an existing group: 409 conflict {group_id}', async () => {
		const id = await group();
		isError(await api('POST', `/consumer/${id}`), 409, 'conflict', {group_id: id});
	});
	conform('§3.4', 'an invalid id: 400 invalid_parameter', async () => {
		isError(await api('POST', '/consumer/-bad'), 400, 'invalid_parameter', {parameter: 'group_id'});
	});
});

describe('§3.5 delete group', () => {
	conform('§3.5', '204 with an empty body', async () => {
		const reply = await api('DELETE', `/consumer/${await group()}`);
		expect(reply.status).toBe(204);
		expect(reply.text).toBe('');
	});
	conform('§3.5', 'an unknown group: 404 group_not_found {group_id}', async () => {
		const id = unique('none');
		isError(await api('DELETE', `/consumer/${id}`), 404, 'group_not_found', {group_id: id});
	});
	conform('§3.5', 'an invalid id: 400 invalid_parameter', async () => {
		isError(await api('DELETE', '/consumer/a@b'), 400, 'invalid_parameter', {parameter: 'group_id'});
	});
	conform('§3.5', 'deletion really deletes: created again, it starts at offset 0 for every topic', async () => {
		const topic = await topicWith(3);
		const id = await group();
		await api('POST', `/consumer/${id}/topics/${topic}/offset`, {json: {offset: 3}});
		await api('DELETE', `/consumer/${id}`);
		await api('POST', `/consumer/${id}`);
		expect((await api('GET', `/consumer/${id}/topics/${topic}/offset`)).json).toMatchObject({committed_offset: 0, lag: 3});
	});
});

describe('§3.6 group fetch', () => {
	conform('§3.6', 'from the committed offset; next_offset is the committed offset; lag = H - C', async () => {
		const topic = await topicWith(10);
		const id = await group();
		await api('POST', `/consumer/${id}/topics/${topic}/offset`, {json: {offset: 5}});
		const reply = await api('GET', `/consumer/${id}/topics/${topic}?max_records=3`);
		expect(reply.json.records.map((r: {offset: number}) => r.offset)).toEqual([5, 6, 7]);
		expect(reply.json).toMatchObject({next_offset: 5, high_water_mark: 10, lag: 5});
	});
	conform('§3.6', 'a fetch never advances the committed offset: two fetches are identical', async () => {
		const topic = await topicWith(10);
		const id = await group();
		const first = await api('GET', `/consumer/${id}/topics/${topic}`);
		expect(first.json).toMatchObject({next_offset: 0, high_water_mark: 10});
		expect(first.json.records).toHaveLength(10);
		expect((await api('GET', `/consumer/${id}/topics/${topic}`)).json).toEqual(first.json);
	});
	conform('§3.6', 'from_offset overrides the start; next_offset still the committed offset', async () => {
		const topic = await topicWith(10);
		const id = await group();
		await api('POST', `/consumer/${id}/topics/${topic}/offset`, {json: {offset: 4}});
		const reply = await api('GET', `/consumer/${id}/topics/${topic}?from_offset=1&max_records=2`);
		expect(reply.json.records.map((r: {offset: number}) => r.offset)).toEqual([1, 2]);
		expect(reply.json.next_offset).toBe(4);
	});
	conform('§3.6', 'without max_records, everything from the start (here 1500 records)', async () => {
		const topic = unique('all');
		await produce(topic, values(1000));
		await produce(topic, values(500));
		const id = await group();
		expect((await api('GET', `/consumer/${id}/topics/${topic}`)).json.records).toHaveLength(1500);
	});
	conform('§3.6', 'include_headers=false gives headers null', async () => {
		const topic = await topicWith(2, {headers: {a: 'b'}});
		const id = await group();
		const records = (await api('GET', `/consumer/${id}/topics/${topic}?include_headers=false`)).json.records;
		expect(records.every((r: {headers: unknown}) => r.headers === null)).toBe(true);
	});
	conform('§3.6', 'a start at or beyond H: 200 with records []', async () => {
		const topic = await topicWith(2);
		const id = await group();
		expect((await api('GET', `/consumer/${id}/topics/${topic}?from_offset=9`)).json).toMatchObject({records: [], next_offset: 0, high_water_mark: 2});
	});
	conform('§3.6', 'unknown query parameters are ignored', async () => {
		const topic = await topicWith(2);
		expect((await api('GET', `/consumer/${await group()}/topics/${topic}?whatever=1`)).status).toBe(200);
	});
	conform('§3.6', 'check order: query parse, group id, topic, max_records range, group exists, topic exists', async () => {
		const id = await group();
		isError(await api('GET', '/consumer/a@b/topics/c@d?max_records=x'), 400, 'invalid_parameter', {parameter: 'max_records'});
		isError(await api('GET', '/consumer/a@b/topics/c@d?max_records=0'), 400, 'invalid_parameter', {parameter: 'group_id'});
		isError(await api('GET', `/consumer/${id}/topics/c@d?max_records=0`), 400, 'invalid_parameter', {parameter: 'topic'});
		isError(await api('GET', `/consumer/${unique('none')}/topics/ok?max_records=0`), 400, 'invalid_parameter', {parameter: 'max_records'});
		isError(await api('GET', `/consumer/${unique('none')}/topics/${unique('none')}`), 404, 'group_not_found');
		isError(await api('GET', `/consumer/${id}/topics/${unique('none')}`), 404, 'topic_not_found');
	});
});

describe('§3.7 read committed offset', () => {
	conform('§3.7', '{topic, committed_offset, high_water_mark, lag}; never committed reads 0', async () => {
		const topic = await topicWith(4);
		const id = await group();
		expect((await api('GET', `/consumer/${id}/topics/${topic}/offset`)).json).toEqual({topic, committed_offset: 0, high_water_mark: 4, lag: 4});
	});
	conform('§3.7', 'an unknown topic: 200 with 0/0/0, not 404', async () => {
		const topic = unique('none');
		const reply = await api('GET', `/consumer/${await group()}/topics/${topic}/offset`);
		expect(reply.status).toBe(200);
		expect(reply.json).toMatchObject({topic, committed_offset: 0, high_water_mark: 0, lag: 0});
	});
	conform('§3.7', 'last_commit_time is the real time of the last commit (absent before any)', async () => {
		const topic = await topicWith(2);
		const id = await group();
		expect((await api('GET', `/consumer/${id}/topics/${topic}/offset`)).json.last_commit_time).toBeUndefined();
		const commit = await api('POST', `/consumer/${id}/topics/${topic}/offset`, {json: {offset: 1}});
		// Kept sleep: the clock must move past the commit, by more than a second as the server under
		// test may report whole seconds, for the read's time to differ from the commit's (what is tested).
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const time = (await api('GET', `/consumer/${id}/topics/${topic}/offset`)).json.last_commit_time;
		expect(Date.parse(time)).toBeLessThan(Date.now() - 1000);
		if (commit.json.timestamp !== undefined) expect(Date.parse(time)).toBe(Date.parse(commit.json.timestamp));
	});
	conform('§3.7', 'an unknown group: 404 group_not_found', async () => {
		isError(await api('GET', `/consumer/${unique('none')}/topics/t/offset`), 404, 'group_not_found');
	});
	conform('§3.7', 'bad names: 400 invalid_parameter', async () => {
		isError(await api('GET', '/consumer/a@b/topics/t/offset'), 400, 'invalid_parameter', {parameter: 'group_id'});
		isError(await api('GET', `/consumer/${await group()}/topics/a@b/offset`), 400, 'invalid_parameter', {parameter: 'topic'});
	});
});

describe('§3.8 commit', () => {
	conform('§3.8', '200 {group_id, topic, offset}; metadata ignored', async () => {
		const topic = await topicWith(3);
		const id = await group();
		const reply = await api('POST', `/consumer/${id}/topics/${topic}/offset`, {json: {offset: 2, metadata: 'm'}});
		expect(reply.status).toBe(200);
		expect(reply.json).toMatchObject({group_id: id, topic, offset: 2});
	});
	conform('§3.8', 'committing 0 and exactly H is allowed (lag 0); rewinding is allowed', async () => {
		const topic = await topicWith(3);
		const id = await group();
		const commit = (offset: number) => api('POST', `/consumer/${id}/topics/${topic}/offset`, {json: {offset}});
		expect((await commit(0)).status).toBe(200);
		expect((await commit(3)).status).toBe(200);
		expect((await api('GET', `/consumer/${id}/topics/${topic}/offset`)).json.lag).toBe(0);
		expect((await commit(1)).status).toBe(200);
		expect((await api('GET', `/consumer/${id}/topics/${topic}/offset`)).json.committed_offset).toBe(1);
	});
	conform('§3.8', 'beyond H: 400 invalid_offset {offset, topic, max_offset: H}', async () => {
		const topic = await topicWith(3);
		isError(await api('POST', `/consumer/${await group()}/topics/${topic}/offset`, {json: {offset: 10}}), 400, 'invalid_offset', {
			offset: 10,
			topic,
			max_offset: 3,
		});
	});
	conform('§3.8', 'the group is checked before the topic', async () => {
		isError(await api('POST', `/consumer/${unique('none')}/topics/${unique('none')}/offset`, {json: {offset: 0}}), 404, 'group_not_found');
	});
	conform('§3.8', 'an unknown topic: 404 topic_not_found', async () => {
		const topic = unique('none');
		isError(await api('POST', `/consumer/${await group()}/topics/${topic}/offset`, {json: {offset: 0}}), 404, 'topic_not_found', {topic});
	});
	for (const [label, body] of [
		['offset missing', {}],
		['offset negative', {offset: -1}],
		['offset a string', {offset: '1'}],
		['offset not an integer', {offset: 0.5}],
	] as const) {
		conform('§3.8', `${label}: 422`, async () => {
			isError(await api('POST', `/consumer/${await group()}/topics/t/offset`, {json: body}), 422, 'record_validation_error');
		});
	}
	conform('§3.8', 'body checks come first: 415 and 400 before bad names', async () => {
		isError(await api('POST', '/consumer/a@b/topics/t/offset', {body: '{"offset":0}'}), 415, 'unsupported_media_type');
		isError(await api('POST', '/consumer/a@b/topics/t/offset', {body: '{', headers: {'content-type': 'application/json'}}), 400, 'validation_error');
	});
});
