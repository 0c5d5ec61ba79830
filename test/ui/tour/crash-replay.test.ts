import {describe, expect, it} from 'vitest';
import {crashLesson} from '../../../source/ui/tour/lessons/04-crash.js';
import {inspectRecord} from '../../../source/ui/inspector/inspect-record.js';
import {TourRunner} from '../../../source/ui/tour/runner.js';

describe('the crash lesson on the fault layer', () => {
	it('back replays the earlier crashes exactly, and the inspector reads the recovered frames from the fault layer', async () => {
		const runner = new TourRunner({lessons: [crashLesson], seed: 5});
		try {
			await runner.start();
			for (let i = 0; i < 3; i++) {
				await runner.next();
				await runner.next();
			}
			// At step 4 (before it runs): steps 1-3 have crashed and recovered three times.
			expect(runner.snapshot()).toMatchObject({stepIndex: 3, phase: 'before'});
			const played = {...runner.lessonFacts()};
			expect(played).toMatchObject({alwaysSurvived: 10, periodicSurvived: 8, neverSurvived: 0});
			await runner.back();
			expect(runner.snapshot()).toMatchObject({stepIndex: 2, phase: 'before'});
			await runner.next();
			expect(runner.lessonFacts()).toEqual(played);

			const engine = runner.engine!;
			expect(runner.faultIo).not.toBeNull();
			const [record] = (await engine.poll('periodic-crash', {fromOffset: 7, maxRecords: 1})).records;
			// The engine's storage reads through the fault layer, where the lesson's files live.
			const inspection = await inspectRecord(engine, 'periodic-crash', record!);
			expect(inspection).toMatchObject({source: 'log', crcValid: true, recordOffset: 7});
			expect(inspection.file).toContain(runner.snapshot().dataDir!);

			// The power loss really happened: records 8 and 9 were acknowledged but never came back.
			expect((await engine.poll('periodic-crash', {fromOffset: 8})).records).toEqual([]);
		} finally {
			await runner.dispose();
		}
	});
});
