import {Box} from 'ink';
import {render} from 'ink-testing-library';
import React from 'react';
import stripAnsi from 'strip-ansi';
import {afterEach, describe, expect, it} from 'vitest';
import {topicsLesson} from '../../../source/ui/tour/lessons/01-topics.js';
import {groupsLesson} from '../../../source/ui/tour/lessons/07-groups.js';
import {KeypressProvider, useKeyLayer} from '../../../source/ui/input/keypress.js';
import {tourKeyAction} from '../../../source/ui/tour/keys.js';
import {TourRunner} from '../../../source/ui/tour/runner.js';
import {TourPanel} from '../../../source/ui/tour/tour-panel.js';
import {useTour} from '../../../source/ui/tour/use-tour.js';

const runners: TourRunner[] = [];
afterEach(async () => {
	await Promise.all(runners.splice(0).map((r) => r.dispose()));
});
const tour = () => {
	const runner = new TourRunner({lessons: [topicsLesson, groupsLesson], seed: 3, storage: 'memory'});
	runners.push(runner);
	return runner;
};

/** The tour plugged in as the app does (tui-root.tsx): its snapshot, its key layer, its panel. */
function Harness({runner, onLeave}: {runner: TourRunner; onLeave: () => void}) {
	return (
		<KeypressProvider>
			<TourView runner={runner} onLeave={onLeave} />
		</KeypressProvider>
	);
}

function TourView({runner, onLeave}: {runner: TourRunner; onLeave: () => void}) {
	const snapshot = useTour(runner);
	useKeyLayer('tour', (key) => {
		const action = tourKeyAction(runner, key);
		if (action === 'leave') onLeave();
		return action !== 'ignored';
	});
	return <Box>{snapshot ? <TourPanel snapshot={snapshot} width={100} /> : null}</Box>;
}

const settle = async (runner: TourRunner) => {
	for (let i = 0; i < 50 && (runner.isBusy || i < 2); i++) await new Promise((r) => setTimeout(r, 5));
	await new Promise((r) => setTimeout(r, 20));
};
const frame = (f: string | undefined) => stripAnsi(f ?? '');

describe('TourPanel', () => {
	it('shows lesson/step, the before text and key hints, then the explanation with real numbers', async () => {
		const runner = tour();
		await runner.start();
		const {lastFrame, rerender, unmount} = render(<TourPanel snapshot={runner.snapshot()} width={100} />);
		let text = frame(lastFrame());
		expect(text).toContain('Tour · Lesson 1/2  Step 1/4 · Topics, records and offsets');
		expect(text).toContain('The first records');
		expect(text).toContain('watch Topics, Records, Events');
		expect(text).toContain("post a batch of 3 records to a new topic 'orders'");
		expect(text).toContain('n/Space run this step · b back · r restart · Esc leave');
		await runner.next();
		rerender(<TourPanel snapshot={runner.snapshot()} width={100} />);
		text = frame(lastFrame());
		expect(text).toContain('The records got offsets 0..2');
		expect(text).toContain('n/Space next step');
		unmount();
	});

	it('walks with real keys: predict with a digit, run with n, the check, back with b, leave with Esc', async () => {
		const runner = tour();
		await runner.start();
		let left = false;
		const {lastFrame, stdin, unmount} = render(<Harness runner={runner} onLeave={() => (left = true)} />);
		await settle(runner);
		stdin.write('n');
		await settle(runner);
		expect(frame(lastFrame())).toContain('The records got offsets 0..2');
		stdin.write(' ');
		await settle(runner);
		let text = frame(lastFrame());
		expect(text).toContain('Step 2/4');
		expect(text).toContain("Predict: What offset will the first record of 'clicks' get?");
		expect(text).toContain('1/2/3 predict');
		stdin.write('2');
		await settle(runner);
		expect(frame(lastFrame())).toContain('▸ [2] 3 (it continues after orders)');
		stdin.write('n');
		await settle(runner);
		text = frame(lastFrame());
		expect(text).toContain('✗ Not quite: the answer was [1].');
		expect(text).toContain("'clicks' started again at offset 0");
		stdin.write('b');
		await settle(runner);
		text = frame(lastFrame());
		expect(text).toContain('Step 2/4');
		expect(text).not.toContain('Not quite');
		expect(runner.engine!.topics().map((t) => t.name)).toEqual(['orders']);
		stdin.write('r');
		await settle(runner);
		expect(frame(lastFrame())).toContain('Step 1/4');
		stdin.write('\u001B');
		await settle(runner);
		expect(left).toBe(true);
		unmount();
	});

	it("shows the lesson's intro sentence before its first step runs, and a question as one answered line once the step ran", async () => {
		const runner = tour();
		await runner.start();
		const {lastFrame, rerender, unmount} = render(<TourPanel snapshot={runner.snapshot()} width={160} />);
		expect(frame(lastFrame())).toContain(topicsLesson.summary);
		await runner.next();
		rerender(<TourPanel snapshot={runner.snapshot()} width={160} />);
		expect(frame(lastFrame())).not.toContain(topicsLesson.summary);
		await runner.next();
		runner.answer('2');
		await runner.next();
		rerender(<TourPanel snapshot={runner.snapshot()} width={160} />);
		const text = frame(lastFrame());
		expect(text).toContain("Predict: What offset will the first record of 'clicks' get? Answer: [1] 0 ✓ (you chose [2] 3 (it continues after orders))");
		expect(text).not.toContain('[3] a random id');
		unmount();
	});

	it('shows a failed step and the end of the tour', async () => {
		const runner = tour();
		await runner.start(1);
		const base = runner.snapshot();
		const {lastFrame, rerender, unmount} = render(<TourPanel snapshot={{...base, phase: 'error', error: 'disk on fire'}} />);
		expect(frame(lastFrame())).toContain('This step failed: disk on fire');
		rerender(<TourPanel snapshot={{...base, phase: 'finished'}} />);
		expect(frame(lastFrame())).toContain('That was the last lesson');
		rerender(<TourPanel snapshot={{...base, phase: 'running', replaying: true, stepIndex: 2}} />);
		expect(frame(lastFrame())).toContain('Replaying the lesson from its start, step 3 (seed 3)');
		unmount();
	});
});

