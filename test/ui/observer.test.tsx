import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import type {PollOptions} from '../../source/engine/types.js';
import {KEY, type Rendered, renderApp, tick} from './helpers.js';

/**
 * Issue 11: the app does not disturb what it shows. The Records pane's reads are no cache hits or
 * misses, no index lookups, no polls and no events, and it reads only when something changed.
 */
describe('the Records pane observes without changing what it shows (file storage)', () => {
	let dir: string;
	let queue: FlashQ;
	let ui: Rendered | undefined;
	let peeks: number;

	beforeEach(async () => {
		dir = await mkdtemp(path.join(tmpdir(), 'flashq-observer-'));
		const options = {storage: 'file' as const, dataDir: dir, sync: 'never' as const, cacheSize: 20};
		const first = await FlashQ.open(options);
		await first.post('clicks', Array.from({length: 60}, (_, i) => ({key: `k${i}`, value: `v${i}`})));
		await first.close();
		// Reopened: the cache is cold, so any counted read would show as misses and index lookups.
		queue = await FlashQ.open(options);
		peeks = 0;
		const peek = queue.peek.bind(queue);
		queue.peek = (topic: string, opts?: PollOptions) => {
			peeks++;
			return peek(topic, opts);
		};
	});
	afterEach(async () => {
		ui?.unmount();
		ui = undefined;
		await queue.close();
		await rm(dir, {recursive: true, force: true});
	});

	it('browsing records leaves hits, misses, lookups, polls and Events as they were', async () => {
		ui = await renderApp(queue, {size: {columns: 160, rows: 45}});
		await ui.see('k0');
		await ui.press('2');
		for (const key of [KEY.pageDown, KEY.pageDown, KEY.down, KEY.down, 'G', 'g']) await ui.press(key);
		await ui.see(/› +0 /);
		await tick(300);
		const f = ui.frame();
		expect(f).toContain('hits 0  misses 0');
		expect(f).toContain('lookups 0');
		expect(f).not.toMatch(/poll clicks|cache clicks|index\.lookup clicks/);
		const stats = queue.stats().topics.find((t) => t.name === 'clicks')!;
		expect(stats).toMatchObject({polls: 0, recordsRead: 0});
		expect(stats.storage.cache).toMatchObject({hits: 0, misses: 0});
		expect(stats.storage.index).toMatchObject({lookups: 0, lastLookup: null});
	});

	it('a consumer read shows; the pane reads again only when the topic changed', async () => {
		ui = await renderApp(queue, {size: {columns: 160, rows: 45}});
		await ui.see('k0');
		await tick(300);
		const settled = peeks;
		// Heartbeats (every 50 ms here) re-render the app; with nothing changed there is nothing to read.
		await tick(600);
		expect(peeks).toBe(settled);
		await queue.poll('clicks', {fromOffset: 0, maxRecords: 10});
		await ui.see('misses 10');
		expect(ui.frame()).toContain('lookups 1');
		await tick(300);
		expect(peeks).toBe(settled);
		// A full page does not change when records arrive at the end; a short one (the tail) does.
		await queue.post('clicks', [{key: 'new', value: 'arrived'}]);
		await tick(300);
		expect(peeks).toBe(settled);
	});
});
