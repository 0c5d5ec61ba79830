import {afterEach, describe, expect, it} from 'vitest';
import type {Lesson} from '../../../source/ui/tour/lesson.js';
import {topicsLesson} from '../../../source/ui/tour/lessons/01-topics.js';
import {groupsLesson} from '../../../source/ui/tour/lessons/07-groups.js';
import {createRandom, deriveSeed, mulberry32} from '../../../source/ui/tour/random.js';
import {tourKeyAction} from '../../../source/ui/tour/keys.js';
import {TourRunner} from '../../../source/ui/tour/runner.js';

const runners: TourRunner[] = [];
const make = (lessons: readonly Lesson[], seed = 7) => {
	const runner = new TourRunner({lessons, seed, storage: 'memory'});
	runners.push(runner);
	return runner;
};
afterEach(async () => {
	await Promise.all(runners.splice(0).map((r) => r.dispose()));
});

describe('random', () => {
	it('repeats for a seed and differs between seeds', () => {
		const a = mulberry32(42);
		const b = mulberry32(42);
		const c = mulberry32(43);
		const first = [a(), a(), a()];
		expect([b(), b(), b()]).toEqual(first);
		expect(c()).not.toBe(first[0]);
		for (const x of first) expect(x >= 0 && x < 1).toBe(true);
	});

	it('derives distinct, stable seeds per label', () => {
		expect(deriveSeed(1, 'topics', 0)).toBe(deriveSeed(1, 'topics', 0));
		expect(deriveSeed(1, 'topics', 0)).not.toBe(deriveSeed(1, 'topics', 1));
		expect(deriveSeed(1, 'topics', 0)).not.toBe(deriveSeed(2, 'topics', 0));
		const rng = createRandom(5);
		for (let i = 0; i < 100; i++) expect(rng.int(3)).toBeLessThan(3);
		expect(() => rng.pick([])).toThrow(RangeError);
	});
});

/** A lesson whose facts expose how many times each step ran and on which engine. */
const probe: Lesson = {
	id: 'probe',
	title: 'Probe',
	summary: 'test',
	storage: 'any',
	steps: [0, 1, 2].map((i) => ({
		title: `s${i}`,
		before: `before ${i}`,
		highlight: ['Topics'] as const,
		question: i === 1 ? {prompt: 'p?', choices: [{key: '1', label: 'x'}, {key: '2', label: 'y'}], answer: '2'} : undefined,
		async run(ctx) {
			const [o] = await ctx.engine.post('t', [{value: `v${ctx.rng.int(1_000_000)}`}]);
			ctx.fact(`offset${i}`, o!.offset);
		},
		after: (f) => `after ${i}: ${String(f[`offset${i}`])}`,
	})),
};

/** A lesson whose first step posts three records one by one through `pace`, on a topic it names. */
const paced: Lesson = {
	id: 'paced',
	title: 'Paced',
	summary: 'The intro sentence.',
	storage: 'any',
	steps: [
		{
			title: 'three posts',
			before: 'b0',
			highlight: ['Topics'],
			topic: 'climb',
			async run(ctx) {
				for (let i = 0; i < 3; i++) {
					if (i > 0) await ctx.pace();
					await ctx.engine.post('climb', [{value: String(i)}]);
				}
				ctx.fact('posted', 3);
			},
			after: (f) => `posted ${String(f['posted'])}`,
		},
		{title: 'second', before: 'b1', highlight: ['Topics'], topic: (f) => (f['posted'] === 3 ? 'from-facts' : null), run: async () => undefined, after: () => 'a1'},
	],
};

