/** The commit form's offset follows the topic typed; choice menus' footers name their own keys. */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {KEY, renderApp, type Rendered, waitFor} from '../helpers.js';

let queue: FlashQ;
let ui: Rendered | null = null;

beforeEach(async () => {
	queue = await FlashQ.open({storage: 'memory'});
	await queue.post('orders', Array.from({length: 3}, (_, i) => ({value: `o${i}`})));
	await queue.post('clicks', Array.from({length: 7}, (_, i) => ({value: `c${i}`})));
	await queue.createGroup('billing');
});

afterEach(async () => {
	ui?.unmount();
	ui = null;
	await queue.close();
});

const BACKSPACE = '\u007F';
const footer = (frame: string) => frame.trimEnd().split('\n').at(-1) ?? '';

describe('commit offset form (o)', () => {
	it("changing the topic fills in that topic's high water mark, until the offset is edited", async () => {
		ui = await renderApp(queue);
		await ui.press('3');
		await ui.see(/› billing +\(no commits\)/);
		await ui.press('o');
		// The selected topic (the first: clicks) and its high water mark.
		let form = await ui.see('Commit offset for group billing');
		expect(form).toMatch(/topic +: clicks/);
		expect(form).toMatch(/offset: 7\b/);
		for (let i = 0; i < 'clicks'.length; i++) await ui.press(BACKSPACE);
		await ui.type('orders');
		form = await ui.see(/offset: 3\b/);
		expect(form).toMatch(/topic +: orders/);
		// Submitting commits the new topic's high water mark.
		await ui.press(KEY.enter);
		await ui.press(KEY.enter);
		await ui.see('committed billing on orders at 3');
		expect(queue.committedOffset('billing', 'orders').committedOffset).toBe(3);
		await waitFor(() => expect(ui!.frame()).not.toContain('Commit offset for group billing'));

		// An offset the user typed stays when the topic changes afterwards.
		await ui.press('o');
		expect(await ui.see('Commit offset for group billing')).toMatch(/topic +: orders/);
		await ui.press(KEY.down); // to the offset field
		await ui.press(BACKSPACE);
		await ui.type('1');
		await ui.see(/offset: 1\b/);
		await ui.press(KEY.up);
		for (let i = 0; i < 'orders'.length; i++) await ui.press(BACKSPACE);
		await ui.type('clicks');
		expect(await ui.see(/topic +: clicks/)).toMatch(/offset: 1\b/);
	});
});

describe('footers', () => {
	it("a choice menu's footer names its keys (choose, select a line), not a form's fields", async () => {
		ui = await renderApp(queue);
		await ui.press('2');
		await ui.press('s');
		const f = await ui.see('Seek');
		expect(footer(f)).toContain('1-9 select that line');
		expect(footer(f)).not.toContain('field');
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui!.frame()).not.toContain('beginning (offset 0)'));
		// The filter's field choice is a menu too; the text form after it keeps a form's keys.
		await ui.press('/');
		expect(footer(await ui.see('Filter records'))).toContain('1-9 select that line');
		await ui.press(KEY.enter);
		await waitFor(() => expect(footer(ui!.frame())).toContain('next field / submit'));
	});

	it('220x60, Records focused: p is listed once, with what it does there', async () => {
		ui = await renderApp(queue, {size: {columns: 220, rows: 60}});
		await ui.press('2');
		const line = footer(await ui.see('produce (pre-filled from record)'));
		expect(line.match(/(^| )p /g)).toHaveLength(1);
		expect(line).toContain('? help');
	});
});
