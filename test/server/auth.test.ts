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
