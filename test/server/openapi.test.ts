/**
 * GET /openapi.json stays true: the router's routes and the document's operations are the same
 * set, and every documented response (each status of each operation) is produced by a live
 * request whose body fits the documented schema.
 */
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import {EventStream} from '../../source/server/event-stream.js';
import {apiRoutes} from '../../source/server/routes.js';
import {startServer} from '../../source/server/server.js';
import type {ServerHandle} from '../../source/server/types.js';
import {LOCK_NAME} from '../../source/storage/lock.js';
import {tempDir} from '../helpers/backends.js';
import {responseValidator} from './openapi-validator.js';
import {client, type Reply} from './process.js';

type Schema = Record<string, unknown>;
type Doc = {paths: Record<string, Record<string, {parameters?: Array<{name: string; in: string}>; responses: Record<string, {content?: Record<string, {schema: Schema}>}>}>>} & Schema;

let queue: FlashQ;
let server: ServerHandle;
let doc: Doc;
let api: ReturnType<typeof client>;

beforeAll(async () => {
	queue = await FlashQ.open({storage: 'memory'});
	server = await startServer({queue, port: 0});
	api = client(server.url);
	doc = (await api('GET', '/openapi.json')).json as Doc;
});
afterAll(async () => {
	await server.close();
	await queue.close();
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

function documentedOperations(): string[] {
	return Object.entries(doc.paths).flatMap(([pattern, item]) =>
		Object.keys(item)
			.filter((k) => METHODS.includes(k))
			.map((m) => `${m.toUpperCase()} ${pattern}`),
	);
}

/** A small JSON-schema check: the subset the document uses ($ref, type, required, properties, items, additionalProperties, enum-free). */
function check(value: unknown, schema: Schema, at: string, errors: string[]): void {
	if (typeof schema['$ref'] === 'string') {
		const target = (schema['$ref'] as string)
			.slice(2)
			.split('/')
			.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc);
		check(value, target as Schema, at, errors);
		return;
	}
	const types = schema['type'] === undefined ? [] : ([] as string[]).concat(schema['type'] as string | string[]);
	const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
	if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
		errors.push(`${at}: ${actual} is not ${types.join('|')}`);
		return;
	}
	if (actual === 'object') {
		const object = value as Record<string, unknown>;
		for (const key of (schema['required'] as string[] | undefined) ?? []) if (!(key in object)) errors.push(`${at}.${key} missing`);
		const properties = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
		for (const [key, child] of Object.entries(object)) {
			if (properties[key]) check(child, properties[key], `${at}.${key}`, errors);
			else if (typeof schema['additionalProperties'] === 'object') check(child, schema['additionalProperties'] as Schema, `${at}.${key}`, errors);
			else if (schema['properties'] !== undefined && schema['additionalProperties'] === undefined) {
				// Documented objects list all their fields; an undocumented one means the doc drifted.
				errors.push(`${at}.${key} is not documented`);
			}
		}
	}
	if (actual === 'array' && schema['items']) (value as unknown[]).forEach((item, i) => check(item, schema['items'] as Schema, `${at}[${i}]`, errors));
}

const T = 'docs-topic';
const G = 'docs-group';
const post = (path: string, json: unknown) => api('POST', path, {json});

