/**
 * A step's text may quote only figures the panes draw: every number in a step's result (`after`)
 * must be one its `cites` lists (which the fidelity test then finds on screen), or one the lesson
 * set up itself and said so in a step's plan (`before`, e.g. "10 records", "a threshold of 10").
 */
import {afterAll, describe, expect, it} from 'vitest';
import {LESSONS} from '../../../source/ui/tour/lessons/index.js';
import {TourRunner} from '../../../source/ui/tour/runner.js';
import {numbersIn, TOPIC_PANES} from './claims.js';

const tour = new TourRunner({lessons: LESSONS, seed: 7, storage: 'file'});
afterAll(() => tour.dispose());

describe.each(LESSONS.map((lesson, index) => ({lesson, index})))('lesson $index: $lesson.title', ({lesson, index}) => {
	it('cites every figure of its text, from the panes it tells the class to watch, on the topic it names', async () => {
		await tour.start(index);
		const setup = new Set([lesson.summary, ...lesson.steps.map((s) => s.before)].flatMap(numbersIn));
		const problems: string[] = [];
		for (const [i, step] of lesson.steps.entries()) {
			await tour.next();
			const snapshot = tour.snapshot();
			expect(snapshot.phase, snapshot.error ?? '').toBe('after');
			const claims = step.cites?.(tour.lessonFacts() as never, tour.lessonMeasurements()) ?? [];
			const where = `step ${i + 1} (${step.title})`;
			if (claims.length === 0) problems.push(`${where}: cites nothing`);
			const cited = new Set(claims.flatMap((c) => numbersIn(c.text)));
			for (const n of numbersIn(snapshot.after ?? '')) if (!cited.has(n) && !setup.has(n)) problems.push(`${where}: ${n} is not cited: ${snapshot.after}`);
			for (const claim of claims) {
				const watched = claim.pane === 'Header' ? /header/i.test(step.before) : step.highlight.includes(claim.pane);
				if (!watched) problems.push(`${where}: cites ${claim.pane} but does not say to watch it`);
				if (TOPIC_PANES.has(claim.pane) && !snapshot.topic) problems.push(`${where}: cites ${claim.pane} without naming its topic`);
			}
			if (i + 1 < lesson.steps.length) await tour.next();
		}
		expect(problems).toEqual([]);
	});
});
