/**
 * Every view at the supported sizes (80x24, the smallest; 100x30; 160x45): nothing overprints.
 * Each frame has at most `rows` lines, no line is wider than the terminal, and known labels are
 * drawn intact (the header, the footer's keys, the help's title, the inspector's first hex row).
 */
import React from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import {App} from '../../source/ui/app.js';
import {TuiStore} from '../../source/ui/store/tui-store.js';
import {TuiResources, TuiRoot, newTour} from '../../source/ui/tui-root.js';
import {KEY} from './helpers.js';
import {fitProblems, renderSized, type SizedScreen} from './sized-render.js';

const SIZES = [
	[80, 24],
	[100, 30],
	[160, 45],
] as const;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function appAt(columns: number, rows: number, size: {columns: number; rows: number} | undefined = {columns, rows}, onQuit?: () => void): Promise<SizedScreen> {
	const queue = await FlashQ.open({storage: 'memory'});
	await queue.post('orders', [
		{key: 'customer-1', value: JSON.stringify({order: 1, items: [{sku: 'A', qty: 2}], total: 9.99}), headers: {source: 'web', 'trace-id': 't1'}},
		{key: 'customer-2', value: 'x'.repeat(200)},
	]);
	const store = new TuiStore(queue, null, {minIntervalMs: 10, heartbeatMs: 50}).start();
	const screen = await renderSized(<App store={store} engine={queue} {...(size ? {size} : {})} {...(onQuit ? {onQuit} : {})} />, columns, rows);
	cleanups.push(() => queue.close(), () => store.close(), () => screen.unmount());
	await screen.see('customer-1');
	return screen;
}

/** The tour (seed 7, file storage) with lesson `lesson`'s first step run, drawn at columns x rows. */
async function tourAt(lesson: number, columns: number, rows: number): Promise<SizedScreen> {
	const resources = new TuiResources();
	resources.tour = newTour({seed: 7, storage: 'file'});
	cleanups.push(() => resources.dispose());
	await resources.tour.start(lesson);
	await resources.tour.next();
	const screen = await renderSized(
		<TuiRoot engine={null} tour={{seed: 7}} resources={resources} size={{columns, rows}} storeOptions={{minIntervalMs: 10, heartbeatMs: 50}} />,
		columns,
		rows,
	);
	cleanups.push(() => screen.unmount());
	return screen;
}

function expectFits(frame: string, columns: number, rows: number): void {
	expect(fitProblems(frame, columns, rows), frame).toEqual([]);
	// The header is the first line: nothing pushed it off.
	expect(frame.split('\n')[0]).toMatch(/^FlashQ storage/);
}

