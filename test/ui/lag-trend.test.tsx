/** The Groups pane's lag trend: one sample a second from the groups each snapshot reads, the newest always the lag shown. */
import {afterEach, describe, expect, it} from 'vitest';
import type {GroupInfo} from '../../source/engine/types.js';
import {FlashQ} from '../../source/engine/flashq.js';
import {LagHistory, lagKey} from '../../source/ui/store/lag-history.js';
import {lineWith, renderApp, type Rendered, waitFor} from './helpers.js';

const groups = (lags: Record<string, number>): GroupInfo[] =>
	Object.entries(lags).map(([key, lag]) => {
		const [groupId, topic] = key.split('/') as [string, string];
		return {groupId, offsets: [{topic, committedOffset: 0, highWaterMark: lag, lag}]};
	});

describe('LagHistory', () => {
	it('adds a value per step, replaces the newest within a step, keeps the last N and forgets what went away', () => {
		const history = new LagHistory(3, 1000);
		const key = lagKey('g', 't');
		expect(history.sample(0, groups({'g/t': 5})).get(key)).toEqual([5]);
		// Within the step the newest value follows the lag: the trend ends at what is shown.
		expect(history.sample(400, groups({'g/t': 7})).get(key)).toEqual([7]);
		expect(history.sample(1000, groups({'g/t': 9})).get(key)).toEqual([7, 9]);
		expect(history.sample(2000, groups({'g/t': 2})).get(key)).toEqual([7, 9, 2]);
		expect(history.sample(3000, groups({'g/t': 4})).get(key)).toEqual([9, 2, 4]);
		// The pair goes (a deleted topic or group): coming back starts a new trend.
		expect(history.sample(4000, groups({'g/u': 1})).has(key)).toBe(false);
		expect(history.sample(5000, groups({'g/t': 8})).get(key)).toEqual([8]);
	});
});

describe('lag trend in the Consumer Groups pane', () => {
	let queue: FlashQ | undefined;
	let ui: Rendered | undefined;
	afterEach(async () => {
		ui?.unmount();
		await queue?.close();
	});

	// A pane with room has a trend column per row; a narrow one (100x30) shows the selected row's in its title.
	it.each([
		{size: {columns: 220, rows: 60}, where: 'column', line: 'billing/orders'},
		{size: {columns: 100, rows: 30}, where: 'title', line: '3 Consumer Groups'},
	])('follows lag up and down, one cell a second, the newest cell the lag shown ($where)', async ({size, where, line}) => {
		queue = await FlashQ.open({storage: 'memory'});
		await queue.post('orders', Array.from({length: 10}, (_, i) => ({value: `o${i}`})));
		await queue.createGroup('billing');
		await queue.commitOffset('billing', 'orders', 5);
		// The store's clock moves only when the test says a second passed.
		let now = Date.now();
		ui = await renderApp(queue, {size, store: {now: () => now}});
		const shows = (lag: number, trend: string) =>
			waitFor(() => {
				const frame = ui!.frame();
				expect(frame).toMatch(new RegExp(`billing/orders +\\d+ +\\d+ +${lag}\\b`));
				const pattern = where === 'column' ? `billing/orders +\\d+ +\\d+ +${lag} +(${trend}) *│` : `3 Consumer Groups 1 · lag (${trend}) *│`;
				expect(lineWith(frame, line)).toMatch(new RegExp(pattern));
			});
		await shows(5, '█'); // one value: scaled to itself
		now += 1000;
		await queue.post('orders', Array.from({length: 15}, () => ({value: 'more'}))); // lag 20
		await shows(20, '▃█');
		now += 1000;
		await queue.commitOffset('billing', 'orders', 25); // lag 0
		await shows(0, '▃█▁');
		now += 1000;
		await queue.post('orders', Array.from({length: 10}, () => ({value: 'more'}))); // lag 10
		await shows(10, '▃█▁▅');
		// Within the same second the newest cell changes with the lag.
		await queue.commitOffset('billing', 'orders', 35);
		await shows(0, '▃█▁▁');
	});
});
