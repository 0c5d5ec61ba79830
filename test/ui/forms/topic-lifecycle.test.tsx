/**
 * Topics pane: c creates an empty topic, d deletes the selected one after a confirmation that says
 * what goes with it; the panes then move off it.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {topicAfterDeletion} from '../../../source/ui/forms/topic-forms.js';
import {KEY, renderApp, type Rendered, waitFor} from '../helpers.js';

let queue: FlashQ;
let ui: Rendered | null = null;

beforeEach(async () => {
	queue = await FlashQ.open({storage: 'memory'});
});

afterEach(async () => {
	ui?.unmount();
	ui = null;
	await queue.close();
});

const footer = (frame: string) => frame.trimEnd().split('\n').at(-1) ?? '';

describe('create topic (c in Topics)', () => {
	it('creates an empty topic, lists it with 0 records and selects it', async () => {
		await queue.post('alpha', [{value: 'a0'}]);
		ui = await renderApp(queue);
		await ui.see('a0');
		await ui.press('c');
		const form = await ui.see('Create topic');
		expect(footer(form)).toContain('next field / submit');
		await ui.type('zulu');
		await ui.press(KEY.enter);
		await ui.see('created topic zulu');
		await waitFor(() => expect(ui!.frame()).not.toContain('Create topic'));
		// Listed with no records, and selected: Records shows it, not alpha's records.
		await ui.see(/› zulu +0 +0/);
		await ui.see(/Records zulu/);
		expect(ui.frame()).not.toContain('a0');
		expect(queue.topics().map((t) => [t.name, t.highWaterMark])).toEqual([
			['alpha', 1],
			['zulu', 0],
		]);
	});

	it('says when the topic already exists, and shows the engine\'s words for a bad name', async () => {
		await queue.post('alpha', [{value: 'a0'}]);
		ui = await renderApp(queue);
		await ui.press('c');
		await ui.type('alpha');
		await ui.press(KEY.enter);
		await ui.see('topic alpha already exists');
		await ui.press('c');
		await ui.type('bad name!');
		await ui.press(KEY.enter);
		// The form stays open with the engine's message (validation.ts), not a stack trace.
		const f = await ui.see("invalid_parameter: topic may contain only ASCII letters, digits, '.', '_' and '-' (not first)");
		expect(f).toContain('Create topic');
		expect(footer(f)).toContain('create topic failed');
		for (const _ of 'bad name!') await ui.press('\u007F');
		await ui.type('..');
		await ui.press(KEY.enter);
		await ui.see('topic must not consist of dots only');
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui!.frame()).not.toContain('Create topic'));
		expect(queue.topics().map((t) => t.name)).toEqual(['alpha']);
	});
});

describe('delete topic (d in Topics)', () => {
	it('names the topic, its record count and the groups that lose their offsets; "no" keeps it', async () => {
		await queue.post('orders', Array.from({length: 12}, (_, i) => ({value: `o${i}`})));
		await queue.createGroup('billing');
		await queue.createGroup('audit');
		await queue.createGroup('idle');
		await queue.commitOffset('billing', 'orders', 5);
		await queue.commitOffset('audit', 'orders', 12);
		ui = await renderApp(queue);
		await ui.see('o0');
		await ui.press('d');
		const f = await ui.see('Delete topic orders?');
		expect(f).toContain('12 records go with it; audit, billing will lose their offsets.');
		expect(f).toContain('yes, delete orders and its 12 records');
		expect(footer(f)).toContain('1-9 select that line');
		// "no" is the first line: Enter keeps the topic.
		await ui.press(KEY.enter);
		await waitFor(() => expect(ui!.frame()).not.toContain('Delete topic orders?'));
		expect(queue.topics().map((t) => t.name)).toEqual(['orders']);
	});

	it('deletes the selected topic; Topics, Records and Groups move off it to its neighbour', async () => {
		for (const name of ['alpha', 'beta', 'gamma']) await queue.post(name, [{value: `in-${name}`}, {value: `more-${name}`}]);
		await queue.createGroup('billing');
		await queue.commitOffset('billing', 'beta', 1);
		await queue.commitOffset('billing', 'gamma', 2);
		ui = await renderApp(queue);
		await ui.see('in-alpha');
		await ui.press('j');
		await ui.see('in-beta');
		await ui.see(/billing\/beta +1/);
		await ui.press('d');
		const f = await ui.see('Delete topic beta?');
		expect(f).toContain('2 records go with it; billing will lose its offset.');
		await ui.press('2');
		await ui.see('deleted topic beta (2 records; offsets removed from billing)');
		// The next topic is selected, and nothing shows the deleted one.
		await ui.see(/› gamma +2 +2/);
		await ui.see('in-gamma');
		await waitFor(() => {
			const frame = ui!.frame();
			expect(frame).toMatch(/billing\/gamma +2/);
			expect(frame).not.toMatch(/ beta +\d|Records beta|\/beta|(WAL|Cache|Offset Index) beta/);
		});
		expect(queue.topics().map((t) => t.name)).toEqual(['alpha', 'gamma']);
		expect(queue.groups()).toEqual([{groupId: 'billing', offsets: [expect.objectContaining({topic: 'gamma', committedOffset: 2})]}]);
	});

	it('moves off a topic deleted by another client, to the one before after the last, and to none after all', async () => {
		for (const name of ['alpha', 'mid', 'zeta']) await queue.post(name, [{value: `in-${name}`}]);
		ui = await renderApp(queue);
		await ui.press('j');
		await ui.see('in-mid');
		await queue.deleteTopic('mid');
		// The next one, not the first.
		await ui.see(/› zeta +1 +1/);
		await ui.see('in-zeta');
		await ui.press('d');
		await ui.see('Delete topic zeta?');
		await ui.press('2');
		await ui.see('deleted topic zeta (1 record)');
		// The last one went: the one before it.
		await ui.see(/› alpha +1 +1/);
		await ui.see('in-alpha');
		await ui.press('d');
		await ui.press('2');
		await ui.see('no topics yet');
		expect(ui.frame()).not.toMatch(/in-(alpha|mid|zeta)/);
		// Nothing selected: d does nothing.
		await ui.press('d');
		expect(ui.frame()).not.toContain('Delete topic');
	});
});

describe('topicAfterDeletion', () => {
	it('picks the next topic left, else the one before; undefined while the shown topic is there', () => {
		expect(topicAfterDeletion(['a', 'b', 'c'], ['a', 'c'], 'b')).toBe('c');
		expect(topicAfterDeletion(['a', 'b', 'c'], ['a', 'b'], 'c')).toBe('b');
		expect(topicAfterDeletion(['a', 'b', 'c', 'd'], ['a', 'd'], 'b')).toBe('d');
		expect(topicAfterDeletion(['a'], [], 'a')).toBeNull();
		expect(topicAfterDeletion(['a', 'b'], ['a', 'b', 'c'], 'a')).toBeUndefined();
		expect(topicAfterDeletion(['a'], ['x'], null)).toBeUndefined();
	});
});

describe('keys for topics and offset resets in help and footers', () => {
	it('help lists them (from the key table) and the footers of Topics and Consumer Groups show them', async () => {
		await queue.post('orders', [{value: 'x'}]);
		ui = await renderApp(queue, {size: {columns: 160, rows: 45}});
		expect(footer(await ui.see('orders'))).toMatch(/c create topic +d delete topic/);
		await ui.press('3');
		expect(footer(await ui.see('create group'))).toContain('s reset offset');
		await ui.press('?');
		const seen = [await ui.see('Help: keys')];
		for (let i = 0; i < 3; i++) {
			await ui.press(KEY.pageDown);
			seen.push(ui.frame());
		}
		const help = seen.join('\n');
		for (const text of ['create topic', 'delete topic', 'reset offset', 'Reset offset (s in Groups)', 'a given offset (may rewind)', 'first record at/after (local date']) {
			expect(help).toContain(text);
		}
	});
});
