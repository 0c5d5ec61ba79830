import type {Lesson} from '../lesson.js';
import {makeRecords} from '../records.js';
import {formatBytes, formatMs} from '../../format.js';
import {pane, postOneByOne, topicStats, waitFor} from './helpers.js';

/** What lesson 3 records. */
type SyncFacts = {
	alwaysFsyncs: number;
	groupFsyncs: number;
	groupOffsets: number[];
	groupFsyncRecords: number | null;
	periodicFsyncs: number;
	periodicPending: number;
	periodicPendingBytes: number;
	periodicCommits: number;
	neverFsyncs: number;
	neverCommits: number;
	neverPending: number;
	neverPendingBytes: number;
	neverAfterCloseHwm: number;
};

/** Lesson 3: what an acknowledgement means under each sync mode, counted in fsyncs. */
export const syncLesson: Lesson<SyncFacts> = {
	id: 'sync',
	title: 'Sync modes and what each promises',
	summary: 'always: acknowledged = fsynced (concurrent posts share one fsync); periodic: fsync at each commit and on a timer; never: fsync only at close.',
	storage: 'file',
	// A one-minute timer so the periodic fsyncs you count come from commits, not from the clock.
	options: {sync: 'always', commitThreshold: 10, syncIntervalMs: 60_000},
	steps: [
		{
			title: 'sync=always, one producer',
			before:
				"sync=always: a post is acknowledged only after an fsync has made it durable. One producer posts 10 records, each waiting for its acknowledgement. Watch the WAL pane's fsync count and latency.",
			highlight: ['WAL', 'Events'],
			topic: 'always-1',
			question: {
				prompt: 'How many fsyncs will the 10 sequential posts cause?',
				choices: [
					{key: '1', label: '1'},
					{key: '2', label: '10'},
					{key: '3', label: '0'},
				],
				answer: '2',
			},
			async run(ctx) {
				await postOneByOne(ctx.engine, 'always-1', makeRecords(ctx.rng, 10));
				const s = topicStats(ctx.engine, 'always-1').storage;
				ctx.fact('alwaysFsyncs', s.fsync!.count);
				ctx.measure('alwaysFsyncLatency', s.fsync!.lastLatencyMs ?? 0);
				ctx.measure('alwaysFsyncAvg', s.fsync!.count > 0 ? s.fsync!.totalLatencyMs / s.fsync!.count : 0);
			},
			after: (f, m) =>
				`fsyncs ${f.alwaysFsyncs} for 10 posts: each acknowledgement waited for its own fsync. The WAL pane shows what one costs on this disk: last fsync ${formatMs(m['alwaysFsyncLatency'])}, avg ${formatMs(m['alwaysFsyncAvg'])}; every post waited at least that long (timings vary from run to run). Nothing acknowledged can be lost.`,
			cites: (f, m) => [pane.wal(`fsyncs ${f.alwaysFsyncs}`), pane.wal(`last fsync ${formatMs(m['alwaysFsyncLatency'])} avg ${formatMs(m['alwaysFsyncAvg'])}`)],
		},
		{
			title: 'sync=always, ten producers at once',
			before: 'Now 10 producers post one record each at the same moment. The storage starts one fsync round for everything written before it: group commit.',
			highlight: ['WAL', 'Topics', 'Events'],
			topic: 'always-10',
			question: {
				prompt: 'How many fsyncs for 10 concurrent posts?',
				choices: [
					{key: '1', label: '1'},
					{key: '2', label: '10'},
					{key: '3', label: '5'},
				],
				answer: '1',
			},
			async run(ctx) {
				const records = makeRecords(ctx.rng, 10);
				const offsets = await Promise.all(records.map((r) => ctx.engine.post('always-10', [r])));
				const s = topicStats(ctx.engine, 'always-10').storage;
				ctx.fact('groupFsyncs', s.fsync!.count);
				ctx.fact('groupOffsets', offsets.map((o) => o[0]!.offset));
				const fsync = ctx.events().find((e) => e.type === 'fsync' && e.topic === 'always-10' && e.file === 'wal');
				ctx.fact('groupFsyncRecords', fsync?.type === 'fsync' ? fsync.records : null);
			},
			after: (f) =>
				`fsyncs ${f.groupFsyncs}: one fsync made all ${f.groupFsyncRecords} records of 'always-10' durable at once, so 10 producers cost about what one does. This is why a busy durable queue can be fast.`,
			cites: (f) => [pane.wal(`fsyncs ${f.groupFsyncs}`), pane.topic('always-10', f.groupFsyncRecords ?? -1, f.groupFsyncRecords ?? -1)],
		},
		{
			title: 'sync=periodic',
			before:
				'The queue is reopened with sync=periodic: posts are acknowledged as soon as they are written; fsync happens at each WAL commit (every 10 records) and on a timer (set to one minute here so the count is exact).',
			highlight: ['WAL', 'Topics', 'Events'],
			topic: 'periodic',
			async run(ctx) {
				await ctx.reopen({sync: 'periodic'});
				await postOneByOne(ctx.engine, 'periodic', makeRecords(ctx.rng, 15));
				await waitFor(() => topicStats(ctx.engine, 'periodic').storage.fsync!.count >= 1);
				const s = topicStats(ctx.engine, 'periodic').storage;
				ctx.fact('periodicFsyncs', s.fsync!.count);
				ctx.fact('periodicCommits', s.wal!.commits);
				ctx.fact('periodicPending', s.wal!.pendingRecords);
				ctx.fact('periodicPendingBytes', s.wal!.pendingBytes);
			},
			after: (f) =>
				`15 posts, fsyncs ${f.periodicFsyncs}: the one at commits ${f.periodicCommits}, when the first 10 went to the main log. The other ${f.periodicPending} wait in the WAL unsynced (pending ${f.periodicPending} rec / ${formatBytes(f.periodicPendingBytes)}) until the next commit or tick. No post waited for an fsync; the promise: lose at most the last interval.`,
			cites: (f) => [
				pane.topic('periodic', 15, 15),
				pane.wal(`sync periodic commit threshold 10 rec`),
				pane.wal(`fsyncs ${f.periodicFsyncs}`),
				pane.wal(`commits ${f.periodicCommits}`),
				pane.pending(f.periodicPending, f.periodicPendingBytes),
			],
		},
		{
			title: 'sync=never',
			before:
				'Reopened with sync=never: no fsync at all while running, only at a clean close. Nothing waits for the disk, and a power loss can take everything since the last close.',
			highlight: ['WAL', 'Topics', 'Events'],
			topic: 'never',
			async run(ctx) {
				await ctx.reopen({sync: 'never'});
				await postOneByOne(ctx.engine, 'never', makeRecords(ctx.rng, 15));
				const s = topicStats(ctx.engine, 'never').storage;
				ctx.fact('neverFsyncs', s.fsync!.count);
				ctx.fact('neverCommits', s.wal!.commits);
				ctx.fact('neverPending', s.wal!.pendingRecords);
				ctx.fact('neverPendingBytes', s.wal!.pendingBytes);
			},
			after: (f) =>
				`commits ${f.neverCommits}, fsyncs ${f.neverFsyncs}: the commit wrote the first 10 records to the main log without syncing it, and pending ${f.neverPending} rec / ${formatBytes(f.neverPendingBytes)} sit in the WAL. All of it lives in the operating system's page cache until a clean close.`,
			cites: (f) => [
				pane.wal(`sync never commit threshold 10 rec`),
				pane.wal(`commits ${f.neverCommits}`),
				pane.wal(`fsyncs ${f.neverFsyncs}`),
				pane.pending(f.neverPending, f.neverPendingBytes),
			],
		},
		{
			title: 'A clean close',
			before: "Now the queue is closed cleanly, which fsyncs everything, and opened again. Watch Topics: does 'never' keep its records?",
			highlight: ['Topics', 'Events'],
			topic: 'never',
			async run(ctx) {
				await ctx.reopen();
				ctx.fact('neverAfterCloseHwm', ctx.engine.topics().find((t) => t.name === 'never')!.highWaterMark);
			},
			after: (f) => `After reopening, 'never' has all ${f.neverAfterCloseHwm} records: the clean close made them durable. The next lesson pulls the plug instead.`,
			cites: (f) => [pane.topic('never', f.neverAfterCloseHwm, f.neverAfterCloseHwm)],
		},
	],
};
