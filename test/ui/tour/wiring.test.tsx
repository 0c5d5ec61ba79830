/**
 * The tour and the byte inspector inside the real app (TuiRoot, as runTui renders it): `t` starts
 * the tour, its keys drive it, Esc leaves it back to the user's engine, `x` opens the byte inspector.
 */
import {render} from 'ink-testing-library';
import React from 'react';
import stripAnsi from 'strip-ansi';
import {afterEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {startServer} from '../../../source/server/server.js';
import type {ServerHandle} from '../../../source/server/types.js';
import {inspectRecord} from '../../../source/ui/inspector/inspect-record.js';
import {LESSONS} from '../../../source/ui/tour/lessons/index.js';
import {TourRunner} from '../../../source/ui/tour/runner.js';
import {TuiResources, TuiRoot, type TourSettings} from '../../../source/ui/tui-root.js';
import {KEY, tick, waitFor} from '../helpers.js';

const SIZE = {columns: 160, rows: 45};

interface Mounted {
	frame(): string;
	press(key: string): Promise<void>;
	/** Writes text in one chunk (a paste, a fast typist). */
	type(text: string): Promise<void>;
	see(text: string | RegExp, timeoutMs?: number): Promise<string>;
	resources: TuiResources;
	/** Waits until the tour runs no command (keys pressed meanwhile are ignored by design). */
	idle(): Promise<void>;
	quits: number;
	unmount(): void;
}

let mounted: Mounted | null = null;
const engines: FlashQ[] = [];
const servers: ServerHandle[] = [];

afterEach(async () => {
	mounted?.unmount();
	mounted = null;
	await Promise.allSettled(servers.splice(0).map((s) => s.close()));
	await Promise.allSettled(engines.splice(0).map((e) => e.close()));
});

async function mount(engine: FlashQ | null, tour: TourSettings = {seed: 1, pacing: {paceMs: 0, minReadMs: 0}}, resources = new TuiResources(), server: ServerHandle | null = null): Promise<Mounted> {
	let quits = 0;
	const instance = render(
		<TuiRoot engine={engine} server={server} tour={tour} resources={resources} size={SIZE} storeOptions={{minIntervalMs: 10, heartbeatMs: 50}} onQuit={() => quits++} />,
	);
	const frame = () => stripAnsi(instance.lastFrame() ?? '');
	const m: Mounted = {
		frame,
		type: (text) => m.press(text),
		async press(key) {
			const before = instance.frames.length;
			instance.stdin.write(key);
			const until = Date.now() + 150;
			while (instance.frames.length === before && Date.now() < until) await tick(5);
			await tick(10);
		},
		// Lesson steps run on file storage on a loaded machine: generous, polled, never asserted on time.
		see: (text, timeoutMs = 10_000) =>
			waitFor(() => {
				const f = frame();
				if (!(typeof text === 'string' ? f.includes(text) : text.test(f))) throw new Error(`frame does not show ${String(text)}:\n${f}`);
				return f;
			}, timeoutMs),
		resources,
		idle: () => waitFor(() => expect(resources.tour?.snapshot().busy ?? false).toBe(false), 10_000),
		get quits() {
			return quits;
		},
		unmount() {
			instance.unmount();
			void resources.dispose();
		},
	};
	await tick(30);
	return m;
}

const headerLine = (frame: string) => frame.split('\n')[0] ?? '';

describe('the tour wired into the app', () => {
	it('t starts the tour: header shows Lesson/Step, n runs and advances, panes follow the tour engine', async () => {
		const own = await FlashQ.open({storage: 'memory'});
		engines.push(own);
		const ui = (mounted = await mount(own));
		expect(headerLine(ui.frame())).not.toContain('Lesson');
		await ui.press('t');
		await ui.see('Lesson 1/8  Step 1/4');
		expect(headerLine(ui.frame())).toContain('Lesson 1/8  Step 1/4');
		expect(ui.frame()).toContain('Tour · Lesson 1/8  Step 1/4 · Topics, records and offsets');
		// The tour runs on its own engine (file storage in a temp dir), not the app's memory one.
		await ui.see(/storage file dir \S*flashq-tour-/);
		const tour = ui.resources.tour!;
		expect(tour).not.toBeNull();
		await ui.idle();
		await ui.press('n'); // run step 1: 3 records to 'orders'
		await ui.see('The records got offsets 0..2');
		await ui.see(/› orders +3 +3/);
		await ui.idle();
		await ui.press('n'); // to step 2 (a question)
		await ui.see('Lesson 1/8  Step 2/4');
		await ui.see('Predict: What offset will the first record of');
		await ui.idle();
		await ui.press('1');
		await waitFor(() => expect(tour.snapshot().answer).toBe('1'));
		await ui.press(' '); // Space runs it
		await ui.see('Your prediction was right');
		await ui.see(/clicks +2 +2/);
		const generation = tour.snapshot().engineGeneration;
		const firstEngine = tour.snapshot().engine;
		// The app's own engine was never touched.
		expect(own.topics()).toEqual([]);
		// A key pressed while a command still runs is ignored by design (no double step): wait it out.
		await ui.idle();
		await ui.press('b'); // back: the same step before it ran, replayed on a fresh engine
		await ui.see(/Lesson 1\/8 {2}Step 2\/4[\s\S]*1\/2\/3 predict · n\/Space run ·/);
		await waitFor(() => expect(tour.snapshot().phase).toBe('before'));
		// The panes re-bound to the replayed engine: step 1's topic is there, step 2's is not.
		expect(tour.snapshot().engineGeneration).toBeGreaterThan(generation);
		expect(tour.snapshot().engine).not.toBe(firstEngine);
		await waitFor(() => {
			const f = ui.frame();
			expect(f).toMatch(/› orders +3 +3/);
			expect(f).not.toMatch(/clicks +2 +2/);
		}, 10_000);
	}, 60_000);

	it("Esc leaves the tour back to the user's engine: their data is on screen again, the lesson's engine closes", async () => {
		const own = await FlashQ.open({storage: 'memory'});
		engines.push(own);
		await own.post('mine', [{value: 'my record'}, {value: 'another'}]);
		const ui = (mounted = await mount(own));
		await ui.see(/› mine +2 +2/);
		await ui.press('t');
		await ui.see('Lesson 1/8  Step 1/4');
		await ui.idle();
		await ui.press('n');
		await ui.see('The records got offsets 0..2');
		const tourEngine = ui.resources.tour!.snapshot().engine!;
		await ui.idle();
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui.frame()).not.toContain('Tour · Lesson'));
		expect(headerLine(ui.frame())).not.toContain('Lesson');
		expect(ui.frame()).not.toContain('exploring the tour engine');
		// The user's engine is back on screen, not the lesson's.
		await ui.see(/› mine +2 +2/);
		expect(ui.frame()).not.toMatch(/orders +3 +3/);
		expect(ui.resources.tour).toBeNull();
		expect(ui.resources.kept).toEqual([]);
		await waitFor(() => expect(tourEngine.isClosed).toBe(true));
		// Tour keys are plain keys again: n does nothing to a tour, and says so.
		await ui.press('n');
		await ui.see('n works in the tour (t starts it)');
		expect(ui.frame()).not.toContain('Lesson 1/8');
		await ui.press(KEY.escape); // ends the stray-key guard n armed
		// The app's keys act on the user's engine: produce through the form.
		await ui.press('p');
		await ui.see('Produce a record');
		for (const key of [KEY.enter, KEY.enter]) await ui.press(key); // topic (pre-filled 'mine'), key
		for (const ch of 'typed') await ui.press(ch);
		await ui.press(KEY.enter); // value → headers
		await ui.press(KEY.enter); // submit
		await ui.see('produced mine@2');
		await waitFor(() => expect(ui.frame()).not.toContain('Produce a record'));
		expect(own.stats().topics.find((t) => t.name === 'mine')?.highWaterMark).toBe(3);
		await ui.press('q');
		await waitFor(() => expect(ui.quits).toBe(1));
		await ui.resources.dispose();
		expect(own.isClosed).toBe(false); // the caller's engine is the caller's to close
	}, 60_000);

	it("--serve: during the tour the header says the server serves the user's queue; a record posted meanwhile shows after Esc", async () => {
		const own = await FlashQ.open({storage: 'memory'});
		engines.push(own);
		const server = await startServer({queue: own, port: 0});
		servers.push(server);
		const post = async (topic: string, value: string) => {
			const response = await fetch(`${server.url}/topics/${topic}/records`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({records: [{value}]})});
			expect(response.status).toBeLessThan(300);
		};
		const ui = (mounted = await mount(own, {seed: 1}, new TuiResources(), server));
		await ui.see(`server ${server.url}`);
		await ui.press('t');
		await ui.see('Lesson 1/8  Step 1/4');
		expect(headerLine(ui.frame())).toContain(`server ${server.url} (serves your queue, not the lesson's)`);
		expect(headerLine(ui.frame())).not.toContain('server off');
		await post('from-curl', 'during the tour');
		await ui.idle();
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui.frame()).not.toContain('Tour · Lesson'));
		// The server's engine is the one on screen again: what curl posted is there.
		await ui.see(/from-curl +1 +1/);
		expect(headerLine(ui.frame())).toContain(`server ${server.url}`);
		expect(headerLine(ui.frame())).not.toContain("not the lesson's");
		await post('from-curl', 'after the tour');
		await ui.see(/from-curl +2 +2/);
	}, 60_000);

	it('started by --tour (no engine of the user\'s): Esc opens a fresh memory engine, which works and closes at quit', async () => {
		const resources = new TuiResources();
		resources.tour = new TourRunner({lessons: LESSONS, seed: 1});
		await resources.tour.start(0);
		const ui = (mounted = await mount(null, {seed: 1}, resources));
		await ui.see('Lesson 1/8  Step 1/4');
		const tourEngine = resources.tour.snapshot().engine!;
		await ui.idle();
		await ui.press(KEY.escape);
		await ui.see('a fresh memory engine (t: the tour again)');
		await ui.see('storage memory');
		expect(ui.frame()).not.toContain('Tour · Lesson');
		expect(resources.kept).toHaveLength(1);
		const fresh = resources.kept[0]!.engine;
		expect(fresh.topics()).toEqual([]);
		await waitFor(() => expect(tourEngine.isClosed).toBe(true));
		await fresh.post('notes', [{value: 'hello'}]);
		await ui.see(/notes +1 +1/);
		await ui.press('q');
		await waitFor(() => expect(ui.quits).toBe(1));
		await resources.dispose();
		expect(fresh.isClosed).toBe(true);
	}, 60_000);

	it('a mistyped word in Topics does nothing: /total says where / works and neither starts the tour nor, with q, quits', async () => {
		const own = await FlashQ.open({storage: 'memory'});
		engines.push(own);
		await own.post('orders', [{value: 'total 1'}]);
		const ui = (mounted = await mount(own));
		await ui.see(/› orders/);
		// One chunk, as a fast typist or a paste delivers it (a pause of 1 s would end the word).
		await ui.type('/totalq');
		await ui.see('/ (filter) works in Records: press 2 to focus it');
		await ui.see("(ignored 'totalq')");
		expect(ui.resources.tour).toBeNull();
		expect(headerLine(ui.frame())).not.toContain('Lesson');
		expect(ui.quits).toBe(0);
		await ui.press(KEY.escape);
		// Another stray key names where it works.
		await ui.press('x');
		await ui.see('x (byte inspector) works in Records: press 2 to focus it');
		// The message's advice works at once: 2 focuses Records, where / opens the filter.
		await ui.press('2');
		await ui.press('/');
		await ui.see('Filter records');
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui.frame()).not.toContain('Filter records'));
		// t on its own still starts the tour.
		await ui.press('t');
		await ui.see('Lesson 1/8  Step 1/4');
	}, 60_000);

	it('q while in the tour: disposing the resources closes the tour engine', async () => {
		const resources = new TuiResources();
		resources.tour = new TourRunner({lessons: LESSONS, seed: 1});
		await resources.tour.start(0);
		const ui = (mounted = await mount(null, {seed: 1}, resources));
		await ui.see('Lesson 1/8  Step 1/4');
		const engine = resources.tour.snapshot().engine!;
		await ui.press('q');
		await waitFor(() => expect(ui.quits).toBe(1));
		await resources.dispose();
		expect(engine.isClosed).toBe(true);
		expect(resources.tour).toBeNull();
	}, 30_000);
});

