/** Bearer-token auth against a real server process: on with --token, on with FLASHQ_TOKEN, off by default. */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {client, spawnCli, startServerProcess, type ServerProcess} from './process.js';

describe('auth on (--token)', () => {
	let server: ServerProcess;
	beforeAll(async () => {
		server = await startServerProcess(['--token', 's3cret']);
	});
	afterAll(async () => {
		await server?.stop();
	});

	test('the listening line says a token is required', () => {
		expect(server.stdout()).toMatch(/FlashQ listening on http:\/\/127\.0\.0\.1:\d+ \(storage: memory, data dir: none, token required\)/);
	});

	test('GET /health needs no token', async () => {
		expect((await client(server.url)('GET', '/health')).status).toBe(200);
	});

	test.each([
		['no header', undefined],
		['wrong token', 'Bearer nope'],
		['a prefix of the token', 'Bearer s3cre'],
		['the token with a suffix', 'Bearer s3cret2'],
		['basic scheme', 'Basic czNjcmV0'],
		['bare token', 's3cret'],
	])('%s gets 401 unauthorized in JSON', async (_name, header) => {
		const reply = await client(server.url)('GET', '/topics', {headers: header === undefined ? {} : {authorization: header}});
		expect(reply.status).toBe(401);
		expect(reply.json.error).toBe('unauthorized');
		expect(reply.headers.get('www-authenticate')).toBe('Bearer');
	});

	test('every other route needs it, also unknown routes and other methods (no route discovery)', async () => {
		const anon = client(server.url);
		for (const [method, path] of [
			['POST', '/topics/t/records'],
			['GET', '/metrics'],
			['GET', '/openapi.json'],
			['GET', '/nope'],
			['POST', '/health'],
			['DELETE', '/consumer/g'],
			['PUT', '/topics/t'],
			['DELETE', '/topics/t'],
		] as const) {
			const options = method === 'GET' ? {} : {json: {records: [{value: 'x'}]}};
			expect((await anon(method, path, options)).status, `${method} ${path}`).toBe(401);
		}
	});

	test('the right token works (scheme case-insensitive)', async () => {
		const api = client(server.url, 's3cret');
		expect((await api('POST', '/topics/t/records', {json: {records: [{value: 'x'}]}})).status).toBe(200);
		expect((await client(server.url)('GET', '/topics', {headers: {authorization: 'bearer s3cret'}})).status).toBe(200);
	});
});

describe('auth from FLASHQ_TOKEN', () => {
	test('the env var turns auth on', async () => {
		const server = await startServerProcess([], {FLASHQ_TOKEN: 'envtoken'});
		try {
			expect((await client(server.url)('GET', '/topics')).status).toBe(401);
			expect((await client(server.url, 'envtoken')('GET', '/topics')).status).toBe(200);
		} finally {
			await server.stop();
		}
	});
});

describe('auth off (loopback, no token)', () => {
	test('requests need no header', async () => {
		const server = await startServerProcess();
		try {
			expect((await client(server.url)('GET', '/topics')).status).toBe(200);
		} finally {
			await server.stop();
		}
	});

	test('a non-loopback host with a token listens and requires it', async () => {
		const server = await startServerProcess(['--host', '0.0.0.0', '--token', 'tok']);
		try {
			const url = server.url.replace('0.0.0.0', '127.0.0.1');
			expect((await client(url)('GET', '/topics')).status).toBe(401);
			expect((await client(url, 'tok')('GET', '/topics')).status).toBe(200);
		} finally {
			await server.stop();
		}
	});
});

describe('tokens that are not RFC 6750 bearer tokens', () => {
	test.each([
		['--token', ['--token', 'two words'], {}],
		['--token', ['--token', 'tab\there'], {}],
		['--token', ['--token', 'a=b'], {}],
		['FLASHQ_TOKEN', [], {FLASHQ_TOKEN: 'with "quotes"'}],
	] as const)('%s %j is refused at startup with a usage error', async (source, flags, env) => {
		const {out, exited} = spawnCli(['--headless', '--serve', '0', ...flags], env);
		expect(await exited).toBe(2);
		expect(out.stderr).toContain(`${source} is not a valid bearer token`);
		expect(out.stdout).not.toContain('listening');
	});

	test('b64token characters, with trailing =, are fine', async () => {
		const server = await startServerProcess(['--token', 'aZ09-._~+/x==']);
		try {
			expect((await client(server.url, 'aZ09-._~+/x==')('GET', '/topics')).status).toBe(200);
		} finally {
			await server.stop();
		}
	});
});

