import {describe, expect, it} from 'vitest';
import {LESSONS} from '../../../source/ui/tour/lessons/index.js';
import {TourRunner} from '../../../source/ui/tour/runner.js';

/** Plays lesson `id` twice with one seed on fresh directories; returns the first run after checking both agree. */
async function playTwice(id: string, seed = 1) {
	const index = LESSONS.findIndex((l) => l.id === id);
	const runs = [];
	for (let i = 0; i < 2; i++) {
		const runner = new TourRunner({lessons: LESSONS, seed});
		try {
			runs.push(await runner.playLesson(index));
		} finally {
			await runner.dispose();
		}
	}
	expect(runs[1]!.facts).toEqual(runs[0]!.facts);
	return runs[0]!;
}

describe('the tour, lesson by lesson on file storage (seed 1)', () => {
	it('has the eight lessons in teaching order, each with steps, highlights and valid questions', () => {
		expect(LESSONS.map((l) => l.id)).toEqual(['topics', 'wal', 'sync', 'crash', 'cache', 'index', 'groups', 'lock']);
		for (const lesson of LESSONS) {
			expect(lesson.steps.length).toBeGreaterThan(1);
			for (const step of lesson.steps) {
				expect(step.highlight.length).toBeGreaterThan(0);
				if (step.question) {
					const keys = step.question.choices.map((c) => c.key);
					expect(keys).toContain(step.question.answer);
					for (const key of keys) expect(['n', 'b', 'r', ' ']).not.toContain(key);
				}
			}
		}
	});

	it('1 topics and offsets', async () => {
		const {facts} = await playTwice('topics');
		expect(facts).toMatchObject({ordersOffsets: [0, 1, 2], clicksOffsets: [0, 1], moreOffsets: [3, 4, 5, 6], pollOffsets: [4, 5], pollNext: 6});
	});

	it('2 the WAL commits every 10 records, and a big batch goes straight to the log', async () => {
		const {facts} = await playTwice('wal');
		expect(facts).toMatchObject({pending4: 4, commits4: 0, logFileBytes4: 0, walWrites4: 4, pending9: 9, commits9: 0});
		expect(facts).toMatchObject({pending10: 0, commits10: 1, committedRecords: 10, batchBase: 10, walGrowth: 0, commitsBatch: 2, pendingBatch: 0});
		expect(facts['walBytes4']).toBe(32 + (facts['pendingBytes4'] as number));
		expect(facts['logFileBytesBatch']).toBeGreaterThan(facts['logFileBytes10'] as number);
	});

	it('3 sync modes: one fsync per sequential post, one shared by concurrent posts, commits only, none', async () => {
		const {facts, measured} = await playTwice('sync');
		expect(facts).toMatchObject({
			alwaysFsyncs: 10,
			groupFsyncs: 1,
			groupFsyncRecords: 10,
			groupOffsets: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
			periodicFsyncs: 1,
			periodicPending: 5,
			neverFsyncs: 0,
			neverCommits: 1,
			neverAfterCloseHwm: 15,
		});
		expect(measured['alwaysFsyncLatency']).toBeGreaterThan(0);
	});

	it('4 crash: a power loss really drops unsynced bytes; survivors per sync mode; a torn tail is truncated', async () => {
		const {facts} = await playTwice('crash');
		expect(facts).toMatchObject({
			alwaysAcked: 10,
			alwaysSurvived: 10,
			alwaysRecovery: 'replayed 10 records from the WAL',
			periodicAcked: 10,
			periodicSurvived: 8,
			periodicRecovery: 'replayed 8 records from the WAL',
			neverAcked: 10,
			neverSurvived: 0,
			tornSurvived: 6,
			tornNextOffset: 6,
		});
		// Bytes were really lost in each crash, and the torn tail was really cut off.
		for (const key of ['alwaysLostBytes', 'periodicLostBytes', 'neverLostBytes', 'tornZeroedBytes', 'tornTruncatedBytes']) {
			expect(facts[key]).toBeGreaterThan(0);
		}
		expect(facts['tornRecovery']).toMatch(/torn tail of <data dir>\/topics\/[0-9a-f]+\/log: dropped \d+ bytes/);
		expect(facts['neverLostFiles']).toEqual(expect.arrayContaining([expect.stringMatching(/^wal \d+ B$/), expect.stringMatching(/^log \d+ B$/)]));
	});

	it('5 cache: 20 kept, 10 evicted, hot hits, cold misses, empty after restart', async () => {
		const {facts} = await playTwice('cache');
		expect(facts).toMatchObject({
			fillEntries: 20,
			fillEvictions: 10,
			capacity: 20,
			hotCount: 10,
			hotHits: 10,
			hotMisses: 0,
			coldHits: 0,
			coldMisses: 10,
			restartEntries: 0,
			restartHits: 0,
			restartMisses: 10,
			restartHitRate: 0,
		});
		expect(facts['coldLookup']).toMatchObject({offset: 0, entryOffset: 0, position: 0});
	});

	it('6 index: sparse entries, lookup lands at or before the offset, bounded scan, reloaded on reopen', async () => {
		const {facts} = await playTwice('index');
		const entries = facts['entryList'] as [number, number][];
		expect(entries.length).toBe(facts['entries']);
		expect(entries[0]).toEqual([0, 0]);
		for (let i = 1; i < entries.length; i++) expect(entries[i]![1] - entries[i - 1]![1]).toBeGreaterThanOrEqual(1024);
		const lookup = facts['lookup'] as {offset: number; entryOffset: number; position: number; scanned: number};
		const expected = entries.filter(([o]) => o <= 40).at(-1)!;
		expect([lookup.entryOffset, lookup.position]).toEqual(expected);
		expect(lookup.scanned).toBeGreaterThanOrEqual(1);
		expect(facts['lookupGot']).toBe(40);
		expect(facts).toMatchObject({reopenEntries: facts['entries'], reopenMessage: 'clean: opened from checkpoint'});
	});

	it('7 groups and lag', async () => {
		const {facts} = await playTwice('groups');
		expect(facts).toMatchObject({createdLag: 12, fetchLag: 12, lagAfterCommit: 7, lagAfterMore: 10, auditLag: 15, lagAfterRewind: 15});
	});

	it('8 lock: a second instance is refused with a message naming the directory, and opens after close', async () => {
		const {facts} = await playTwice('lock');
		expect(facts).toMatchObject({locked: true, secondRefused: true, mentionsLocked: true, mentionsDir: true, firstStillWorks: true, secondOpened: true, secondSees: ['orders:2']});
	});

	it("every prediction's right answer matches what the engine did (seed 1 and seed 99)", async () => {
		for (const seed of [1, 99]) {
			const runner = new TourRunner({lessons: LESSONS, seed});
			try {
				for (let l = 0; l < LESSONS.length; l++) {
					await runner.start(l);
					for (const step of LESSONS[l]!.steps) {
						if (step.question) expect(runner.answer(step.question.answer)).toBe(true);
						await runner.next();
						const s = runner.snapshot();
						expect(s.phase, `${LESSONS[l]!.id}/${step.title}: ${s.error}`).toBe('after');
						if (step.question) expect(s.correct, `${LESSONS[l]!.id}/${step.title}: ${s.after}`).toBe(true);
						await runner.next();
					}
				}
			} finally {
				await runner.dispose();
			}
		}
	});
});
