/**
 * startServer() in this process, for what a child process cannot show cheaply: request events,
 * stats, unknown errors becoming 500, slow headers, and close() finishing in-flight requests.
 */
import net from 'node:net';
import {afterEach, describe, expect, test} from 'vitest';
import {FlashQError} from '../../source/engine/errors.js';
import {FlashQ} from '../../source/engine/flashq.js';
import {startServer} from '../../source/server/server.js';
import type {RequestEvent, ServerHandle} from '../../source/server/types.js';
import {waitFor} from '../helpers/wait-for.js';
import {client} from './process.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

async function setup(extra: Partial<Parameters<typeof startServer>[0]> = {}) {
	const queue = await FlashQ.open({storage: 'memory'});
	const logged: string[] = [];
	const server = await startServer({queue, port: 0, logger: {error: (message) => logged.push(message)}, ...extra});
	cleanups.push(async () => {
		await server.close();
		await queue.close();
	});
	return {queue, server, logged, api: client(server.url)};
}

describe('startServer', () => {
	test('port 0 gives a real port and url', async () => {
		const {server} = await setup();
		expect(server.port).toBeGreaterThan(0);
		expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
		expect(server.host).toBe('127.0.0.1');
		expect(server.auth).toBe(false);
	});

	test('reports each finished request on events (only while someone listens) and counts stats', async () => {
		const {server, api} = await setup();
		expect(server.events.active).toBe(false);
		const seen: RequestEvent[] = [];
		const unsubscribe = server.events.subscribe((batch) => seen.push(...batch));
		await api('POST', '/topics/t/records', {json: {records: [{value: 'x'}]}});
		await api('GET', '/nope');
		// Events arrive in batches on a timer.
		await waitFor(() => seen.length >= 2, 10_000, 'two request events');
		unsubscribe();
		expect(seen.map((e) => [e.method, e.path, e.status])).toEqual([
			['POST', '/topics/t/records', 200],
			['GET', '/nope', 404],
		]);
		expect(seen.every((e) => e.type === 'request' && e.latencyMs >= 0 && e.at > 0)).toBe(true);
		expect(server.stats()).toMatchObject({requests: 2, errors: 1, inFlight: 0, serverErrors: 0});
	});

	test('an unknown error becomes 500 internal_error, is logged, and the server keeps serving', async () => {
		const {queue, api, logged, server} = await setup();
		queue.topics = () => {
			throw new TypeError('boom');
		};
		const reply = await api('GET', '/topics');
		expect(reply.status).toBe(500);
		expect(reply.json).toEqual({error: 'internal_error', message: 'internal server error'});
		expect(logged).toEqual(['GET /topics failed unexpectedly']);
		expect((await api('GET', '/health')).status).toBe(200);
		expect(server.stats().serverErrors).toBe(1);
	});

	test('a storage failure is 500 internal_error with the engine message, logged', async () => {
		const {queue, api, logged} = await setup();
		await api('POST', '/topics/t/records', {json: {records: [{value: 'x'}]}});
		queue.poll = () => Promise.reject(new FlashQError('internal_error', 'Storage error: disk on fire'));
		const reply = await api('GET', '/topics/t/records');
		expect(reply.status).toBe(500);
		expect(reply.json).toEqual({error: 'internal_error', message: 'Storage error: disk on fire'});
		expect(logged[0]).toContain('disk on fire');
	});

	test('slow headers get 408 in JSON', async () => {
		const {server} = await setup({headersTimeoutMs: 300});
		const response = await new Promise<string>((resolve, reject) => {
			const socket = net.connect(server.port, '127.0.0.1');
			let data = '';
			socket.setEncoding('utf8');
			socket.on('data', (d) => (data += d));
			socket.on('close', () => resolve(data));
			socket.on('error', reject);
			socket.write('GET /health HTTP/1.1\r\nHost: x\r\n'); // never finishes the headers
		});
		expect(response).toMatch(/^HTTP\/1\.1 408/);
		expect(response).toContain('"error":"request_timeout"');
	});

	test('close() finishes in-flight requests, then stops accepting', async () => {
		const {queue, server, api} = await setup();
		const post = queue.post.bind(queue);
		// The post waits until close() has begun: in flight for as long as the test needs, on any machine.
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		queue.post = async (topic, records) => {
			await gate;
			return post(topic, records);
		};
		const inFlight = api('POST', '/topics/t/records', {json: {records: [{value: 'x'}]}});
		// Wait until the server has the request (a fixed sleep lost that race on a loaded machine).
		await waitFor(() => server.stats().inFlight > 0, 10_000, 'the request in flight');
		expect(server.stats().inFlight).toBe(1);
		const closed = server.close();
		release();
		const reply = await inFlight;
		expect(reply.status).toBe(200);
		expect(reply.headers.get('connection')).toBe('close');
		await closed;
		await expect(api('GET', '/health')).rejects.toThrow();
	});

	test('a client that disconnects mid-body is still counted and leaves nothing in flight', async () => {
		const {server, api} = await setup();
		const socket = net.connect(server.port, '127.0.0.1');
		await new Promise((resolve) => socket.once('connect', resolve));
		socket.write('POST /topics/t/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"rec');
		await waitFor(() => server.stats().inFlight > 0, 10_000, 'the request in flight');
		expect(server.stats().inFlight).toBe(1);
		socket.destroy();
		await waitFor(() => server.stats().requests > 0, 10_000, 'the request counted');
		expect(server.stats()).toMatchObject({inFlight: 0, requests: 1, errors: 1});
		expect((await api('GET', '/health')).status).toBe(200);
	});

	test('listening on a port in use rejects with EADDRINUSE', async () => {
		const {server, queue} = await setup();
		await expect(startServer({queue, port: server.port})).rejects.toMatchObject({code: 'EADDRINUSE'});
	});
});

describe('ServerHandle shape for the TUI', () => {
	test('has the contract fields', async () => {
		const {server} = await setup({token: 't'});
		const handle: ServerHandle = server;
		expect(handle.auth).toBe(true);
		expect(typeof handle.close).toBe('function');
		expect(handle.stats()).toEqual({requests: 0, errors: 0, inFlight: 0, serverErrors: 0});
	});
});
