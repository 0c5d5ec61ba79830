import http from 'node:http';
import {afterEach, describe, expect, it, vi} from 'vitest';
import type {FlashQEvent} from '../../source/core/events.js';
import {FlashQ} from '../../source/engine/flashq.js';
import {startServer} from '../../source/server/server.js';
import type {RequestEvent, ServerHandle} from '../../source/server/types.js';
import {tempDir} from '../helpers/backends.js';
import {client} from './process.js';

/** Issue 13: the TUI's stats surface over HTTP (GET /stats, GET /events, peek, the frame endpoint). */
describe('live endpoints: /stats, /events, peek and frames', () => {
	let queue: FlashQ;
	let server: ServerHandle;
	let cleanup = async () => undefined as unknown;

	const open = async (storage: 'memory' | 'file') => {
		if (storage === 'file') {
			const dir = await tempDir('flashq-live-');
			cleanup = dir.cleanup;
			queue = await FlashQ.open({storage: 'file', dataDir: dir.dir, sync: 'never', cacheSize: 5});
		} else {
			queue = await FlashQ.open({storage: 'memory'});
		}
		server = await startServer({queue, port: 0});
		return client(server.url);
	};

	afterEach(async () => {
		await server.close();
		await queue.close();
		await cleanup();
		cleanup = async () => undefined;
	});

	/** Reads GET /events; `frames()` parses what arrived so far. */
	const watch = (lastEventId?: string) => {
		let body = '';
		let status = 0;
		const req = http.get(`${server.url}/events`, {headers: lastEventId ? {'last-event-id': lastEventId} : {}}, (res) => {
			status = res.statusCode ?? 0;
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (body += chunk));
		});
		req.on('error', () => undefined);
		const frames = () =>
			body
				.split('\n\n')
				.map((block) => Object.fromEntries(block.split('\n').flatMap((line) => (/^(id|event|data): /.test(line) ? [[line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]] : []))))
				.filter((f) => f['event'] !== undefined) as Array<{id: string; event: string; data: string}>;
		return {status: () => status, frames, close: () => req.destroy()};
	};

	it('GET /stats is the engine surface the panes read, as JSON', async () => {
		const api = await open('file');
		await queue.post('orders', [{key: 'k', value: 'v'}, {value: 'w'}]);
		await queue.createGroup('billing');
		await queue.commitOffset('billing', 'orders', 1);
		const reply = await api('GET', '/stats');
		expect(reply.status).toBe(200);
		const body = reply.json as {engine: ReturnType<FlashQ['stats']>; groups: ReturnType<FlashQ['groups']>; server: {url: string; requests: number}; events: {lastEventId: string}};
		expect(body.groups).toEqual(queue.groups());
		const topic = body.engine.topics.find((t) => t.name === 'orders')!;
		expect(topic).toMatchObject({highWaterMark: 2, records: 2, appends: 1});
		expect(topic.storage).toEqual(queue.stats().topics.find((t) => t.name === 'orders')!.storage);
		expect(body.engine.storage).toMatchObject({kind: 'file', sync: 'never', locked: true});
		expect(body.server.url).toBe(server.url);
		expect(body.events.lastEventId).toMatch(/^[0-9a-f]+-\d+$/);
	});

	it('peek=true answers as the poll does and changes no figure; a bad value is 400', async () => {
		const api = await open('file');
		await queue.post('t', Array.from({length: 20}, (_, i) => ({value: `v${i}`})));
		const before = JSON.stringify(queue.stats().topics);
		const peeked = await api('GET', '/topics/t/records?from_offset=2&max_records=10&peek=true');
		expect(peeked.status).toBe(200);
		expect(JSON.stringify(queue.stats().topics)).toBe(before);
		const polled = await api('GET', '/topics/t/records?from_offset=2&max_records=10');
		expect(peeked.json).toEqual(polled.json);
		expect(JSON.stringify(queue.stats().topics)).not.toBe(before);
		const bad = await api('GET', '/topics/t/records?peek=yes');
		expect(bad.status).toBe(400);
		expect(bad.json).toMatchObject({error: 'invalid_parameter'});
	});

	it('GET /topics/{topic}/records/{offset}/frame gives the frame the engine locates; 404s say why', async () => {
		const api = await open('file');
		await queue.post('t', [{key: 'a', value: 'first'}, {value: 'second'}]);
		await queue.post('t', [{value: 'third'}]);
		const reply = await api('GET', '/topics/t/records/2/frame');
		expect(reply.status).toBe(200);
		const frame = reply.json as {source: string; file: string; position: number; bytes: string; written: boolean; index_entry: unknown};
		const located = (await queue.locateRecord('t', 2))!;
		expect(Buffer.from(frame.bytes, 'base64').equals(located.bytes)).toBe(true);
		expect(frame).toMatchObject({source: located.source, file: located.file, position: located.position, written: located.written, index_entry: located.indexEntry});
		expect((await api('GET', '/topics/t/records/3/frame')).json).toMatchObject({error: 'record_not_found'});
		expect((await api('GET', '/topics/nope/records/0/frame')).json).toMatchObject({error: 'topic_not_found'});
		expect((await api('GET', '/topics/t/records/-1/frame')).status).toBe(400);
	});

	it('memory storage keeps no frames: 404 frame_not_available', async () => {
		const api = await open('memory');
		await queue.post('t', [{value: 'x'}]);
		const reply = await api('GET', '/topics/t/records/0/frame');
		expect(reply.status).toBe(404);
		expect(reply.json).toMatchObject({error: 'frame_not_available'});
	});

	it('GET /events streams engine events and requests from the /stats position; leaving unsubscribes the engine', async () => {
		const api = await open('memory');
		const {lastEventId} = ((await api('GET', '/stats')).json as {events: {lastEventId: string}}).events;
		const w = watch(lastEventId);
		await vi.waitFor(() => expect(w.status()).toBe(200));
		expect(queue.events.active).toBe(true);
		await api('POST', '/topics/live/records', {json: {records: [{value: 'a'}, {value: 'b'}]}});
		await vi.waitFor(() => {
			const engine = w.frames().filter((f) => f.event === 'engine').flatMap((f) => JSON.parse(f.data) as FlashQEvent[]);
			expect(engine).toContainEqual(expect.objectContaining({type: 'append', topic: 'live', baseOffset: 0, count: 2}));
			const requests = w.frames().filter((f) => f.event === 'requests').flatMap((f) => JSON.parse(f.data) as RequestEvent[]);
			expect(requests).toContainEqual(expect.objectContaining({method: 'POST', path: '/topics/live/records', status: 200}));
		});
		// Ids grow with the events they carry.
		const seqs = w.frames().flatMap((f) => (f.id ? [Number(f.id.split('-')[1])] : []));
		expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
		w.close();
		await vi.waitFor(() => expect(queue.events.active).toBe(false));
	});

	it('HEAD /events answers the stream\'s headers and ends', async () => {
		await open('memory');
		const response = await fetch(`${server.url}/events`, {method: 'HEAD'});
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
		expect(await response.text()).toBe('');
	});

	it('closing the server ends open event streams (close does not wait for its grace period)', async () => {
		await open('memory');
		await server.close();
		// A grace period longer than the test's timeout: close() returns only if it ends the stream itself.
		server = await startServer({queue, port: 0, closeGraceMs: 600_000});
		const w = watch();
		await vi.waitFor(() => expect(w.status()).toBe(200));
		await server.close();
		w.close();
	});
});
