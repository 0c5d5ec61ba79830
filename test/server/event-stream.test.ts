import http from 'node:http';
import net from 'node:net';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {EventHub} from '../../source/core/event-hub.js';
import {EventStream, type EventStreamOptions} from '../../source/server/event-stream.js';

interface Frame {
	id?: string;
	event?: string;
	data?: string;
}

/** Parses SSE text into frames (comments and retry lines skipped). */
function frames(text: string): Frame[] {
	return text
		.split('\n\n')
		.filter((block) => block.trim() !== '')
		.map((block) => {
			const frame: Frame = {};
			for (const line of block.split('\n')) {
				const colon = line.indexOf(':');
				if (colon <= 0) continue;
				const field = line.slice(0, colon);
				const value = line.slice(colon + 1).replace(/^ /, '');
				if (field === 'id' || field === 'event' || field === 'data') frame[field] = value;
			}
			return frame;
		})
		.filter((f) => f.event !== undefined);
}

describe('GET /events fan-out (EventStream)', () => {
	let server: http.Server | null = null;
	let stream: EventStream | null = null;
	const hub = () => new EventHub<{n: number; pad?: string}>({flushIntervalMs: 5});
	let engine = hub();

	const start = async (options: EventStreamOptions = {}) => {
		engine = hub();
		stream = new EventStream([{name: 'engine', subscribe: (l) => engine.subscribe(l as never)}], options);
		server = http.createServer((req, res) => stream!.attach(res, req.headers['last-event-id'] as string | undefined));
		await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
		return (server.address() as net.AddressInfo).port;
	};

	/** A watcher reading everything; `text()` is what it got so far. */
	const watch = (port: number, lastEventId?: string) => {
		let body = '';
		const req = http.get({port, host: '127.0.0.1', path: '/events', headers: lastEventId ? {'last-event-id': lastEventId} : {}}, (res) => {
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (body += chunk));
		});
		req.on('error', () => undefined);
		return {text: () => body, frames: () => frames(body), close: () => req.destroy()};
	};

	afterEach(async () => {
		stream?.close();
		await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
		server?.closeAllConnections();
		server = null;
		stream = null;
	});

	it('sends each batch once per watcher, in order, with ids that count events', async () => {
		const port = await start({lingerMs: 20});
		const a = watch(port);
		const b = watch(port);
		await vi.waitFor(() => expect(stream!.size).toBe(2));
		engine.emit({n: 1});
		engine.emit({n: 2});
		await vi.waitFor(() => expect(a.frames()).toHaveLength(1));
		engine.emit({n: 3});
		await vi.waitFor(() => expect(b.frames()).toHaveLength(2));
		for (const w of [a, b]) {
			const got = w.frames();
			expect(got.map((f) => f.event)).toEqual(['engine', 'engine']);
			expect(got.map((f) => JSON.parse(f.data!))).toEqual([[{n: 1}, {n: 2}], [{n: 3}]]);
			expect(got.map((f) => f.id)).toEqual([`${stream!.startId}-2`, `${stream!.startId}-3`]);
		}
		a.close();
		b.close();
		// Nobody watching: the stream lets go of the hub, so the engine builds no events.
		await vi.waitFor(() => expect(engine.active).toBe(false));
	});

	it('resumes after Last-Event-ID from the kept batches, and says how many were lost when they are gone', async () => {
		const port = await start({keepBatches: 3});
		const keeper = watch(port);
		await vi.waitFor(() => expect(stream!.size).toBe(1));
		for (let n = 1; n <= 6; n++) {
			engine.emit({n});
			await vi.waitFor(() => expect(keeper.frames()).toHaveLength(n));
		}
		const id = (seq: number) => `${stream!.startId}-${seq}`;
		// Kept: batches 4, 5, 6. Resuming after 4 replays 5 and 6.
		const resumed = watch(port, id(4));
		await vi.waitFor(() => expect(resumed.frames()).toHaveLength(2));
		expect(resumed.frames().map((f) => JSON.parse(f.data!))).toEqual([[{n: 5}], [{n: 6}]]);
		// After 1: events 2 and 3 are gone (told exactly), then 4..6 replayed.
		const late = watch(port, id(1));
		await vi.waitFor(() => expect(late.frames()).toHaveLength(4));
		const [missed, ...rest] = late.frames();
		expect(missed).toMatchObject({event: 'missed', id: id(3)});
		expect(JSON.parse(missed!.data!)).toMatchObject({count: 2});
		expect(rest.map((f) => JSON.parse(f.data!)[0].n)).toEqual([4, 5, 6]);
		// Up to date: nothing replayed; a new batch arrives live.
		const current = watch(port, id(6));
		await vi.waitFor(() => expect(stream!.size).toBe(4));
		engine.emit({n: 7});
		await vi.waitFor(() => expect(current.frames()).toHaveLength(1));
		expect(JSON.parse(current.frames()[0]!.data!)).toEqual([{n: 7}]);
		for (const w of [keeper, resumed, late, current]) w.close();
	});

	it('pushes one snapshot per change to every watcher, and the current one to a newcomer', async () => {
		let builds = 0;
		let figure = 1;
		engine = hub();
		stream = new EventStream([{name: 'engine', subscribe: (l) => engine.subscribe(l as never)}], {
			snapshot: {
				build: () => {
					builds++;
					return {figure};
				},
				intervalMs: 20,
				// No events here: the figure's change is picked up by the idle tick.
				idleMs: 60,
			},
		});
		server = http.createServer((req, res) => stream!.attach(res, undefined));
		await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
		const port = (server.address() as net.AddressInfo).port;
		const watchers = [watch(port), watch(port), watch(port)];
		const stats = (w: ReturnType<typeof watch>) => w.frames().filter((f) => f.event === 'stats').map((f) => JSON.parse(f.data!) as {figure: number});
		await vi.waitFor(() => expect(watchers.every((w) => stats(w).length === 1)).toBe(true));
		const buildsBefore = builds;
		// Unchanged for several idle ticks: sent to nobody.
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(watchers.map((w) => stats(w).length)).toEqual([1, 1, 1]);
		figure = 2;
		await vi.waitFor(() => expect(watchers.every((w) => stats(w).at(-1)?.figure === 2)).toBe(true));
		// Builds follow ticks, not watchers (3 here): never one per watcher.
		const ticks = builds - buildsBefore;
		expect(watchers.map((w) => stats(w).length)).toEqual([2, 2, 2]);
		expect(ticks).toBeGreaterThan(0);
		const late = watch(port);
		await vi.waitFor(() => expect(stats(late)).toEqual([{figure: 2}]));
		for (const w of [...watchers, late]) w.close();
	});

	it('a lone watcher that comes back within the linger period resumes without a gap', async () => {
		const port = await start({lingerMs: 60_000});
		const first = watch(port);
		await vi.waitFor(() => expect(stream!.size).toBe(1));
		engine.emit({n: 1});
		await vi.waitFor(() => expect(first.frames().filter((f) => f.event === 'engine')).toHaveLength(1));
		const lastId = first.frames().at(-1)!.id!;
		first.close();
		await vi.waitFor(() => expect(stream!.size).toBe(0));
		// Nobody watches now; the stream still numbers and keeps what happens.
		expect(engine.active).toBe(true);
		engine.emit({n: 2});
		engine.flush();
		const back = watch(port, lastId);
		await vi.waitFor(() => expect(back.frames().filter((f) => f.event === 'engine').map((f) => JSON.parse(f.data!))).toEqual([[{n: 2}]]));
		back.close();
	});

	it('after the linger period it lets go of the engine; a watcher from before is told to reload, with an id to resume from', async () => {
		const port = await start({lingerMs: 30});
		const first = watch(port);
		await vi.waitFor(() => expect(stream!.size).toBe(1));
		engine.emit({n: 1});
		await vi.waitFor(() => expect(first.frames()).toHaveLength(1));
		const lastId = first.frames().at(-1)!.id!;
		first.close();
		await vi.waitFor(() => expect(engine.active).toBe(false));
		engine.emit({n: 2}); // nobody subscribed: not even built
		const back = watch(port, lastId);
		await vi.waitFor(() => expect(back.frames()).toHaveLength(1));
		const reset = back.frames()[0]!;
		expect(reset.event).toBe('reset');
		expect(reset.id).toBe(`${stream!.startId}-${stream!.lastSeq}`);
		// Resuming from the reset's id is no gap: nothing more to reload.
		const again = watch(port, reset.id);
		engine.emit({n: 3});
		await vi.waitFor(() => expect(again.frames().map((f) => f.event)).toEqual(['engine']));
		back.close();
		again.close();
	});

	it('tells a watcher from before a server restart to reload (reset), then streams live', async () => {
		const port = await start();
		const old = watch(port, 'deadbeef-41');
		await vi.waitFor(() => expect(old.frames()).toHaveLength(1));
		expect(old.frames()[0]!.event).toBe('reset');
		engine.emit({n: 1});
		await vi.waitFor(() => expect(old.frames()).toHaveLength(2));
		old.close();
	});

	it('never buffers without bound for a watcher that stops reading; it is told what it missed', async () => {
		const maxBufferedBytes = 64 * 1024;
		const port = await start({maxBufferedBytes});
		// A raw client that sends the request and then reads nothing.
		const stalled = net.connect(port, '127.0.0.1');
		stalled.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
		stalled.pause();
		const healthy = watch(port);
		await vi.waitFor(() => expect(stream!.size).toBe(2));
		const pad = 'x'.repeat(16 * 1024);
		let peak = 0;
		const watchers = (stream as unknown as {watchers: Set<{res: http.ServerResponse}>}).watchers;
		// ~48 MiB through the stream: far beyond the socket buffers of a reader that stopped.
		for (let i = 0; i < 3000; i++) {
			engine.emit({n: i, pad});
			if (i % 4 === 3) {
				engine.flush();
				await new Promise((resolve) => setImmediate(resolve));
				for (const w of watchers) peak = Math.max(peak, w.res.writableLength);
			}
		}
		engine.flush();
		// The healthy watcher got everything (it reads), in order.
		await vi.waitFor(() => expect(healthy.frames().flatMap((f) => (f.event === 'engine' ? JSON.parse(f.data!) : [])).length).toBe(3000), {timeout: 20_000});
		// Unsent bytes stayed near the bound (one 64 KiB frame of slack), not 48 MiB.
		expect(peak).toBeLessThan(maxBufferedBytes + 64 * 1024);
		// It reads again: it gets what was buffered, then one notice for what it skipped.
		let text = '';
		stalled.setEncoding('utf8');
		stalled.on('data', (chunk: string) => (text += chunk));
		stalled.resume();
		engine.emit({n: 3000});
		await vi.waitFor(() => expect(frames(text).some((f) => f.event === 'missed')).toBe(true), {timeout: 10_000});
		const missed = frames(text).find((f) => f.event === 'missed')!;
		const delivered = frames(text).filter((f) => f.event === 'engine').flatMap((f) => JSON.parse(f.data!) as unknown[]).length;
		expect(JSON.parse(missed.data!).count + delivered).toBeGreaterThanOrEqual(3000);
		stalled.destroy();
		healthy.close();
	});
});