describe('TourRunner pacing, reading time, topic and intro', () => {
	it('paces a step only when asked to (interactive), and never while replaying it', async () => {
		const waits: number[] = [];
		const runner = new TourRunner({lessons: [paced], seed: 1, storage: 'memory', paceMs: 250, sleep: async (ms) => void waits.push(ms)});
		runners.push(runner);
		await runner.start(0);
		await runner.next();
		expect(waits).toEqual([250, 250]);
		await runner.next();
		await runner.next();
		await runner.back();
		// Back from step 2's result replays step 1 silently: no pause.
		expect(runner.snapshot().stepIndex).toBe(1);
		expect(waits).toEqual([250, 250]);
		const quick = make([paced]);
		await quick.playLesson(0);
		expect(quick.lessonFacts()['posted']).toBe(3);
	});

	it('a key n is swallowed until the showing text has been on screen minReadMs: a double n never skips an explanation', async () => {
		let now = 1000;
		const runner = new TourRunner({lessons: [paced], seed: 1, storage: 'memory', minReadMs: 800, now: () => now});
		runners.push(runner);
		const n = async () => {
			const action = tourKeyAction(runner, {name: 'char', text: 'n', ctrl: false, meta: false, shift: false, sequence: 'n'});
			while (runner.isBusy) await new Promise((resolve) => setTimeout(resolve, 1));
			return action;
		};
		await runner.start(0);
		expect(await n()).toBe('next');
		expect(runner.snapshot().phase).toBe('before');
		now += 800;
		await n();
		expect(runner.snapshot().phase).toBe('after');
		// The second n of a double press arrives at once: the result stays.
		await n();
		expect(runner.snapshot()).toMatchObject({phase: 'after', stepIndex: 0, after: 'posted 3'});
		now += 799;
		await n();
		expect(runner.snapshot().stepIndex).toBe(0);
		now += 1;
		await n();
		expect(runner.snapshot()).toMatchObject({phase: 'before', stepIndex: 1});
		// The runner's own API (tests, --once) is not a reader: it moves at once.
		await runner.next();
		expect(runner.snapshot()).toMatchObject({phase: 'after', stepIndex: 1});
	});

	it("names the step's topic (a string, or from the facts) and shows the lesson's intro until the first step has run", async () => {
		const runner = make([paced]);
		await runner.start(0);
		expect(runner.snapshot()).toMatchObject({topic: 'climb', intro: 'The intro sentence.'});
		await runner.next();
		expect(runner.snapshot()).toMatchObject({topic: 'climb', intro: null});
		await runner.next();
		expect(runner.snapshot()).toMatchObject({topic: 'from-facts', intro: null, stepIndex: 1});
	});
});

describe('TourRunner', () => {
	it('walks before → after → next step, with header and highlight', async () => {
		const runner = make([probe, probe]);
		await runner.start();
		let s = runner.snapshot();
		expect(s).toMatchObject({phase: 'before', stepIndex: 0, header: 'Lesson 1/2  Step 1/3', before: 'before 0', after: null, highlight: ['Topics']});
		await runner.next();
		s = runner.snapshot();
		expect(s).toMatchObject({phase: 'after', after: 'after 0: 0'});
		await runner.next();
		expect(runner.snapshot()).toMatchObject({phase: 'before', stepIndex: 1, header: 'Lesson 1/2  Step 2/3'});
	});

	it('checks a prediction: only listed keys, only before the run', async () => {
		const runner = make([probe]);
		await runner.start();
		await runner.next();
		await runner.next();
		expect(runner.answer('9')).toBe(false);
		expect(runner.answer('1')).toBe(true);
		expect(runner.snapshot()).toMatchObject({answer: '1', correct: null});
		await runner.next();
		expect(runner.snapshot()).toMatchObject({phase: 'after', answer: '1', correct: false});
		expect(runner.answer('2')).toBe(false);
	});

	it('back replays steps 1..i-1 on a fresh engine with the same seed', async () => {
		const runner = make([probe]);
		await runner.start();
		await runner.next();
		await runner.next();
		await runner.next();
		const firstEngine = runner.engine;
		const factsBefore = {...runner.lessonFacts()};
		const value = (await firstEngine!.poll('t')).records.map((r) => r.value);
		await runner.back();
		const s = runner.snapshot();
		expect(s).toMatchObject({phase: 'before', stepIndex: 1, replaying: false});
		expect(runner.engine).not.toBe(firstEngine);
		expect(firstEngine!.isClosed).toBe(true);
		// Step 1 ran again: same facts, same generated value, and step 2's effect is gone.
		expect(runner.lessonFacts()).toEqual({offset0: factsBefore['offset0']});
		expect((await runner.engine!.poll('t')).records.map((r) => r.value)).toEqual(value.slice(0, 1));
		await runner.back();
		expect(runner.snapshot()).toMatchObject({phase: 'before', stepIndex: 0});
		expect(runner.engine!.topics()).toEqual([]);
	});

	it('restart, lesson change at the end, and finished after the last lesson', async () => {
		const runner = make([probe, probe]);
		await runner.start();
		await runner.next();
		await runner.restart();
		expect(runner.snapshot()).toMatchObject({phase: 'before', stepIndex: 0, after: null});
		for (let i = 0; i < 6; i++) await runner.next();
		expect(runner.snapshot()).toMatchObject({lessonIndex: 1, stepIndex: 0, phase: 'before'});
		await runner.back();
		expect(runner.snapshot()).toMatchObject({lessonIndex: 0, stepIndex: 2, phase: 'before'});
		await runner.goToLesson(1);
		for (let i = 0; i < 6; i++) await runner.next();
		expect(runner.snapshot().phase).toBe('finished');
	});

	it('notifies subscribers with a new snapshot object, and ignores keys while busy', async () => {
		const runner = make([probe]);
		const seen: string[] = [];
		runner.subscribe(() => seen.push(runner.snapshot().phase));
		const first = runner.start();
		const ignored = runner.next();
		expect(runner.snapshot().busy).toBe(true);
		await Promise.all([first, ignored]);
		expect(runner.snapshot()).toMatchObject({phase: 'before', stepIndex: 0, busy: false});
		expect(seen).toContain('running');
		expect(seen.at(-1)).toBe('before');
	});

	it('a failing step shows its error instead of crashing', async () => {
		const failing: Lesson = {...probe, steps: [{...probe.steps[0]!, run: () => Promise.reject(new Error('boom'))}]};
		const runner = make([failing]);
		await runner.start();
		await runner.next();
		expect(runner.snapshot()).toMatchObject({phase: 'error', error: 'boom'});
	});

	it('leave keeps the engine open for exploration', async () => {
		const runner = make([probe]);
		await runner.start();
		await runner.next();
		const {engine} = runner.leave();
		await runner.dispose();
		expect(engine!.isClosed).toBe(false);
		expect(engine!.topics()[0]!.highWaterMark).toBe(1);
		await engine!.close();
	});
});

