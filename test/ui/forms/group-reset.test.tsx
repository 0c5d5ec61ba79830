/**
 * Consumer Groups pane: s resets the selected group's offset for a topic to earliest, latest, an
 * offset or a time, shows old -> new, and commits (rewinding included).
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {parseResetTime} from '../../../source/ui/forms/reset-time.js';
import {zoneLabel} from '../../../source/ui/format.js';
import {KEY, renderApp, type Rendered, waitFor} from '../helpers.js';

let queue: FlashQ;
let ui: Rendered | null = null;

beforeEach(async () => {
	queue = await FlashQ.open({storage: 'memory'});
	await queue.post('orders', Array.from({length: 10}, (_, i) => ({value: `o${i}`})));
	await queue.createGroup('billing');
	await queue.commitOffset('billing', 'orders', 4);
});

afterEach(async () => {
	ui?.unmount();
	ui = null;
	await queue.close();
});

const footer = (frame: string) => frame.trimEnd().split('\n').at(-1) ?? '';
const committed = () => queue.committedOffset('billing', 'orders').committedOffset;
const closed = (text: string) => waitFor(() => expect(ui!.frame()).not.toContain(text));

describe('reset group offset (s in Consumer Groups)', () => {
	it('to earliest, latest and an offset: shows old -> new, commits, and may rewind', async () => {
		ui = await renderApp(queue);
		await ui.press('3');
		await ui.see(/› billing\/orders +4 +10 +6/);
		await ui.press('s');
		let f = await ui.see('Reset offset of billing on orders');
		expect(f).toContain('committed 4, high water mark 10');
		expect(f).toContain('latest (offset 10, the high water mark)');
		expect(footer(f)).toContain('1-9 select that line');
		await ui.press(KEY.enter); // earliest
		f = await ui.see('Reset billing on orders: 4 -> 0?');
		expect(f).toContain('earliest: offset 0');
		expect(footer(f)).toContain('1-9 select that line');
		await ui.press(KEY.enter); // yes
		await ui.see('reset billing on orders: 4 -> 0');
		await ui.see(/› billing\/orders +0 +10 +10/);
		expect(committed()).toBe(0);

		await ui.press('s');
		await ui.see('committed 0, high water mark 10');
		await ui.press('2'); // latest
		await ui.see('Reset billing on orders: 0 -> 10?');
		await ui.press('1');
		await ui.see('reset billing on orders: 0 -> 10');
		expect(committed()).toBe(10);

		// An offset: checked against the high water mark before anything is committed; 3 rewinds.
		await ui.press('s');
		await ui.see('committed 10');
		await ui.press('3');
		await ui.see('Reset billing on orders to offset (0..10)');
		await ui.type('11');
		await ui.press(KEY.enter);
		await ui.see('offset 11 is beyond the high water mark 10');
		await ui.press('\u007F');
		await ui.press('\u007F');
		await ui.type('3');
		await ui.press(KEY.enter);
		await ui.see('Reset billing on orders: 10 -> 3?');
		await ui.press(KEY.enter);
		await ui.see(/› billing\/orders +3 +10 +7/);
		expect(committed()).toBe(3);
	});

	it('"no" and Esc keep the committed offset', async () => {
		ui = await renderApp(queue);
		await ui.press('3');
		await ui.press('s');
		await ui.press('1');
		await ui.see('Reset billing on orders: 4 -> 0?');
		await ui.press('2'); // no, keep 4
		await closed('Reset billing');
		await ui.press('s');
		await ui.press(KEY.escape);
		await closed('Reset offset of');
		expect(committed()).toBe(4);
	});

	it('to a time: the first record at or after it, in ISO 8601 or local time (zone named)', async () => {
		await new Promise((r) => setTimeout(r, 20));
		const cut = new Date();
		await new Promise((r) => setTimeout(r, 5));
		await queue.post('orders', [{value: 'late-0'}, {value: 'late-1'}]);
		ui = await renderApp(queue);
		await ui.press('3');
		await ui.press('s');
		await ui.press('4');
		let f = await ui.see('Reset billing on orders to time');
		expect(f).toContain(`local time is ${zoneLabel()}`);
		await ui.type('yesterday');
		await ui.press(KEY.enter);
		await ui.see("'yesterday' is not a time");
		for (const _ of 'yesterday') await ui.press('\u007F');
		await ui.type(cut.toISOString());
		await ui.press(KEY.enter);
		f = await ui.see('Reset billing on orders: 4 -> 10?');
		expect(f).toMatch(/first record at\/after .* offset 10, written/);
		await ui.press(KEY.enter);
		await ui.see('reset billing on orders: 4 -> 10');
		expect(committed()).toBe(10);

		// Local YYYY-MM-DD HH:MM: long ago is the first record; far ahead, none (the high water mark).
		for (const [text, to, why] of [
			['2000-01-01 00:00', 0, /first record at\/after 2000-01-01 00:00:00\.000 .*: offset 0/],
			['2999-12-31 23:59:59', 12, /no record at\/after 2999-12-31 23:59:59\.000 .*: the high water mark 12/],
		] as const) {
			await ui.press('s');
			await ui.press('4');
			await ui.see('Reset billing on orders to time');
			await ui.type(text);
			await ui.press(KEY.enter);
			f = await ui.see(`: ${committed()} -> ${to}?`);
			expect(f).toMatch(why);
			await ui.press(KEY.enter);
			await waitFor(() => expect(committed()).toBe(to));
		}
	});

	it('a group without commits resets on the selected topic, from none', async () => {
		await queue.createGroup('fresh');
		ui = await renderApp(queue);
		await ui.press('3');
		await ui.press('j');
		await ui.see(/› fresh +\(no commits\)/);
		await ui.press('s');
		await ui.see('Reset offset of fresh on orders');
		await ui.press('2');
		await ui.see('Reset fresh on orders: none -> 10?');
		await ui.press(KEY.enter);
		await ui.see('reset fresh on orders: none -> 10');
		expect(queue.committedOffset('fresh', 'orders').committedOffset).toBe(10);
	});
});

describe('parseResetTime', () => {
	it('reads local YYYY-MM-DD HH:MM[:SS] and ISO 8601 with a zone, and refuses dates that do not exist', () => {
		expect(parseResetTime('2026-01-02 10:00')).toBe(new Date(2026, 0, 2, 10, 0).getTime());
		expect(parseResetTime('2026-01-02 10:00:07.5')).toBe(new Date(2026, 0, 2, 10, 0, 7, 500).getTime());
		expect(parseResetTime('2026-01-02')).toBe(new Date(2026, 0, 2).getTime());
		expect(parseResetTime('2026-01-02T10:00:05Z')).toBe(Date.UTC(2026, 0, 2, 10, 0, 5));
		expect(parseResetTime('2026-01-02T10:00:00+01:00')).toBe(Date.UTC(2026, 0, 2, 9, 0, 0));
		for (const bad of ['', 'yesterday', '10:00', '2026-02-30 10:00', '2026-01-02 25:00', '2026-02-30T10:00:00Z', '2026-13-01T00:00Z']) {
			expect(parseResetTime(bad), bad).toBeNull();
		}
	});
});
