import type {Lesson} from '../lesson.js';
import {makeRecords} from '../records.js';

const TOPIC = 'payments';

/** What lesson 7 records. */
type GroupsFacts = {
	createdCommitted: number;
	createdLag: number;
	fetchedOffsets: number[];
	fetchCommitted: number;
	fetchLag: number | null;
	committed: number;
	lagAfterCommit: number;
	nextFetchOffset: number | null;
	hwmAfterMore: number;
	lagAfterMore: number;
	auditLag: number;
	billingLagStill: number;
	groupCount: number;
	lagAfterRewind: number;
	rewindFirstOffset: number | null;
};

/** Lesson 7: a consumer group is a named bookmark per topic; lag is how far it is behind. */
export const groupsLesson: Lesson<GroupsFacts> = {
	id: 'groups',
	title: 'Consumer groups, commits and lag',
	summary: 'A group remembers a committed offset per topic; lag = high water mark - committed offset; reading never moves it, committing does.',
	storage: 'any',
	steps: [
		{
			title: 'A group starts at offset 0',
			before: `12 records are posted to '${TOPIC}', then the consumer group 'billing' is created. Watch Consumer Groups: committed offset, high water mark, lag.`,
			highlight: ['Topics', 'Consumer Groups'],
			async run(ctx) {
				await ctx.engine.post(TOPIC, makeRecords(ctx.rng, 12));
				await ctx.engine.createGroup('billing');
				const info = ctx.engine.committedOffset('billing', TOPIC);
				ctx.fact('createdCommitted', info.committedOffset);
				ctx.fact('createdLag', info.lag);
			},
			after: (f) => `'billing' has committed offset ${f.createdCommitted} and lag ${f.createdLag}: it has not processed anything yet, so every record is still ahead of it.`,
		},
		{
			title: 'Fetching is not committing',
			before: "'billing' fetches 5 records. A fetch reads from the committed offset but does not move it: the consumer decides when its work is done.",
			highlight: ['Records', 'Consumer Groups'],
			question: {
				prompt: "After fetching 5 records, what is billing's lag?",
				choices: [
					{key: '1', label: '7'},
					{key: '2', label: '12'},
					{key: '3', label: '0'},
				],
				answer: '2',
			},
			async run(ctx) {
				const fetched = await ctx.engine.fetch('billing', TOPIC, {maxRecords: 5});
				ctx.fact('fetchedOffsets', fetched.records.map((r) => r.offset));
				ctx.fact('fetchCommitted', fetched.nextOffset);
				ctx.fact('fetchLag', fetched.lag ?? null);
			},
			after: (f) =>
				`It received offsets ${String(f.fetchedOffsets)}, yet its committed offset is still ${f.fetchCommitted} and its lag ${f.fetchLag}. If it crashed now, it would get the same 5 records again (at-least-once delivery).`,
		},
		{
			title: 'Commit after processing',
			before: "'billing' has processed those 5 records and commits offset 5: \"everything before 5 is done\".",
			highlight: ['Consumer Groups', 'Events'],
			async run(ctx) {
				await ctx.engine.commitOffset('billing', TOPIC, 5);
				const info = ctx.engine.committedOffset('billing', TOPIC);
				ctx.fact('committed', info.committedOffset);
				ctx.fact('lagAfterCommit', info.lag);
				const next = await ctx.engine.fetch('billing', TOPIC, {maxRecords: 1});
				ctx.fact('nextFetchOffset', next.records[0]?.offset ?? null);
			},
			after: (f) => `Committed offset ${f.committed}, lag ${f.lagAfterCommit}. The next fetch starts at offset ${f.nextFetchOffset}.`,
		},
		{
			title: 'Producers do not wait for consumers',
			before: `3 more records arrive on '${TOPIC}' while 'billing' is busy.`,
			highlight: ['Topics', 'Consumer Groups'],
			question: {
				prompt: "What is billing's lag now?",
				choices: [
					{key: '1', label: '7'},
					{key: '2', label: '10'},
					{key: '3', label: '15'},
				],
				answer: '2',
			},
			async run(ctx) {
				await ctx.engine.post(TOPIC, makeRecords(ctx.rng, 3));
				const info = ctx.engine.committedOffset('billing', TOPIC);
				ctx.fact('hwmAfterMore', info.highWaterMark);
				ctx.fact('lagAfterMore', info.lag);
			},
			after: (f) => `The high water mark rose to ${f.hwmAfterMore}, so lag grew to ${f.lagAfterMore} = ${f.hwmAfterMore} - ${f.committed}. Growing lag is the first sign a consumer cannot keep up.`,
		},
		{
			title: 'Groups are independent',
			before: "A second group, 'audit', reads the same topic. It has its own bookmark.",
			highlight: ['Consumer Groups'],
			async run(ctx) {
				await ctx.engine.createGroup('audit');
				ctx.fact('auditLag', ctx.engine.committedOffset('audit', TOPIC).lag);
				ctx.fact('billingLagStill', ctx.engine.committedOffset('billing', TOPIC).lag);
				ctx.fact('groupCount', ctx.engine.groups().length);
			},
			after: (f) => `'audit' has lag ${f.auditLag} while 'billing' still has ${f.billingLagStill}: ${f.groupCount} groups, one log. Records are not deleted when a group reads them.`,
		},
		{
			title: 'Rewind to reprocess',
			before: "A bug was found in billing: it rewinds to offset 0 to process everything again. Only the bookmark moves; the log is untouched.",
			highlight: ['Consumer Groups', 'Records'],
			async run(ctx) {
				await ctx.engine.commitOffset('billing', TOPIC, 0);
				ctx.fact('lagAfterRewind', ctx.engine.committedOffset('billing', TOPIC).lag);
				const first = await ctx.engine.fetch('billing', TOPIC, {maxRecords: 1});
				ctx.fact('rewindFirstOffset', first.records[0]?.offset ?? null);
			},
			after: (f) =>
				`'billing' is back at offset ${f.rewindFirstOffset} with lag ${f.lagAfterRewind}; the records were there all along. With file storage the bookmark is saved to disk, so it survives a restart too.`,
		},
	],
};