/** One live request per documented (operation, status). */
const scenarios: Record<string, () => Promise<Reply>> = {
	'GET /health 200': () => api('GET', '/health'),
	'GET /health 503': async () => {
		// A file queue whose directory lock another host's process has taken.
		const {dir, cleanup} = await tempDir('flashq-openapi-');
		const lost = await FlashQ.open({storage: 'file', dataDir: dir, staleLockMs: 2000});
		const other = await startServer({queue: lost, port: 0});
		try {
			writeFileSync(path.join(dir, LOCK_NAME), JSON.stringify({pid: 1, host: 'elsewhere', startTime: null, bootId: null, pidNs: null, nonce: 'other', acquiredAt: 0}));
			// The holder's refresh (every staleLockMs / 3) finds it; bounded, not timed.
			for (let i = 0; ; i++) {
				const reply = await client(other.url)('GET', '/health');
				if (reply.status !== 200 || i >= 400) return reply;
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
		} finally {
			await other.close();
			await lost.close();
			await cleanup();
		}
	},
	'GET /topics 200': () => api('GET', '/topics'),
	'POST /topics/{topic}/records 200': () => post(`/topics/${T}/records`, {records: [{value: 'v', key: 'k', headers: {h: 'x'}}]}),
	'POST /topics/{topic}/records 400': () => post(`/topics/${T}/records`, {records: []}),
	'POST /topics/{topic}/records 409': async () => {
		const limited = await FlashQ.open({storage: 'memory', maxTopics: 1});
		const limitedServer = await startServer({queue: limited, port: 0});
		try {
			const limitedApi = client(limitedServer.url);
			await limitedApi('POST', '/topics/first/records', {json: {records: [{value: 'v'}]}});
			return await limitedApi('POST', '/topics/second/records', {json: {records: [{value: 'v'}]}});
		} finally {
			await limitedServer.close();
			await limited.close();
		}
	},
	'POST /topics/{topic}/records 413': () =>
		api('POST', `/topics/${T}/records`, {body: 'x'.repeat(2 * 1024 * 1024 + 1), headers: {'content-type': 'application/json'}}),
	'POST /topics/{topic}/records 415': () => api('POST', `/topics/${T}/records`, {body: '{}', headers: {'content-type': 'text/plain'}}),
	'POST /topics/{topic}/records 422': () => post(`/topics/${T}/records`, {records: [{value: 1}]}),
	'PUT /topics/{topic} 201': () => api('PUT', '/topics/docs-new'),
	'PUT /topics/{topic} 200': async () => {
		await api('PUT', '/topics/docs-twice');
		return api('PUT', '/topics/docs-twice');
	},
	'PUT /topics/{topic} 400': () => api('PUT', '/topics/bad@t'),
	'PUT /topics/{topic} 409': async () => {
		const limited = await FlashQ.open({storage: 'memory', maxTopics: 1});
		const limitedServer = await startServer({queue: limited, port: 0});
		try {
			await client(limitedServer.url)('PUT', '/topics/first');
			return await client(limitedServer.url)('PUT', '/topics/second');
		} finally {
			await limitedServer.close();
			await limited.close();
		}
	},
	'DELETE /topics/{topic} 200': async () => {
		await post('/topics/docs-deleted/records', {records: [{value: 'v'}]});
		await api('POST', '/consumer/docs-deleter');
		await post('/consumer/docs-deleter/topics/docs-deleted/offset', {offset: 1});
		return api('DELETE', '/topics/docs-deleted');
	},
	'DELETE /topics/{topic} 400': () => api('DELETE', '/topics/bad@t'),
	'DELETE /topics/{topic} 404': () => api('DELETE', '/topics/docs-missing'),
	'GET /topics/{topic}/offsets 200': () => api('GET', `/topics/${T}/offsets?time=0`),
	'GET /topics/{topic}/offsets 400': () => api('GET', `/topics/${T}/offsets?time=yesterday`),
	'GET /topics/{topic}/offsets 404': () => api('GET', '/topics/docs-missing/offsets?time=0'),
	'GET /topics/{topic}/records 200': () => api('GET', `/topics/${T}/records`),
	'GET /topics/{topic}/records 400': () => api('GET', `/topics/${T}/records?max_records=0`),
	'GET /topics/{topic}/records 404': () => api('GET', '/topics/docs-missing/records'),
	'GET /consumer 200': () => api('GET', '/consumer'),
	'POST /consumer/{group_id} 200': () => api('POST', `/consumer/${G}`),
	'POST /consumer/{group_id} 400': () => api('POST', '/consumer/bad@id'),
	'POST /consumer/{group_id} 409': () => api('POST', `/consumer/${G}`),
	'DELETE /consumer/{group_id} 204': async () => {
		await api('POST', '/consumer/docs-temp');
		return api('DELETE', '/consumer/docs-temp');
	},
	'DELETE /consumer/{group_id} 400': () => api('DELETE', '/consumer/bad@id'),
	'DELETE /consumer/{group_id} 404': () => api('DELETE', '/consumer/docs-missing'),
	'GET /consumer/{group_id}/topics/{topic} 200': () => api('GET', `/consumer/${G}/topics/${T}`),
	'GET /consumer/{group_id}/topics/{topic} 400': () => api('GET', `/consumer/${G}/topics/${T}?include_headers=maybe`),
	'GET /consumer/{group_id}/topics/{topic} 404': () => api('GET', `/consumer/docs-missing/topics/${T}`),
	'GET /consumer/{group_id}/topics/{topic}/offset 200': () => api('GET', `/consumer/${G}/topics/${T}/offset`),
	'GET /consumer/{group_id}/topics/{topic}/offset 400': () => api('GET', `/consumer/${G}/topics/bad@t/offset`),
	'GET /consumer/{group_id}/topics/{topic}/offset 404': () => api('GET', `/consumer/docs-missing/topics/${T}/offset`),
	'POST /consumer/{group_id}/topics/{topic}/offset 200': () => post(`/consumer/${G}/topics/${T}/offset`, {offset: 1}),
	'POST /consumer/{group_id}/topics/{topic}/offset 400': () => post(`/consumer/${G}/topics/${T}/offset`, {offset: 99}),
	'POST /consumer/{group_id}/topics/{topic}/offset 404': () => post(`/consumer/docs-missing/topics/${T}/offset`, {offset: 0}),
	'POST /consumer/{group_id}/topics/{topic}/offset 413': () =>
		api('POST', `/consumer/${G}/topics/${T}/offset`, {body: ' '.repeat(2 * 1024 * 1024 + 1), headers: {'content-type': 'application/json'}}),
	'POST /consumer/{group_id}/topics/{topic}/offset 415': () => api('POST', `/consumer/${G}/topics/${T}/offset`, {body: '{"offset":0}'}),
	'POST /consumer/{group_id}/topics/{topic}/offset 422': () => post(`/consumer/${G}/topics/${T}/offset`, {offset: 'x'}),
	'GET /topics/{topic}/records/{offset}/frame 200': async () => {
		// Frames exist on file storage only.
		const {dir, cleanup} = await tempDir('flashq-openapi-frame-');
		const files = await FlashQ.open({storage: 'file', dataDir: dir});
		const fileServer = await startServer({queue: files, port: 0});
		try {
			await client(fileServer.url)('POST', `/topics/${T}/records`, {json: {records: [{value: 'framed'}]}});
			return await client(fileServer.url)('GET', `/topics/${T}/records/0/frame`);
		} finally {
			await fileServer.close();
			await files.close();
			await cleanup();
		}
	},
	'GET /topics/{topic}/records/{offset}/frame 400': () => api('GET', `/topics/${T}/records/minus-one/frame`),
	'GET /topics/{topic}/records/{offset}/frame 404': () => api('GET', `/topics/${T}/records/0/frame`),
	'GET /stats 200': () => api('GET', '/stats'),
	'GET /events 200': async () => {
		// An endless stream: its status and type are what can be checked; then it is dropped.
		const controller = new AbortController();
		const response = await fetch(`${server.url}/events`, {signal: controller.signal});
		controller.abort();
		return {status: response.status, headers: response.headers, text: '', json: undefined};
	},
	'GET /metrics 200': () => api('GET', '/metrics'),
	'GET /openapi.json 200': () => api('GET', '/openapi.json'),
};

describe('OpenAPI document', () => {
	test('documents exactly the routes the router serves', async () => {
		const routes = apiRoutes({
			queue,
			version: '0',
			metrics: async () => ({text: '', contentType: ''}),
			openapi: () => ({}),
			server: () => ({requests: 0, errors: 0, inFlight: 0, url: ''}),
			events: new EventStream([]),
		});
		expect(documentedOperations().sort()).toEqual(routes.map((r) => `${r.method} ${r.pattern}`).sort());
	});

	test('path parameters match each template', () => {
		for (const [pattern, item] of Object.entries(doc.paths)) {
			const inPattern = [...pattern.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
			const documented = ((item['parameters'] as unknown as Array<{name: string; in: string}> | undefined) ?? [])
				.filter((p) => p.in === 'path')
				.map((p) => p.name)
				.sort();
			expect(documented, pattern).toEqual(inPattern);
		}
	});

	test('every documented response has a live scenario, and no scenario is undocumented', () => {
		const documented = Object.entries(doc.paths).flatMap(([pattern, item]) =>
			Object.entries(item)
				.filter(([m]) => METHODS.includes(m))
				.flatMap(([m, op]) => Object.keys(op.responses).map((status) => `${m.toUpperCase()} ${pattern} ${status}`)),
		);
		expect(Object.keys(scenarios).sort()).toEqual(documented.sort());
	});

	test('each scenario answers its documented status with a body that fits the schema', async () => {
		for (const [key, request] of Object.entries(scenarios)) {
			const [method, pattern, status] = key.split(' ') as [string, string, string];
			const reply = await request();
			expect(reply.status, key).toBe(Number(status));
			const response = doc.paths[pattern]![method.toLowerCase()]!.responses[status]!;
			if (!response.content) {
				expect(reply.text, key).toBe('');
				continue;
			}
			const [type, {schema}] = Object.entries(response.content)[0]!;
			expect(reply.headers.get('content-type'), key).toContain(type);
			if (type === 'application/json') {
				const errors: string[] = [];
				check(reply.json, schema, '$', errors);
				expect(errors, key).toEqual([]);
			}
		}
	});
});

describe('OpenAPI response validation (the validator the conformance suite replays through)', () => {
	test('it catches drift: an undocumented status, a body off its schema, a wrong content type', async () => {
		const validator = await responseValidator(doc);
		const reply = (status: number, json: unknown, type = 'application/json'): Reply => ({
			status,
			headers: new Headers({'content-type': type}),
			text: JSON.stringify(json),
			json,
		});
		expect(validator.check('GET', '/topics', reply(200, {topics: []}))).toEqual([]);
		expect(validator.check('GET', '/topics', reply(401, {error: 'unauthorized', message: 'm'})).join()).toMatch(/status 401 is not documented/);
		expect(validator.check('GET', '/topics', reply(200, {topics: 'none'})).join()).toMatch(/body\/topics must be array/);
		expect(validator.check('GET', '/topics', reply(200, {topics: []}, 'text/plain')).join()).toMatch(/content-type/);
		// No operation: the document promises nothing about unknown routes.
		expect(validator.check('GET', '/nope', reply(404, {}))).toEqual([]);
	});

	test('without a token the document declares no security and no 401', () => {
		expect(doc['security']).toBeUndefined();
		expect(JSON.stringify(doc.paths)).not.toContain('"401"');
	});

	test('with a token: every operation but GET /health documents its 401, and each live 401 fits it', async () => {
		const secured = await startServer({queue, port: 0, token: 'docs-token'});
		try {
			const anonymous = client(secured.url);
			const securedDoc = (await client(secured.url, 'docs-token')('GET', '/openapi.json')).json as Doc;
			expect(securedDoc['security']).toEqual([{bearer: []}]);
			const validator = await responseValidator(securedDoc);
			for (const operation of documentedOperations()) {
				const [method, pattern] = operation.split(' ') as [string, string];
				const path = pattern.replace('{topic}', T).replace('{group_id}', G);
				const reply = await anonymous(method, path, method === 'POST' ? {json: {records: [{value: 'v'}]}} : {});
				expect(validator.check(method, path, reply), operation).toEqual([]);
				if (pattern === '/health') {
					expect(reply.status).toBe(200);
					expect(reply.json).toEqual({status: 'healthy'});
					expect(securedDoc.paths[pattern]!['get']!['security' as never]).toEqual([{}, {bearer: []}]);
				} else {
					expect(reply.status, operation).toBe(401);
				}
			}
		} finally {
			await secured.close();
		}
	});
});
