import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {FlashQEvent} from '../../source/core/events.js';
import {FlashQ} from '../../source/engine/flashq.js';
import {TuiStore} from '../../source/ui/store/tui-store.js';
import {waitFor} from '../helpers/wait-for.js';

/** Issue 11: Events lists what happened in the order it happened, and each line says something true. */
describe('the Events pane tells the truth (file storage, sync always)', () => {
	let dir: string;
	let queue: FlashQ | null = null;
	let store: TuiStore | null = null;
	const open = (onEvents?: (events: readonly FlashQEvent[]) => void) =>
		FlashQ.open({storage: 'file', dataDir: dir, sync: 'always', ...(onEvents ? {onEvents} : {})});

	beforeEach(async () => {
		dir = await mkdtemp(path.join(tmpdir(), 'flashq-events-'));
	});
	afterEach(async () => {
		store?.close();
		await queue?.close();
		store = null;
		queue = null;
		await rm(dir, {recursive: true, force: true});
	});

	it("a new topic's first post: creation, WAL write, fsync, acknowledgement, then the UI's note", async () => {
		queue = await open();
		store = new TuiStore(queue, null, {heartbeatMs: 0}).start();
		const [appended] = await queue.post('orders', [{value: 'a'}]);
		// As the produce form does: its note is made when the post resolves, before the hub's batch arrives.
		store.note(`produced orders@${appended!.offset}`);
		await waitFor(() => store!.publishNow().events.some((e) => e.text.startsWith('produced')));
		const texts = store.publishNow().events.map((e) => e.text);
		const at = (pattern: RegExp) => texts.findIndex((t) => pattern.test(t));
		const order = [/^fsync dir orders/, /^topic\.create orders/, /^wal\.write orders/, /^fsync wal orders/, /^append orders/, /^produced orders@0/].map(at);
		expect(order.every((i) => i >= 0), texts.join('\n')).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		// A topic made just now was not "recovered", and its directory fsync made no record durable.
		expect(texts.some((t) => t.startsWith('recovery'))).toBe(false);
		expect(texts.find((t) => t.startsWith('fsync dir'))).not.toMatch(/rec durable/);
		const times = store.publishNow().events.map((e) => e.at);
		expect([...times].sort((a, b) => a - b)).toEqual(times);
	});

	it('reopening opens the topic, it does not create it', async () => {
		queue = await open();
		await queue.post('orders', [{value: 'a'}, {value: 'b'}]);
		await queue.close();
		const seen: FlashQEvent[] = [];
		queue = await open((events) => seen.push(...events));
		queue.events.flush();
		expect(seen.filter((e) => e.type === 'topic.create')).toEqual([]);
		expect(seen.some((e) => e.type === 'recovery.done' && e.topic === 'orders')).toBe(true);
	});
});
