import type {Lesson} from '../lesson.js';
import {makeRecords} from '../records.js';
import {fmtMs, postOneByOne, timed, topicStats, waitFor} from './helpers.js';

/** What lesson 3 records. */
type SyncFacts = {
	alwaysFsyncs: number;
	groupFsyncs: number;
	groupOffsets: number[];
	groupFsyncRecords: number | null;
	periodicFsyncs: number;
	periodicPending: number;
	neverFsyncs: number;
	neverCommits: number;
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
				const {ms} = await timed(() => postOneByOne(ctx.engine, 'always-1', makeRecords(ctx.rng, 10)));
				const s = topicStats(ctx.engine, 'always-1').storage;
				ctx.fact('alwaysFsyncs', s.fsync!.count);
				ctx.measure('alwaysPerPost', ms / 10);
				ctx.measure('alwaysFsyncLatency', s.fsync!.lastLatencyMs ?? 0);
			},
			after: (f, m) =>
				`${f.alwaysFsyncs} fsyncs for 10 posts: each acknowledgement waited for its own fsync (here ${fmtMs(m['alwaysFsyncLatency'])} the last one; ${fmtMs(m['alwaysPerPost'])} per post). Nothing acknowledged can be lost.`,
		},
		{
			title: 'sync=always, ten producers at once',
			before: 'Now 10 producers post one record each at the same moment. The storage starts one fsync round for everything written before it: group commit.',
			highlight: ['WAL', 'Events'],
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
				`${f.groupFsyncs} fsync made all ${f.groupFsyncRecords} records durable at once, so 10 producers cost about what one does. This is why a busy durable queue can be fast.`,
		},
		{
			title: 'sync=periodic',
			before:
				'The queue is reopened with sync=periodic: posts are acknowledged as soon as they are written; fsync happens at each WAL commit (every 10 records) and on a timer (set to one minute here so the count is exact).',
			highlight: ['WAL', 'Events'],
			async run(ctx) {
				await ctx.reopen({sync: 'periodic'});
				const {ms} = await timed(() => postOneByOne(ctx.engine, 'periodic', makeRecords(ctx.rng, 15)));
				await waitFor(() => topicStats(ctx.engine, 'periodic').storage.fsync!.count >= 1);
				const s = topicStats(ctx.engine, 'periodic').storage;
				ctx.fact('periodicFsyncs', s.fsync!.count);
				ctx.fact('periodicPending', s.wal!.pendingRecords);
				ctx.measure('periodicPerPost', ms / 15);
			},
			after: (f, m) =>
				`15 posts, ${f.periodicFsyncs} fsync (at the commit of the first 10); ${f.periodicPending} records wait in the WAL unsynced until the next commit or tick (${fmtMs(m['periodicPerPost'])} per post). The promise: lose at most the last interval.`,
		},
		{
			title: 'sync=never',
			before: 'Reopened with sync=never: no fsync at all while running, only at a clean close. Fastest, and a power loss can take everything since the last close.',
			highlight: ['WAL', 'Events'],
			async run(ctx) {
				await ctx.reopen({sync: 'never'});
				const {ms} = await timed(() => postOneByOne(ctx.engine, 'never', makeRecords(ctx.rng, 15)));
				const s = topicStats(ctx.engine, 'never').storage;
				ctx.fact('neverFsyncs', s.fsync!.count);
				ctx.fact('neverCommits', s.wal!.commits);
				ctx.measure('neverPerPost', ms / 15);
				await ctx.reopen();
				ctx.fact('neverAfterCloseHwm', ctx.engine.topics().find((t) => t.name === 'never')!.highWaterMark);
			},
			after: (f, m) =>
				`${f.neverCommits} commit, ${f.neverFsyncs} fsyncs, ${fmtMs(m['neverPerPost'])} per post. A clean close then fsynced everything: after reopening, 'never' has ${f.neverAfterCloseHwm} records. Lesson 4 pulls the plug instead.`,
		},
	],
};
