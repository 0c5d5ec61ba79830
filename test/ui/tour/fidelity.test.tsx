/**
 * The tour tells the truth: every lesson, with two seeds, in the real app (TuiRoot over the real
 * engines at 160x45). After each step runs, every figure its text cites (the step's `cites`) must
 * be drawn by the pane it names, on the step's topic. The store publishes at most every 10 ms here,
 * so each check polls the frame until it shows the claims (or gives up and reports what it shows).
 */
import {afterAll, describe, expect, it} from 'vitest';
import {LESSONS} from '../../../source/ui/tour/lessons/index.js';
import {TourRunner} from '../../../source/ui/tour/runner.js';
import {missing} from './claims.js';
import {mountTour} from './tour-screen.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until nothing is missing (a frame after the step, once the store published) or the time is up. */
async function check(frame: () => string, claims: Parameters<typeof missing>[1], topic: string | null): Promise<string[]> {
	const until = Date.now() + 3000;
	for (;;) {
		const gaps = missing(frame(), claims, topic);
		if (gaps.length === 0 || Date.now() > until) return gaps;
		await tick(20);
	}
}

const screens: {unmount(): Promise<void>}[] = [];
afterAll(async () => {
	await Promise.allSettled(screens.map((s) => s.unmount()));
});

describe.each([7, 1])('the tour with seed %i, as the panes show it at 160x45', (seed) => {
	it('every figure a step cites is drawn by the pane it names, on the topic it names', async () => {
		const tour = new TourRunner({lessons: LESSONS, seed});
		// FIDELITY_SIZE=100x30 runs it at another size (there narrow panes still cut some figures: names, lookup lines, long record ranges).
		const [columns, rows] = (process.env['FIDELITY_SIZE'] ?? '160x45').split('x').map(Number) as [number, number];
		const screen = mountTour(tour, columns, rows);
		screens.push(screen);
		const failures: string[] = [];
		let checked = 0;
		for (const [l, lesson] of LESSONS.entries()) {
			await tour.start(l);
			for (const [s, step] of lesson.steps.entries()) {
				await tour.next();
				const snapshot = tour.snapshot();
				expect(snapshot.phase, `lesson ${l + 1} step ${s + 1}: ${snapshot.error ?? ''}`).toBe('after');
				const claims = step.cites?.(tour.lessonFacts() as never, tour.lessonMeasurements()) ?? [];
				if (claims.length === 0) failures.push(`L${l + 1} S${s + 1}: cites nothing`);
				checked += claims.length;
				for (const gap of await check(screen.frame, claims, snapshot.topic)) failures.push(`L${l + 1} S${s + 1} (${step.title}): ${gap}`);
				if (s + 1 < lesson.steps.length) await tour.next();
			}
		}
		expect(failures).toEqual([]);
		expect(checked).toBeGreaterThan(60);
	}, 60_000);
});