describe('read token (--token T --read-token R): a classroom of watchers', () => {
	let server: ServerProcess;
	beforeAll(async () => {
		server = await startServerProcess(['--token', 'teacher', '--read-token', 'students']);
	});
	afterAll(async () => {
		await server?.stop();
	});

	test('R is admitted to every GET (and HEAD) endpoint', async () => {
		const teacher = client(server.url, 'teacher');
		expect((await teacher('POST', '/topics/lesson/records', {json: {records: [{value: 'hello'}]}})).status).toBe(200);
		expect((await teacher('POST', '/consumer/class')).status).toBe(200);
		const student = client(server.url, 'students');
		for (const path of ['/topics', '/topics/lesson/records', '/consumer', '/consumer/class/topics/lesson/offset', '/metrics', '/openapi.json']) {
			expect((await student('GET', path)).status, `GET ${path}`).toBe(200);
		}
		expect((await student('HEAD', '/topics')).status).toBe(200);
		expect((await student('GET', '/topics/lesson/records')).json.records[0].value).toBe('hello');
		// A trusted caller: /health tells the whole story, not only the status.
		expect((await student('GET', '/health')).json.service).toBe('flashq');
	});

	test('R is admitted to GET /stats and to the GET /events stream', async () => {
		const student = client(server.url, 'students');
		expect((await student('GET', '/stats')).json.engine.totals.topics).toBeGreaterThanOrEqual(0);
		const controller = new AbortController();
		const events = await fetch(`${server.url}/events`, {headers: {authorization: 'Bearer students'}, signal: controller.signal});
		try {
			expect(events.status).toBe(200);
			expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
		} finally {
			controller.abort();
		}
		const refused = await fetch(`${server.url}/events`, {headers: {authorization: 'Bearer wrong'}});
		expect(refused.status).toBe(401);
	});

	test('a write with R gets 403 forbidden and changes nothing', async () => {
		const student = client(server.url, 'students');
		const offsetBefore = (await student('GET', '/consumer/class/topics/lesson/offset')).json.committed_offset;
		for (const [method, path, options] of [
			['POST', '/topics/graffiti/records', {json: {records: [{value: 'x'}]}}],
			['POST', '/consumer/rogue', {}],
			['POST', '/consumer/class/topics/lesson/offset', {json: {offset: 1}}],
			['DELETE', '/consumer/class', {}],
			['PUT', '/topics/graffiti', {}],
			['DELETE', '/topics/lesson', {}],
			['POST', '/nope', {}],
		] as const) {
			const reply = await student(method, path, options);
			expect(reply.status, `${method} ${path}`).toBe(403);
			expect(reply.json).toEqual({error: 'forbidden', message: 'this token may only read'});
		}
		const topics = (await client(server.url, 'teacher')('GET', '/topics')).json.topics.map((t: {name: string}) => t.name);
		expect(topics).not.toContain('graffiti');
		const groups = (await client(server.url, 'teacher')('GET', '/consumer')).json.groups.map((g: {group_id: string}) => g.group_id);
		expect(groups).toContain('class');
		expect(groups).not.toContain('rogue');
		expect(topics).toContain('lesson');
		expect((await student('GET', '/consumer/class/topics/lesson/offset')).json.committed_offset).toBe(offsetBefore);
		// Reading by time is a read.
		expect((await student('GET', '/topics/lesson/offsets?time=0')).status).toBe(200);
	});

	test('a wrong or missing token gets 401 on reads and writes; /health without one says only its status', async () => {
		for (const token of ['student', 'teacher2', undefined]) {
			const api = client(server.url, token);
			expect((await api('GET', '/topics')).status, `GET with ${token}`).toBe(401);
			expect((await api('POST', '/topics/t/records', {json: {records: [{value: 'x'}]}})).status, `POST with ${token}`).toBe(401);
		}
		expect((await client(server.url)('GET', '/health')).json).toEqual({status: 'healthy'});
	});

	test('/openapi.json declares 403 on every write, not on reads', async () => {
		const doc = (await client(server.url, 'students')('GET', '/openapi.json')).json;
		const operations = Object.entries(doc.paths as Record<string, Record<string, {responses: Record<string, unknown>}>>).flatMap(([path, item]) =>
			Object.entries(item)
				.filter(([method]) => method !== 'parameters')
				.map(([method, op]) => ({name: `${method} ${path}`, write: method === 'post' || method === 'put' || method === 'delete', has403: '403' in op.responses})),
		);
		expect(operations.filter((op) => op.write).length).toBeGreaterThanOrEqual(4);
		for (const op of operations) expect(op.has403, op.name).toBe(op.write);
		expect(doc.paths['/topics/{topic}/records'].get.responses['401']).toBeDefined();
	});
});

