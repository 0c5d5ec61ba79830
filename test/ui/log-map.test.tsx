/**
 * The Log Map (m): a topic as one strip from offset 0 to the high water mark. On a real file engine
 * (100 records: three batches of 30 straight into the log, ten more one by one still in the WAL,
 * index entries at the batches, a cache of 50, a group at 40) the marks sit on the cells the scale
 * puts those offsets on; the picture follows the engine live; it fits at 80x24 and up.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import React from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import {App} from '../../source/ui/app.js';
import {TuiStore} from '../../source/ui/store/tui-store.js';
import {fitProblems, renderSized, type SizedScreen} from './sized-render.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

const value = (i: number) => JSON.stringify({reading: i});

/** The scene of the brief: 100 records, 90 in the log and 10 in the WAL, a group at 40. */
async function scene(): Promise<FlashQ> {
	const dir = await mkdtemp(path.join(tmpdir(), 'flashq-logmap-'));
	cleanups.push(() => rm(dir, {recursive: true, force: true}));
	// An index entry for every frame (interval 1 byte); each batch of 30 goes to the log as one frame.
	const queue = await FlashQ.open({storage: 'file', dataDir: dir, sync: 'always', commitThreshold: 30, cacheSize: 50, indexIntervalBytes: 1});
	cleanups.push(() => queue.close());
	for (let b = 0; b < 3; b++) await queue.post('sensor', Array.from({length: 30}, (_, i) => ({value: value(b * 30 + i)})));
	for (let i = 90; i < 100; i++) await queue.post('sensor', [{value: value(i)}]);
	await queue.createGroup('billing');
	await queue.commitOffset('billing', 'sensor', 40);
	return queue;
}

async function appOn(queue: FlashQ, columns: number, rows: number): Promise<SizedScreen> {
	const store = new TuiStore(queue, null, {minIntervalMs: 10, heartbeatMs: 50}).start();
	const screen = await renderSized(<App store={store} engine={queue} size={{columns, rows}} />, columns, rows);
	cleanups.push(() => store.close(), () => screen.unmount());
	await screen.see('1 Topics');
	return screen;
}

/** The map's rows (inside its border), or [] when it is not drawn. */
function mapRows(frame: string): string[] {
	const lines = frame.split('\n');
	const title = lines.findIndex((l) => l.includes('9 Log Map'));
	if (title < 0) return [];
	const out: string[] = [];
	for (const line of lines.slice(title + 1)) {
		if (/^[╰╚]/.test(line)) break;
		out.push(line.replace(/^[│║] /, '').replace(/ ?[│║]\s*$/, ''));
	}
	return out;
}

/** Columns (within the strip, after the 8-column label) where a row labelled `label` draws `glyph`. */
function cells(rows: readonly string[], label: string, glyph: RegExp): number[] {
	const row = rows.find((r) => r.startsWith(label.padEnd(8)));
	if (!row) throw new Error(`no '${label}' row in:\n${rows.join('\n')}`);
	return [...row.slice(8)].flatMap((ch, i) => (glyph.test(ch) ? [i] : []));
}

const range = (from: number, to: number) => Array.from({length: to - from}, (_, i) => from + i);