describe.each(SIZES)('at %ix%i', (columns, rows) => {
	it('the overview: every pane titled, the footer keys whole', async () => {
		const screen = await appAt(columns, rows);
		const frame = screen.frame();
		expectFits(frame, columns, rows);
		for (const title of ['1 Topics', '2 Records', '3 Consumer Groups', '4 WAL', '5 Cache', '6 Offset Index', '7 Events']) expect(frame).toContain(title);
		expect(frame.split('\n').at(-1)).toMatch(/\? help q quit$/);
		expect(frame).toMatch(/› orders +2 +2/);
	});

	it('help: its title and the first section intact, the rest reachable by scrolling', async () => {
		const screen = await appAt(columns, rows);
		await screen.press('?');
		let frame = await screen.see('Help: keys');
		expectFits(frame, columns, rows);
		expect(frame).toMatch(/Help: keys \(Esc or \? closes/);
		expect(frame).toMatch(/Tab\/S-Tab +next\/previous pane/);
		expect(frame.split('\n').at(-1)).toContain('Esc/? close help');
		// Every section is shown, or comes into view with PgDn.
		const seen = [frame];
		for (let i = 0; i < 3; i++) {
			await screen.press(KEY.pageDown);
			frame = screen.frame();
			expectFits(frame, columns, rows);
			seen.push(frame);
		}
		for (const text of ['Everywhere', 'Consumer Groups', 'rewind to 0', 'Tour (t)', 'leave (your engine)', 'Seek (s)']) expect(seen.join('\n')).toContain(text);
	});

	it('the byte inspector: first hex row, legend with version and flags, the field table reachable by scrolling', async () => {
		const screen = await appAt(columns, rows);
		await screen.press('2');
		await screen.press('x');
		let frame = await screen.see('Byte inspector');
		expectFits(frame, columns, rows);
		expect(frame).toMatch(/│ 000000 {2}46 51 01 00 /);
		expect(frame).toContain('■version');
		expect(frame).toContain('■flags');
		expect(frame.split('\n').at(-1)).toContain('Esc/x close the byte inspector');
		for (let i = 0; i < 6 && !frame.includes('record[0].headers[1].value '); i++) {
			await screen.press(KEY.pageDown);
			frame = screen.frame();
		}
		expect(frame).toContain('record[0].headers[1].value ');
		expectFits(frame, columns, rows);
		await screen.press(KEY.pageUp);
		await screen.press(KEY.pageUp);
		await screen.press(KEY.pageUp);
		expect(await screen.see(/│ 000000 {2}46 51/)).toBeTruthy();
	});

	it('the record detail', async () => {
		const screen = await appAt(columns, rows);
		await screen.press('2');
		await screen.press(KEY.enter);
		const frame = await screen.see('Record orders @ 0');
		expectFits(frame, columns, rows);
		expect(frame).toContain('"sku": "A"');
	});

	it('a form: the produce form below the panes', async () => {
		const screen = await appAt(columns, rows);
		await screen.press('p');
		const frame = await screen.see('Produce a record');
		expectFits(frame, columns, rows);
	});

	it('the tour (lesson 2, step 1 run): the watched WAL pane shows every line, the panel below, the header on top', async () => {
		const screen = await tourAt(1, columns, rows);
		const frame = await screen.see(/WAL \d+ B {3}log \d+ B/);
		expectFits(frame, columns, rows);
		// Every WAL line the lesson points at: sync, pending, commits, fsyncs, fsync latency, sizes.
		for (const line of [/sync always +commit threshold/, /pending 4 rec \/ \d+ B/, /commits 0/, /fsyncs \d+/, /last fsync/, /WAL \d+ B {3}log \d+ B/]) expect(frame).toMatch(line);
		expect(frame).toContain('Tour · Lesson 2/8  Step 1/4');
		expect(frame.split('\n').at(-1)).toMatch(/^n next b back/);
	});

	it('the tour (lesson 1, step 1 run): Topics shows the high water mark the lesson cites', async () => {
		const screen = await tourAt(0, columns, rows);
		const frame = await screen.see(/The records got offsets 0\.\.2/);
		expectFits(frame, columns, rows);
		expect(frame).toMatch(/ hwm /);
		expect(frame).toMatch(/› orders +3 +3/);
	});
});

describe('below 80x24', () => {
	it('says the terminal is too small, q still quits, and the view comes back when it grows', async () => {
		let quits = 0;
		const screen = await renderSized(<></>, 60, 18);
		screen.unmount();
		const small = await appAtUnsized(60, 18, () => quits++);
		let frame = await small.see('terminal too small (60x18, need 80x24)');
		expect(fitProblems(frame, 60, 18)).toEqual([]);
		// Keys other than q do nothing while nothing can be shown (p would open a form unseen).
		await small.press('p');
		expect(small.frame()).not.toContain('Produce a record');
		small.resize(100, 30);
		frame = await small.see('1 Topics');
		expect(frame).not.toContain('too small');
		small.resize(70, 30);
		await small.see('terminal too small (70x30, need 80x24)');
		await small.press('q');
		expect(quits).toBe(1);
	});
});

/** The app reading its size from the (fake) terminal, as the real one does. */
async function appAtUnsized(columns: number, rows: number, onQuit: () => void): Promise<SizedScreen> {
	const queue = await FlashQ.open({storage: 'memory'});
	const store = new TuiStore(queue, null, {minIntervalMs: 10, heartbeatMs: 50}).start();
	const screen = await renderSized(<App store={store} engine={queue} onQuit={onQuit} />, columns, rows);
	cleanups.push(() => queue.close(), () => store.close(), () => screen.unmount());
	return screen;
}