describe('the byte inspector wired into the app', () => {
	it('x on a selected record of the tour engine shows its real frame with a valid CRC; Esc closes', async () => {
		const ui = (mounted = await mount(await FlashQ.open({storage: 'memory'}).then((e) => (engines.push(e), e))));
		await ui.press('t');
		await ui.see('Lesson 1/8  Step 1/4');
		await ui.idle();
		await ui.press('n');
		await ui.see('The records got offsets 0..2');
		await ui.press('2'); // focus Records
		await ui.see(/› +0 /);
		await ui.press('x');
		const f = await ui.see('Byte inspector');
		expect(f).toContain("Byte inspector · topic 'orders' · offset 0");
		expect(f).toMatch(/WAL \(not yet committed\) \S+flashq-tour-\S+ @ byte \d+/);
		expect(f).toMatch(/CRC stored 0x([0-9a-f]{8}), recomputed 0x\1 ✓ valid/);
		expect(f).toContain('magic');
		expect(f).toContain('"FQ"');
		expect(f).toContain('Esc/x close the byte inspector');
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui.frame()).not.toContain('Byte inspector'));
		// Esc closed the inspector only: the tour is still on.
		expect(ui.frame()).toContain('Tour · Lesson 1/8');
	}, 60_000);

	it('memory storage: x shows the frame file storage would write, CRC valid', async () => {
		const own = await FlashQ.open({storage: 'memory'});
		engines.push(own);
		await own.post('t1', [{key: 'k', value: 'hello', headers: {h: 'v'}}]);
		const ui = (mounted = await mount(own));
		await ui.see('t1');
		await ui.press('2');
		await ui.see(/› +0 /);
		await ui.press('x');
		const f = await ui.see('Byte inspector');
		expect(f).toContain('not on disk: the frame file storage would write for this record');
		expect(f).toContain('✓ valid');
		expect(f).toContain('"hello"');
		await ui.press('x'); // x closes too
		await waitFor(() => expect(ui.frame()).not.toContain('Byte inspector'));
		// From the record detail as well.
		await ui.press(KEY.enter);
		await ui.see('Record t1 @ 0');
		await ui.press('x');
		await ui.see('not on disk: the frame file storage would write');
		await ui.press(KEY.escape);
		await waitFor(() => expect(ui.frame()).not.toContain('Byte inspector'));
	}, 30_000);

	it("during the crash lesson the inspector finds the frame in the tour's fault layer (engine.locateRecord)", async () => {
		const resources = new TuiResources();
		const tour = (resources.tour = new TourRunner({lessons: LESSONS, seed: 1}));
		await tour.start(3);
		await tour.next(); // run step 1: power loss with sync=always, then recovery
		expect(tour.snapshot().phase).toBe('after');
		expect(tour.faultIo).not.toBeNull();
		const ui = (mounted = await mount(null, {seed: 1}, resources));
		await ui.see('Lesson 4/8  Step 1/4');
		await ui.press('2');
		await ui.see(/› +0 /);
		await ui.press('x');
		const f = await ui.see('Byte inspector');
		// The lesson's files exist only in the fault layer: found there, not "not on disk".
		expect(f).not.toContain('not on disk');
		expect(f).toMatch(/(main log|WAL \(not yet committed\)) \S+flashq-tour-\S+ @ byte \d+/);
		expect(f).toContain('✓ valid');
		// The frame shown is the one in the fault layer's log file, byte for byte.
		const engine = tour.snapshot().engine!;
		const topic = engine.topics()[0]!.name;
		const {records: [record]} = await engine.poll(topic, {fromOffset: 0, maxRecords: 1});
		const inspection = await inspectRecord(engine, topic, record!);
		expect(inspection.source).not.toBe('encoded');
		const onDisk = tour.faultIo!.contents(inspection.file!);
		expect(onDisk.subarray(inspection.position!, inspection.position! + inspection.bytes.length).equals(inspection.bytes)).toBe(true);
	}, 60_000);
});