describe('lessons on memory storage', () => {
	it('lesson 1 (topics and offsets) gives the same facts twice', async () => {
		const a = await make([topicsLesson]).playLesson(0);
		const b = await make([topicsLesson]).playLesson(0);
		expect(a.facts).toEqual(b.facts);
		expect(a.after).toEqual(b.after);
		expect(a.facts).toMatchObject({
			ordersOffsets: [0, 1, 2],
			ordersHwm: 3,
			clicksOffsets: [0, 1],
			topicCount: 2,
			moreOffsets: [3, 4, 5, 6],
			ordersHwmAfter: 7,
			pollOffsets: [4, 5],
			pollNext: 6,
			pollLag: 1,
			pollAgainSame: true,
		});
		// Values come from the seed: another seed gives other values.
		const c = await make([topicsLesson], 8).playLesson(0);
		expect(c.facts['pollValues']).not.toEqual(a.facts['pollValues']);
	});

	it('lesson 7 (groups, commits, lag) gives the same facts twice', async () => {
		const a = await make([groupsLesson]).playLesson(0);
		const b = await make([groupsLesson]).playLesson(0);
		expect(a.facts).toEqual(b.facts);
		expect(a.facts).toMatchObject({
			createdCommitted: 0,
			createdLag: 12,
			fetchedOffsets: [0, 1, 2, 3, 4],
			fetchCommitted: 0,
			fetchLag: 12,
			committed: 5,
			lagAfterCommit: 7,
			nextFetchOffset: 5,
			hwmAfterMore: 15,
			lagAfterMore: 10,
			auditLag: 15,
			billingLagStill: 10,
			groupCount: 2,
			lagAfterRewind: 15,
			rewindFirstOffset: 0,
		});
		expect(a.after[3]).toContain('lag grew to 10 = 15 - 5');
	});

	it('the right answers of lessons 1 and 7 are the ones the engine produces', async () => {
		const runner = make([topicsLesson]);
		await runner.start();
		await runner.next();
		await runner.next();
		runner.answer(topicsLesson.steps[1]!.question!.answer);
		await runner.next();
		expect(runner.snapshot().correct).toBe(true);
	});
});

describe('tourTranscript', () => {
	it('writes every step with its prediction, answer and real numbers, the same for the same seed', async () => {
		const {tourTranscript} = await import('../../../source/ui/tour/transcript.js');
		const a = await tourTranscript([topicsLesson, groupsLesson], {seed: 4, storage: 'memory'});
		const b = await tourTranscript([topicsLesson, groupsLesson], {seed: 4, storage: 'memory'});
		expect(a).toBe(b);
		expect(a).toContain('Lesson 1/2: Topics, records and offsets');
		expect(a).toContain('  Step 2/4: Offsets are per topic  [watch Topics, Records]');
		expect(a).toContain('      [1] 0  <- answer');
		expect(a).toContain("    => 'clicks' started again at offset 0 (offsets 0..1)");
		expect(a).toContain('Lesson 2/2: Consumer groups, commits and lag');
		expect(a).toContain('lag grew to 10 = 15 - 5');
	});
});