describe('the Log Map', () => {
	it('m shows it above the panes and hides it again; 9 focuses it, or says m shows it', async () => {
		const queue = await scene();
		const screen = await appOn(queue, 100, 30);
		expect(screen.frame()).not.toContain('Log Map');
		await screen.press('9');
		expect(screen.frame()).toContain('no Log Map pane here (m shows it)');
		await screen.press('m');
		let frame = await screen.see('9 Log Map');
		// Above every other pane: the first box under the header.
		expect(frame.split('\n')[1]).toMatch(/^╭/);
		expect(frame.split('\n')[2]).toContain('9 Log Map sensor  hwm 100  1 cell = 2 offsets');
		await screen.press('9');
		frame = screen.frame();
		expect(frame.split('\n')[1]).toMatch(/^╔/);
		await screen.press('m');
		frame = screen.frame();
		expect(frame).not.toContain('Log Map');
		expect(frame).toContain('1 Topics');
	});

	it('marks log and WAL, the index entries, the cache, the Records page and the group where the scale puts them (100x30: 1 cell = 2 offsets)', async () => {
		const queue = await scene();
		const screen = await appOn(queue, 100, 30);
		await screen.press('m');
		const rows = mapRows(await screen.see('9 Log Map'));
		// 100 columns: 96 of content, 8 of label, 88 for the strip (one kept for the hwm column): 2 offsets a cell, 50 cells.
		expect(cells(rows, 'log/WAL', /█/)).toEqual(range(0, 45)); // offsets 0..89 in the log
		expect(cells(rows, 'log/WAL', /▒/)).toEqual(range(45, 50)); // 90..99 only in the WAL
		expect(cells(rows, 'index', /\^/)).toEqual([0, 15, 30]); // entries at 0, 30, 60
		expect(cells(rows, 'cache', /═/)).toEqual(range(25, 50)); // the newest 50 records: 50..99
		expect(cells(rows, 'groups', /a/)).toEqual([20]); // billing at 40
		const page = cells(rows, 'Records', /[─●]/);
		expect(page[0]).toBe(0);
		expect(cells(rows, 'Records', /●/)).toEqual([0]); // the selected record, offset 0
		const offsetRow = rows.find((r) => r.startsWith('offset'))!;
		expect(offsetRow.slice(8).trimEnd()).toMatch(/^0 +50 +100$/);
		const text = rows.join('\n');
		expect(text).toContain('█ log 0..89  ▒ WAL only 90..99  sync always: every acked record is fsynced');
		expect(text).toContain('^ index 3 entries (1 per 1 B) at 0, 30, 60');
		expect(text).toContain('═ cache 50..99');
		expect(text).toMatch(/─ Records 0\.\.\d+/);
		expect(text).toContain('a billing 40 lag 60');
	});

	it('follows the engine live: a commit moves the WAL tail into the log, a group commit moves its mark', async () => {
		const queue = await scene();
		const screen = await appOn(queue, 100, 30);
		await screen.press('m');
		await screen.see('▒ WAL only 90..99');
		await queue.createGroup('audit');
		await queue.commitOffset('audit', 'sensor', 0);
		// Twenty more one by one: the WAL reaches the threshold of 30 and is committed into the log.
		for (let i = 100; i < 120; i++) await queue.post('sensor', [{value: value(i)}]);
		const frame = await screen.see('█ log 0..119  ▒ WAL only none');
		const rows = mapRows(frame);
		expect(frame).toContain('hwm 120  1 cell = 2 offsets');
		expect(cells(rows, 'log/WAL', /▒/)).toEqual([]);
		expect(cells(rows, 'log/WAL', /█/)).toEqual(range(0, 60));
		// Groups in name order: a = audit at 0, b = billing at 40.
		expect(cells(rows, 'groups', /a/)).toEqual([0]);
		expect(cells(rows, 'groups', /b/)).toEqual([20]);
		expect(rows.join('\n')).toContain('a audit 0 lag 120  b billing 40 lag 80');
		await queue.commitOffset('billing', 'sensor', 120);
		// Caught up: its mark stands at the high water mark, just past the strip.
		const caughtUp = mapRows(await screen.see('b billing 120 lag 0'));
		expect(cells(caughtUp, 'groups', /b/)).toEqual([60]);
	});

	it('on memory storage says everything is in memory and that there is no index or cache', async () => {
		const queue = await FlashQ.open({storage: 'memory'});
		cleanups.push(() => queue.close());
		await queue.post('orders', Array.from({length: 12}, (_, i) => ({value: value(i)})));
		const screen = await appOn(queue, 100, 30);
		await screen.press('m');
		const frame = await screen.see('9 Log Map');
		const rows = mapRows(frame);
		const text = rows.join('\n');
		// 12 records on 87 cells: stretched, 4 cells each (at most).
		expect(frame).toContain('hwm 12  1 offset = 4 cells');
		expect(cells(rows, 'memory', /█/)).toEqual(range(0, 48));
		expect(text).toContain('█ in memory 0..11  memory storage: nothing is on disk');
		expect(text).toMatch(/index +none: an offset is an array position/);
		expect(text).toMatch(/cache +none: every read is from RAM/);
		expect(text).toContain('groups: none has committed on this topic');
	});

	for (const [columns, rows] of [
		[80, 24],
		[100, 30],
		[160, 45],
	] as const) {
		it(`fits at ${columns}x${rows}: every line within the screen, strip, legend and groups drawn`, async () => {
			const queue = await scene();
			const screen = await appOn(queue, columns, rows);
			await screen.press('m');
			const frame = await screen.see('9 Log Map');
			expect(fitProblems(frame, columns, rows), frame).toEqual([]);
			const map = mapRows(frame);
			expect(map.some((r) => r.startsWith('log/WAL '))).toBe(true);
			expect(map.some((r) => r.startsWith('groups '))).toBe(true);
			expect(frame).toContain('█ log 0..89  ▒ WAL only 90..99');
			expect(frame).toContain('a billing 40 lag 60');
			// The other panes are still there below it.
			expect(frame).toContain('1 Topics');
			expect(frame.split('\n').at(-1)).toMatch(/\? help q quit$/);
		});
	}
});
