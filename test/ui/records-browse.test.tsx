import {mkdtemp, readFile, rm, readdir} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import type {PollOptions, RecordWithOffset} from '../../source/engine/types.js';
import {EXPORT_PAGE_BYTES} from '../../source/ui/records-export.js';
import {KEY, type Rendered, lineWith, renderApp, waitFor} from './helpers.js';

// Export, the field filters, the detail's next/previous and copy, on the in-process memory engine.
describe('Records pane: export, filters, detail next/previous, copy', () => {
	let queue: FlashQ;
	let dir: string;
	let ui: Rendered | undefined;

	beforeEach(async () => {
		queue = await FlashQ.open({storage: 'memory'});
		dir = await mkdtemp(path.join(tmpdir(), 'flashq-records-'));
		typed = new Map();
	});

	afterEach(async () => {
		ui?.unmount();
		ui = undefined;
		await queue.close();
		await rm(dir, {recursive: true, force: true});
	});

	const seed = async (topic: string, n: number, make = (i: number): {key: string; value: string; headers?: Record<string, string>} => ({key: `k${i}`, value: `v${i}`})) => {
		for (let i = 0; i < n; i += 1000) await queue.post(topic, Array.from({length: Math.min(1000, n - i)}, (_, j) => make(i + j)));
	};
	const open = async (engine?: FlashQ) => {
		ui = await renderApp(queue, {props: {exportDir: dir, ...(engine ? {engine} : {})}});
		return ui;
	};
	/** The records in the file, parsed line by line (each line one JSON object). */
	const readLines = async (file: string) => {
		const text = await readFile(file, 'utf8');
		expect(text.endsWith('\n')).toBe(true);
		return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
	};
	const shape = (r: RecordWithOffset) => ({offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers});
	const all = async (topic: string) => (await queue.peek(topic, {fromOffset: 0})).records;

	/** The text each field's filter had (the form starts with it, for editing, when the field is the same). */
	let typed = new Map<number, string>();
	/** Opens the filter form (/) on `field` (its line in the choice) and submits `text`. */
	const filterOn = async (line: number, text: string) => {
		await ui!.press('/');
		await ui!.see('Filter records on');
		await ui!.press(String(line));
		await ui!.see(/Filter records on (key|value|header)/);
		for (const _ of typed.get(line) ?? '') await ui!.press('\u007F');
		typed = new Map([[line, text]]);
		await ui!.type(text);
		await ui!.press(KEY.enter);
	};
	/** The offsets the Records pane lists (the lines below its column header). */
	const shownOffsets = (frame: string): number[] =>
		frame
			.split('\n')
			.map((line) => /[│║] [› ] +(\d+) \S+ +k/.exec(line)?.[1])
			.filter((o): o is string => o !== undefined)
			.map(Number);

	it('e exports the whole topic to <topic>-<from>-<to>.jsonl page by page, with peeks counted nowhere', async () => {
		await seed('orders', 2500, (i) => ({key: `k${i}`, value: `{"n":${i}}`, headers: i % 2 ? {h: String(i)} : undefined}));
		const polls = queue.stats().totals;
		await open();
		await ui!.press('2');
		await ui!.press('e');
		const form = await ui!.see('Export orders to JSON Lines');
		expect(lineWith(form, 'from offset')).toContain('0');
		expect(lineWith(form, 'to offset')).toContain('2499');
		await ui!.press(KEY.enter);
		await ui!.press(KEY.enter);
		const file = path.join(dir, 'orders-0-2499.jsonl');
		await ui!.see(`exported 2500 records to ${file}`);
		expect(await readLines(file)).toEqual((await all('orders')).map(shape));
		const lines = await readLines(file);
		expect(lines[1]).toEqual({offset: 1, timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), key: 'k1', value: '{"n":1}', headers: {h: '1'}});
		expect(lines[0]!['headers']).toBeNull();
		expect(queue.stats().totals.polls).toBe(polls.polls);
		expect(queue.stats().totals.recordsRead).toBe(polls.recordsRead);
	});

	it('exports only the offsets asked for, and rejects a range past the last record', async () => {
		await seed('orders', 50);
		await open();
		await ui!.press('2');
		await ui!.press('e');
		await ui!.see('Export orders');
		await ui!.press('\u007F');
		await ui!.type('10');
		await ui!.press(KEY.enter);
		for (let i = 0; i < 2; i++) await ui!.press('\u007F');
		await ui!.type('50');
		await ui!.press(KEY.enter);
		await ui!.see('offset 50 is beyond the last record (49)');
		for (let i = 0; i < 2; i++) await ui!.press('\u007F');
		await ui!.type('19');
		await ui!.press(KEY.enter);
		const file = path.join(dir, 'orders-10-19.jsonl');
		await ui!.see(`exported 10 records to ${file}`);
		expect((await readLines(file)).map((l) => l['offset'])).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
		expect(await readdir(dir)).toEqual(['orders-10-19.jsonl']);
	});

	it('with a filter active, exports exactly the records the filter selects', async () => {
		await seed('orders', 1200);
		await open();
		await ui!.press('2');
		await filterOn(2, '/^k1\\d$/');
		await ui!.see('filter key /^k1\\d$/');
		await ui!.press('e');
		await ui!.see('Export orders (filter key /^k1\\d$/)');
		await ui!.press(KEY.enter);
		await ui!.press(KEY.enter);
		const file = path.join(dir, 'orders-0-1199.jsonl');
		await ui!.see(`exported 10 records of 1200 (filter key /^k1\\d$/) to ${file}`);
		const expected = (await all('orders')).filter((r) => /^k1\d$/.test(r.key!)).map(shape);
		expect(expected).toHaveLength(10);
		expect(await readLines(file)).toEqual(expected);
	});

	it('shows the export progress page by page, in the footer', async () => {
		await seed('orders', 2500);
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		// The export's reads (its byte bound tells them apart) wait at the second page until released.
		const engine = new Proxy(queue, {
			get(target, property) {
				if (property === 'peek') {
					return async (topic: string, options: PollOptions = {}) => {
						if (options.maxBytes === EXPORT_PAGE_BYTES && (options.fromOffset ?? 0) >= 1000) await gate;
						return target.peek(topic, options);
					};
				}
				const value: unknown = Reflect.get(target, property, target);
				return typeof value === 'function' ? value.bind(target) : value;
			},
		});
		await open(engine);
		await ui!.press('2');
		await ui!.press('e');
		await ui!.press(KEY.enter);
		await ui!.press(KEY.enter);
		await ui!.see('exporting orders: 1000/2500 read, 1000 written');
		release();
		await ui!.see('exported 2500 records');
		expect(await readLines(path.join(dir, 'orders-0-2499.jsonl'))).toHaveLength(2500);
	});

	it('says why when the file cannot be written, and keeps running', async () => {
		await seed('orders', 3);
		const missing = path.join(dir, 'no-such-dir');
		// Wide enough for the whole message in the footer.
		ui = await renderApp(queue, {size: {columns: 200, rows: 30}, props: {exportDir: missing}});
		await ui.press('2');
		await ui.press('e');
		await ui.press(KEY.enter);
		await ui.press(KEY.enter);
		await ui.see(`export to ${path.join(missing, 'orders-0-2.jsonl')} failed: no such file or directory (ENOENT)`);
		await ui.press(KEY.enter);
		await ui.see('Record orders @ 0');
	});

	it('filters by key, value, header name, header name=value and regular expression separately', async () => {
		await queue.post('f', [
			{key: 'apple', value: 'banana'},
			{key: 'banana', value: 'apple pie'},
			{key: 'cherry', value: 'x', headers: {fruit: 'apple'}},
			{key: 'date', value: 'y', headers: {fruit: 'apples', size: 'L'}},
			{key: 'elder', value: 'Zilch'},
		]);
		await open();
		await ui!.press('2');
		await ui!.see('elder');
		const expectKeys = async (title: string, keys: string[]) => {
			await ui!.see(`filter ${title}`);
			await waitFor(() => {
				const f = ui!.frame();
				const shown = ['apple', 'banana', 'cherry', 'date', 'elder'].filter((k) => new RegExp(`[│║] [› ] +\\d+ \\S+ +${k} `).test(f));
				expect(shown).toEqual(keys);
			});
		};
		await filterOn(2, 'apple');
		await expectKeys('key "apple"', ['apple']);
		await filterOn(3, 'APPLE');
		await expectKeys('value "APPLE"', ['banana']);
		await filterOn(4, 'size');
		await expectKeys('header "size"', ['date']);
		await filterOn(4, 'fruit=apple');
		await expectKeys('header "fruit=apple"', ['cherry']);
		await filterOn(4, 'fruit=/^apples?$/');
		await expectKeys('header "fruit=/^apples?$/"', ['cherry', 'date']);
		await filterOn(3, '/^z/i');
		await expectKeys('value /^z/i', ['elder']);
		await filterOn(1, '/an.n/');
		await expectKeys('/an.n/', ['apple', 'banana']);
		// 5 clears the filter.
		await ui!.press('/');
		await ui!.press('5');
		await waitFor(() => expect(ui!.frame()).not.toContain('filter '));
		await ui!.see('elder');
	});

	it('reports an invalid regular expression in the form, without filtering or throwing', async () => {
		await seed('f', 3);
		await open();
		await ui!.press('2');
		await filterOn(3, '/a(/');
		const f = await ui!.see('invalid regular expression /a(/');
		expect(f).toContain('Filter records on value');
		await ui!.press(KEY.escape);
		await waitFor(() => expect(ui!.frame()).not.toContain('Filter records'));
		expect(ui!.frame()).not.toContain('filter ');
		expect(shownOffsets(ui!.frame())).toEqual([0, 1, 2]);
		await filterOn(4, '=x');
		await ui!.see('a header filter is name, name=value, name=/regex/ or /regex/');
	});

	it('the detail view moves to the next and previous record, says so at the ends, and the pane follows', async () => {
		await seed('t', 3);
		await open();
		await ui!.press('2');
		await ui!.press(KEY.enter);
		let f = await ui!.see('Record t @ 0');
		expect(f).toContain('prev/next record');
		await ui!.press(KEY.left);
		await ui!.see('0 is the first record (no previous)');
		await ui!.press(KEY.right);
		f = await ui!.see('Record t @ 1');
		expect(lineWith(f, 'key ')).toContain('k1');
		await ui!.press('l');
		await ui!.see('Record t @ 2');
		await ui!.press('l');
		await ui!.see('2 is the last record (no next)');
		expect(ui!.frame()).toContain('Record t @ 2');
		await ui!.press('h');
		await ui!.see('Record t @ 1');
		await ui!.press(KEY.escape);
		await ui!.see(/› +1 .*k1/);
	});

	it('with a filter, next and previous skip to the records it selects', async () => {
		await seed('t', 40);
		await open();
		await ui!.press('2');
		await filterOn(2, '/^k\\d*5$/'); // k5, k15, k25, k35
		await ui!.see(/› +5 .*k5 /);
		await ui!.press(KEY.enter);
		await ui!.see('Record t @ 5');
		await ui!.press(KEY.right);
		await ui!.see('Record t @ 15');
		await ui!.press(KEY.right);
		await ui!.see('Record t @ 25');
		await ui!.press(KEY.left);
		await ui!.see('Record t @ 15');
		await ui!.press(KEY.left);
		await ui!.press(KEY.left);
		await ui!.see('5 is the first record the filter selects (no previous)');
	});

	it('c in the detail view copies the record as JSON to <topic>-<offset>.json and says where', async () => {
		await queue.post('t', [{value: 'zero'}, {key: 'doc', value: '{"a":1}', headers: {type: 'json'}}]);
		await open();
		await ui!.press('2');
		await ui!.press(KEY.enter);
		await ui!.press(KEY.right);
		await ui!.see('Record t @ 1');
		await ui!.press('c');
		const file = path.join(dir, 't-1.json');
		await ui!.see(`copied t@1 to ${file}`);
		const [record] = (await queue.peek('t', {fromOffset: 1, maxRecords: 1})).records;
		expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({offset: 1, timestamp: record!.timestamp, key: 'doc', value: '{"a":1}', headers: {type: 'json'}});
		expect(ui!.frame()).toContain('Record t @ 1');
	});
});