describe('app bridge', () => {
	it('tourPanelRows is exactly the height TourPanel draws, for every screen of lessons 1 and 7', async () => {
		const {tourPanelRows} = await import('../../../source/ui/tour/app-bridge.js');
		const runner = tour();
		await runner.start();
		const check = (width: number) => {
			const s = runner.snapshot();
			const {lastFrame, unmount} = render(<TourPanel snapshot={s} width={width} />);
			expect(frame(lastFrame()).split('\n').length, `${s.header} ${s.phase} at ${width}`).toBe(tourPanelRows(s, width));
			unmount();
		};
		for (let i = 0; i < 20 && runner.snapshot().phase !== 'finished'; i++) {
			if (runner.snapshot().question && runner.snapshot().phase === 'before' && i % 4 === 1) runner.answer('1');
			for (const width of [70, 100, 160]) check(width);
			await runner.next();
		}
	});

	it('tourPanelRows also fits every screen of the file lessons (long paths in the texts), at 100 columns', async () => {
		const {tourPanelRows} = await import('../../../source/ui/tour/app-bridge.js');
		const {LESSONS} = await import('../../../source/ui/tour/lessons/index.js');
		const runner = new TourRunner({lessons: LESSONS.filter((l) => l.storage === 'file'), seed: 1});
		runners.push(runner);
		await runner.start();
		for (let i = 0; i < 100 && runner.snapshot().phase !== 'finished'; i++) {
			const s = runner.snapshot();
			const {lastFrame, unmount} = render(<TourPanel snapshot={s} width={100} />);
			expect(frame(lastFrame()).split('\n').length, `${s.header} ${s.phase}`).toBe(tourPanelRows(s, 100));
			unmount();
			await runner.next();
		}
		expect(runner.snapshot().phase).toBe('finished');
	});

	it('highlightedPanes maps titles to the TUI pane ids', async () => {
		const {highlightedPanes} = await import('../../../source/ui/tour/app-bridge.js');
		const runner = tour();
		await runner.start(1);
		expect(highlightedPanes({...runner.snapshot(), highlight: ['Consumer Groups', 'Offset Index', 'WAL']})).toEqual(['groups', 'wal', 'index']);
	});
});
