import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import {backendCases} from '../helpers/backends.js';
import {KEY, type Rendered, lineWith, renderApp, waitFor} from './helpers.js';

// Key flows behave the same whatever the sync mode: they run where behaviour differs, memory and
// file storage (the sync modes' own figures are tested in the panes' and storage's suites).
const keyFlowBackends = backendCases.filter((backend) => backend.name === 'memory' || backend.name === 'file/always');

describe.each(keyFlowBackends)('TUI key flows on $name storage', (backend) => {
	let queue: FlashQ;
	let cleanup: () => Promise<void>;
	let ui: Rendered | undefined;

	beforeEach(async () => {
		const fresh = await backend.fresh();
		cleanup = fresh.cleanup;
		queue = await FlashQ.open(fresh.options);
	});

	afterEach(async () => {
		ui?.unmount();
		ui = undefined;
		await queue.close();
		await cleanup();
	});

	const seed = async (topic: string, n: number, make = (i: number) => ({key: `k${i}`, value: `v${i}`})) => {
		for (let i = 0; i < n; i += 100) {
			await queue.post(topic, Array.from({length: Math.min(100, n - i)}, (_, j) => make(i + j)));
		}
	};

	it('shows every pane, the header and the footer at 100x30', async () => {
		await seed('orders', 3);
		ui = await renderApp(queue);
		const f = await ui.see('orders');
		for (const title of ['1 Topics', '2 Records', '3 Consumer Groups', '4 WAL', '5 Cache', '6 Offset Index', '7 Events']) expect(f).toContain(title);
		expect(f).not.toContain('8 Server');
		expect(f).toContain(`storage ${backend.name.split('/')[0]}`);
		expect(f).toContain('q quit');
		expect(f.split('\n').length).toBeLessThanOrEqual(29);
	});

	it('produces a record through the form and shows it in Records and Topics', async () => {
		ui = await renderApp(queue);
		await ui.press('p');
		await ui.see('Produce a record');
		await ui.type('orders');
		await ui.press(KEY.enter);
		await ui.type('user-1');
		await ui.press(KEY.enter);
		await ui.type('{"id":42}');
		await ui.press(KEY.enter);
		await ui.type('source=tui,v=2');
		await ui.press(KEY.enter);
		const f = await ui.see('produced orders@0');
		expect(f).not.toContain('Produce a record');
		await ui.see(/› +0 .*user-1 +\{"id":42\}/);
		expect(lineWith(ui.frame(), 'user-1')).toContain('source=tui,v=2');
		expect(ui.frame()).toMatch(/orders +1 +1/);
		const polled = await queue.poll('orders');
		expect(polled.records[0]).toMatchObject({key: 'user-1', value: '{"id":42}', headers: {source: 'tui', v: '2'}});
	});

	it('a key typed the instant a form opens goes into the form, not to the panes', async () => {
		await seed('orders', 1);
		ui = await renderApp(queue);
		await ui.see('orders');
		const typed = ui.typeWhenShown('Produce a record', ['x', 'q']);
		await ui.press('p');
		await typed;
		await ui.see(/topic +: ordersxq/);
		expect(ui.quits).toBe(0);
	});

	it('a key typed the instant a form closes reaches the app', async () => {
		ui = await renderApp(queue);
		await ui.press('p');
		await ui.see('Produce a record');
		await ui.type('t');
		for (const key of [KEY.enter, KEY.enter]) await ui.press(key);
		await ui.type('v');
		await ui.press(KEY.enter);
		const typed = ui.typeWhenShown('produced t@0', ['q']);
		await ui.press(KEY.enter);
		await typed;
		await waitFor(() => expect(ui!.quits).toBe(1));
	});

	it('keeps the produce form open with a readable message on bad input, and Esc cancels', async () => {
		ui = await renderApp(queue);
		await ui.press('p');
		await ui.type('bad topic!');
		await ui.press(KEY.enter);
		await ui.press(KEY.enter);
		await ui.type('x');
		await ui.press(KEY.enter);
		await ui.press(KEY.enter);
		const f = await ui.see('produce failed');
		expect(f).toContain('Produce a record');
		expect(f).not.toMatch(/at .*\.ts:\d+/);
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui!.frame()).not.toContain('Produce a record'));
		expect(queue.topics()).toEqual([]);
	});

	it('rejects malformed headers without posting', async () => {
		ui = await renderApp(queue);
		await ui.press('p');
		await ui.type('t');
		await ui.press(KEY.enter);
		await ui.press(KEY.enter);
		await ui.type('v');
		await ui.press(KEY.enter);
		await ui.type('novalue');
		await ui.press(KEY.enter);
		await ui.see("header 'novalue' is not k=v");
		expect(queue.topics()).toEqual([]);
	});

	it('re-produces the selected record with the form pre-filled', async () => {
		await queue.post('orders', [{key: 'a', value: 'first', headers: {h: '1'}}]);
		ui = await renderApp(queue);
		await ui.see('first');
		await ui.press('2');
		await ui.press('p');
		const f = await ui.see('re-produce');
		expect(lineWith(f, 'value  :')).toContain('first');
		expect(lineWith(f, 'headers:')).toContain('h=1');
		for (let i = 0; i < 4; i++) await ui.press(KEY.enter);
		await ui.see('produced orders@1');
		const {records} = await queue.poll('orders');
		expect(records.map((r) => [r.key, r.value, r.headers])).toEqual([
			['a', 'first', {h: '1'}],
			['a', 'first', {h: '1'}],
		]);
	});

	it('moves between panes with Tab, Shift+Tab and digits, and the footer follows focus', async () => {
		ui = await renderApp(queue);
		expect(ui.frame()).toContain('select topic');
		await ui.press(KEY.tab);
		await ui.see('record detail');
		await ui.press(KEY.tab);
		await ui.see('create group');
		await ui.press(KEY.shiftTab);
		await ui.see('record detail');
		await ui.press('7');
		await ui.see('oldest/newest');
		await ui.press('1');
		await ui.see('select topic');
	});

	it('selects topics with arrows and j/k, and Records follows the selection', async () => {
		await queue.post('alpha', [{value: 'in-alpha'}]);
		await queue.post('beta', [{value: 'in-beta'}]);
		ui = await renderApp(queue);
		await ui.see('in-alpha');
		await ui.press('j');
		await ui.see('in-beta');
		await ui.press(KEY.up);
		await ui.see('in-alpha');
		await ui.press(KEY.down);
		await ui.see('in-beta');
		await ui.press('k');
		await ui.see('in-alpha');
	});

	it('handles keys that arrive merged in one chunk one after another', async () => {
		await queue.post('alpha', [{value: 'in-alpha'}]);
		await queue.post('beta', [{value: 'in-beta'}]);
		ui = await renderApp(queue);
		await ui.see('in-alpha');
		await ui.type('j2');
		await ui.see('in-beta');
		await ui.see('record detail');
	});

	it('pages, seeks to start/end/offset, and g/G jump', async () => {
		await seed('big', 300);
		ui = await renderApp(queue);
		await ui.press('2');
		await ui.see(/Records big +0\.\.\d+ of 300/);
		await ui.press('G');
		await ui.see(/\.\.299 of 300/);
		await ui.press('g');
		await ui.see(/Records big +0\.\./);
		await ui.press(KEY.pageDown);
		await ui.see(/Records big +[1-9]\d*\.\./);
		await ui.press('s');
		await ui.see('Seek');
		await ui.press(KEY.down);
		await ui.press(KEY.down);
		await ui.press(KEY.enter);
		await ui.see('Seek to offset');
		await ui.type('150');
		await ui.press(KEY.enter);
		await ui.see(/Records big +150\.\./);
		await ui.see(/› +150 .*k150/);
		await ui.press('s');
		await ui.press(KEY.enter);
		await ui.see(/Records big +0\.\./);
		await ui.press('s');
		await ui.press(KEY.down);
		await ui.press(KEY.enter);
		await ui.see(/\.\.299 of 300/);
	});

	it('seeks by time to the first record at or after it', async () => {
		await queue.post('t', [{value: 'old'}]);
		await new Promise((r) => setTimeout(r, 30));
		const cut = new Date().toISOString();
		await new Promise((r) => setTimeout(r, 5));
		await queue.post('t', [{value: 'new-1'}, {value: 'new-2'}]);
		ui = await renderApp(queue);
		await ui.press('2');
		await ui.press('s');
		await ui.press(KEY.down);
		await ui.press(KEY.down);
		await ui.press(KEY.down);
		await ui.press(KEY.enter);
		await ui.see('Seek to time');
		await ui.type(cut);
		await ui.press(KEY.enter);
		await ui.see('seeked to offset 1');
		await ui.see(/› +1 .*new-1/);
		await waitFor(() => expect(ui!.frame()).not.toMatch(/ old\b/));
	});

	it('rejects a bad seek offset with a message', async () => {
		await seed('t', 5);
		ui = await renderApp(queue);
		await ui.press('2');
		await ui.press('s');
		await ui.press(KEY.down);
		await ui.press(KEY.down);
		await ui.press(KEY.enter);
		await ui.type('abc');
		await ui.press(KEY.enter);
		await ui.see("'abc' is not an offset");
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui!.frame()).not.toContain('Seek to offset'));
	});

	it('follows the tail: new records appear without keys', async () => {
		await seed('live', 50);
		ui = await renderApp(queue);
		await ui.press('2');
		await ui.press('f');
		await ui.see('FOLLOW');
		await ui.see('k49');
		await queue.post('live', [{key: 'fresh', value: 'just-now'}]);
		await ui.see('just-now');
		await ui.press('f');
		await waitFor(() => expect(ui!.frame()).not.toContain('FOLLOW'));
	});

	it('filters on key, value and header text, and clears the filter', async () => {
		await queue.post('f', [
			{key: 'apple', value: 'red'},
			{key: 'b', value: 'banana'},
			{key: 'c', value: 'x', headers: {fruit: 'cherry'}},
			{key: 'd', value: 'zilch'},
		]);
		ui = await renderApp(queue);
		await ui.press('2');
		await ui.see('zilch');
		let previous = '';
		for (const [text, shows] of [
			['apple', 'red'],
			['banana', 'banana'],
			['cherry', 'fruit=cherry'],
		] as const) {
			await ui.press('/');
			await ui.see('Filter records on');
			await ui.press(KEY.enter); // any field
			await ui.see('Filter records on key, value or header');
			// The field starts with the current filter, for editing: clear it.
			for (const _ of previous) await ui.press('\u007F');
			await ui.type(text);
			previous = text;
			await ui.press(KEY.enter);
			await ui.see(`filter "${text}"`);
			// The title changes at once; the filtered page follows its load.
			await waitFor(() => {
				const f = ui!.frame();
				expect(f).toContain(shows);
				expect(f).not.toContain('zilch');
			});
		}
		await ui.press('/');
		await ui.press(KEY.enter);
		for (const _ of previous) await ui.press('\u007F');
		await ui.press(KEY.enter);
		await ui.see('zilch');
		expect(ui.frame()).not.toContain('filter "');
	});

	it('opens a record in detail with pretty JSON, toggles raw, and closes with Esc', async () => {
		await queue.post('j', [{key: 'doc', value: '{"name":"flash","tags":["a","b"]}', headers: {type: 'json'}}]);
		ui = await renderApp(queue);
		await ui.press('2');
		await ui.press(KEY.enter);
		let f = await ui.see('Record j @ 0');
		expect(f).toContain('"name": "flash"');
		expect(f).toContain('type = json');
		expect(f).toContain('JSON, pretty');
		await ui.press('v');
		f = await ui.see('{"name":"flash","tags":["a","b"]}');
		expect(f).toContain('raw');
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui!.frame()).not.toContain('Record j @ 0'));
		expect(ui.frame()).toContain('2 Records');
	});

	it('creates a group, commits an offset, rewinds it and deletes the group', async () => {
		await seed('orders', 10);
		ui = await renderApp(queue);
		await ui.press('3');
		await ui.press('c');
		await ui.see('Create consumer group');
		await ui.type('billing');
		await ui.press(KEY.enter);
		await ui.see('created group billing');
		await ui.see(/billing +\(no commits\)/);
		await ui.press('o');
		const form = await ui.see('Commit offset for group billing');
		expect(lineWith(form, 'offset:')).toContain('10');
		await ui.press(KEY.enter);
		for (let i = 0; i < 3; i++) await ui.press('\u007F');
		await ui.type('4');
		await ui.press(KEY.enter);
		await ui.see('committed billing on orders at 4');
		await ui.see(/› billing\/orders +4 +10 +6/); // commit, high water mark, lag
		expect(queue.committedOffset('billing', 'orders').committedOffset).toBe(4);
		await ui.press('r');
		await ui.see('rewound billing on orders to 0');
		await ui.see(/› billing\/orders +0 +10 +10/);
		await ui.press('d');
		await ui.see('Delete consumer group billing?');
		await ui.press(KEY.down);
		await ui.press(KEY.enter);
		await ui.see('deleted group billing');
		await ui.see('no groups');
		expect(queue.groups()).toEqual([]);
	});

	it('shows engine errors from group actions as messages', async () => {
		await queue.createGroup('dup');
		ui = await renderApp(queue);
		await ui.press('3');
		await ui.press('c');
		await ui.type('dup');
		await ui.press(KEY.enter);
		await ui.see(/create group failed: .*already exists/);
		await ui.press(KEY.escape);
		await ui.press('o');
		await ui.see('no topic to commit for');
	});

	it('shows the help overlay with every key, and closes it', async () => {
		ui = await renderApp(queue);
		await ui.press('?');
		// At 100x30 the help scrolls: what is not on the first screen comes into view with PgDn.
		const seen = [await ui.see('Help: keys')];
		for (let i = 0; i < 3; i++) {
			await ui.press(KEY.pageDown);
			seen.push(ui.frame());
		}
		const f = seen.join('\n');
		for (const text of ['Tab/S-Tab', 'produce a record', 'seek', 'follow', 'filter', 'JSON pretty/raw', 'create group', 'rewind to 0', 'Ctrl+C', 'quit', 'guided tour', 'byte inspector', 'Tour (t)', 'back one step', 'restart lesson', 'answer a prediction', 'leave (your engine)', 'export to .jsonl', 'prev/next record', 'copy to .json file', 'Filter (/)', 'name[=value|=/re/]', 'regular expression']) {
			expect(f).toContain(text);
		}
		expect(f).toMatch(/1-7 \(8\) +pane \(8 = Server\)/);
		expect(f).toMatch(/m +log map on\/off \(9\)/);
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui!.frame()).not.toContain('Help: keys'));
		await ui.press('?');
		await ui.see('Help: keys');
		await ui.press('?');
		await waitFor(() => expect(ui!.frame()).toContain('1 Topics'));
	});

	it('quits with q, and with Ctrl+C even inside a form', async () => {
		ui = await renderApp(queue);
		await ui.press('q');
		await waitFor(() => expect(ui!.quits).toBe(1));
		ui.unmount();
		ui = await renderApp(queue);
		await ui.press('p');
		await ui.press(KEY.ctrlC);
		await waitFor(() => expect(ui!.quits).toBe(1));
	});

	it('logs engine steps in Events, coalescing a burst', async () => {
		ui = await renderApp(queue);
		await queue.post('e', [{value: 'x'}]);
		// The topic's creation is checked while its line is among the newest: the pane shows the last
		// ten lines, and a burst that outlasts one coalescing window (1 s, a loaded machine) adds a
		// set of lines per window, pushing it out.
		const first = await ui.see(/append e: 1 rec/);
		expect(first).toContain('topic.create e');
		// Posted together, the burst lands in one window however slow each post is.
		await Promise.all(Array.from({length: 20}, () => queue.post('e', [{value: 'y'}])));
		const f = await ui.see(/append x\d+ e: \d+ rec/);
		// The pane's own reads are not the engine's story.
		expect(f).not.toMatch(/poll e: from/);
	});

	it.runIf(backend.persistent)('shows WAL, cache and offset index figures of file storage change', async () => {
		ui = await renderApp(queue);
		await queue.post('w', [{value: 'one'}]);
		let f = await ui.see(/fsyncs \d+/);
		expect(f).toContain(`sync ${backend.name.split('/')[1]}`);
		expect(f).not.toContain('memory storage');
		const fsyncs = () => Number(/fsyncs (\d+)/.exec(ui!.frame())?.[1]);
		const before = fsyncs();
		await queue.post('w', Array.from({length: 50}, (_, i) => ({value: `v${i}`})));
		await queue.poll('w', {fromOffset: 10, maxRecords: 5});
		await queue.poll('w', {fromOffset: 10, maxRecords: 5});
		f = await ui.see(/hits [1-9]/);
		expect(f).toMatch(/entries \d+/);
		if (backend.name === 'file/always') await waitFor(() => expect(fsyncs()).toBeGreaterThan(before));
		await ui.see(/wal\.write( x\d+)? w:/);
	});

	it('lays out for 160x45 with the same panes and room for more lines', async () => {
		await seed('wide', 40);
		ui = await renderApp(queue, {size: {columns: 160, rows: 45}});
		const f = await ui.see('k0');
		expect(f).toContain('Offset Index');
		expect(f.split('\n').length).toBeLessThanOrEqual(44);
		expect(f).toContain('k20');
	});
});

describe('Server pane in the app', () => {
	it('appears with a server and shows its requests', async () => {
		const queue = await FlashQ.open({storage: 'memory'});
		const {EventHub} = await import('../../source/core/event-hub.js');
		const events = new EventHub<import('../../source/server/types.js').RequestEvent>({flushIntervalMs: 5});
		const server = {url: 'http://127.0.0.1:9999', stats: () => ({requests: 1, errors: 0, inFlight: 0}), events};
		const ui = await renderApp(queue, {server});
		try {
			await ui.see('8 Server');
			events.emit({type: 'request', at: Date.now(), method: 'POST', path: '/topics/x/records', status: 201, latencyMs: 2});
			await ui.see(/│ POST +\/t/);
			expect(ui.frame()).toContain('server http://127.0.0.1:9999');
			await ui.press('8');
			await ui.see('╔');
		} finally {
			ui.unmount();
			await queue.close();
		}
	});
});