describe('read token from FLASHQ_READ_TOKEN, and read tokens off loopback', () => {
	test('the env var admits reads and refuses writes', async () => {
		const server = await startServerProcess([], {FLASHQ_READ_TOKEN: 'envread'});
		try {
			expect(server.stdout()).toContain('token required');
			expect((await client(server.url)('GET', '/topics')).status).toBe(401);
			expect((await client(server.url, 'envread')('GET', '/topics')).status).toBe(200);
			expect((await client(server.url, 'envread')('POST', '/consumer/g')).status).toBe(403);
		} finally {
			await server.stop();
		}
	});

	test('a non-loopback host without any token is refused at startup', async () => {
		const {out, exited} = spawnCli(['--headless', '--serve', '0', '--host', '0.0.0.0']);
		expect(await exited).toBe(2);
		expect(out.stderr).toMatch(/--host 0\.0\.0\.0 is not a loopback address: it needs --token TOKEN .* or --read-token TOKEN/);
		expect(out.stdout).not.toContain('listening');
	});

	test('the README\'s teacher: a non-loopback host with both tokens; R reads, T writes', async () => {
		const server = await startServerProcess(['--host', '0.0.0.0', '--token', 'T', '--read-token', 'R']);
		try {
			const url = server.url.replace('0.0.0.0', '127.0.0.1');
			expect((await client(url, 'R')('GET', '/stats')).status).toBe(200);
			expect((await client(url, 'R')('POST', '/topics/t/records', {json: {records: [{value: 'x'}]}})).status).toBe(403);
			expect((await client(url, 'T')('POST', '/topics/t/records', {json: {records: [{value: 'x'}]}})).status).toBe(200);
		} finally {
			await server.stop();
		}
	});

	test('a non-loopback host with only a read token listens, reads with it, writes with nothing', async () => {
		const server = await startServerProcess(['--host', '0.0.0.0', '--read-token', 'watch']);
		try {
			const url = server.url.replace('0.0.0.0', '127.0.0.1');
			expect((await client(url)('GET', '/topics')).status).toBe(401);
			expect((await client(url, 'watch')('GET', '/topics')).status).toBe(200);
			expect((await client(url, 'watch')('POST', '/consumer/g')).status).toBe(403);
		} finally {
			await server.stop();
		}
	});

	test.each([
		['--read-token', ['--read-token', 'two words'], {}],
		['--read-token', ['--read-token', 'a=b'], {}],
		['FLASHQ_READ_TOKEN', [], {FLASHQ_READ_TOKEN: 'with "quotes"'}],
	] as const)('%s %j that is no bearer token is refused at startup', async (source, flags, env) => {
		const {out, exited} = spawnCli(['--headless', '--serve', '0', ...flags], env);
		expect(await exited).toBe(2);
		expect(out.stderr).toContain(`${source} is not a valid bearer token`);
		expect(out.stdout).not.toContain('listening');
	});

	test('a read token equal to the token is refused at startup', async () => {
		const {out, exited} = spawnCli(['--headless', '--serve', '0', '--token', 'same', '--read-token', 'same']);
		expect(await exited).toBe(2);
		expect(out.stderr).toContain('--read-token must differ from --token');
	});
});
