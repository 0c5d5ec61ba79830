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
			const io = runner.faultIo!;
			expect(io).not.toBeNull();
			const [record] = (await engine.poll('periodic-crash', {fromOffset: 7, maxRecords: 1})).records;
			const inspection = inspectRecord({storage: engine.stats().storage, topic: 'periodic-crash', record: record!, io});
			expect(inspection).toMatchObject({source: 'log', crcValid: true, recordOffset: 7});
			expect(inspection.file).toContain(runner.snapshot().dataDir!);
			// Without the fault layer the same directory on the real disk is empty: the inspector falls back to encoding.
			expect(inspectRecord({storage: engine.stats().storage, topic: 'periodic-crash', record: record!}).source).toBe('encoded');

			// The power loss really happened: records 8 and 9 were acknowledged but never came back.
			expect((await engine.poll('periodic-crash', {fromOffset: 8})).records).toEqual([]);
		} finally {
			await runner.dispose();
		}
	});
});
