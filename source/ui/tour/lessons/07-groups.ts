import type {Lesson} from '../lesson.js';
import {makeRecords} from '../records.js';
import {pane} from './helpers.js';

const TOPIC = 'payments';

/** What lesson 7 records. */
type GroupsFacts = {
	createdCommitted: number;
	createdLag: number;
	createdHwm: number;
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
			before: `12 records are posted to '${TOPIC}', then the consumer group 'billing' is created and commits offset 0: it starts at the beginning. Watch Consumer Groups: committed offset, high water mark, lag. The Log Map marks the group's committed offset on the topic's strip (a letter per group).`,
			highlight: ['Topics', 'Consumer Groups', 'Log Map'],
			topic: TOPIC,
			async run(ctx) {
				await ctx.engine.post(TOPIC, makeRecords(ctx.rng, 12));
				await ctx.engine.createGroup('billing');
				// An explicit start: the Groups pane lists a group per topic it has committed on.
				await ctx.engine.commitOffset('billing', TOPIC, 0);
				ctx.fact('createdHwm', ctx.engine.committedOffset('billing', TOPIC).highWaterMark);
				const info = ctx.engine.committedOffset('billing', TOPIC);
				ctx.fact('createdCommitted', info.committedOffset);
				ctx.fact('createdLag', info.lag);
			},
			after: (f) =>
				`'billing' has committed offset ${f.createdCommitted}, the high water mark is ${f.createdHwm}, so its lag is ${f.createdLag}: it has not processed anything yet, so every record is still ahead of it: on the Log Map its mark 'a' stands at the start of the strip.`,
			cites: (f) => [
				pane.group('billing', TOPIC, f.createdCommitted, f.createdHwm, f.createdLag),
				pane.topic(TOPIC, f.createdHwm, f.createdHwm),
				pane.map(`a billing ${f.createdCommitted} lag ${f.createdLag}`),
			],
		},
		{
			title: 'Fetching is not committing',
			before: "'billing' fetches 5 records. A fetch reads from the committed offset but does not move it: the consumer decides when its work is done.",
			highlight: ['Records', 'Consumer Groups'],
			topic: TOPIC,
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
				`It received offsets ${f.fetchedOffsets[0]}..${f.fetchedOffsets.at(-1)}, yet its committed offset is still ${f.fetchCommitted} and its lag ${f.fetchLag}. If it crashed now, it would get the same 5 records again (at-least-once delivery).`,
			cites: (f) => [pane.group('billing', TOPIC, f.fetchCommitted, f.createdHwm, f.fetchLag ?? -1), pane.record(f.fetchedOffsets[0]!), pane.record(f.fetchedOffsets.at(-1)!)],
		},
		{
			title: 'Commit after processing',
			before: "'billing' has processed those 5 records and commits offset 5: \"everything before 5 is done\".",
			highlight: ['Consumer Groups', 'Events'],
			topic: TOPIC,
			async run(ctx) {
				await ctx.engine.commitOffset('billing', TOPIC, 5);
				const info = ctx.engine.committedOffset('billing', TOPIC);
				ctx.fact('committed', info.committedOffset);
				ctx.fact('lagAfterCommit', info.lag);
				const next = await ctx.engine.fetch('billing', TOPIC, {maxRecords: 1});
				ctx.fact('nextFetchOffset', next.records[0]?.offset ?? null);
			},
			after: (f) => `Committed offset ${f.committed}, lag ${f.lagAfterCommit} = ${f.createdHwm} - ${f.committed}. The next fetch starts at offset ${f.nextFetchOffset}.`,
			cites: (f) => [pane.group('billing', TOPIC, f.committed, f.createdHwm, f.lagAfterCommit)],
		},
		{
			title: 'Producers do not wait for consumers',
			before: `3 more records arrive on '${TOPIC}' while 'billing' is busy. Watch the Log Map: the strip and the group's mark.`,
			highlight: ['Topics', 'Consumer Groups', 'Log Map'],
			topic: TOPIC,
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
			after: (f) => `The high water mark rose to ${f.hwmAfterMore}, so lag grew to ${f.lagAfterMore} = ${f.hwmAfterMore} - ${f.committed}. On the Log Map the strip grew to the right while 'a' stayed at ${f.committed}: the gap between them is the lag. Growing lag is the first sign a consumer cannot keep up.`,
			cites: (f) => [
				pane.group('billing', TOPIC, f.committed, f.hwmAfterMore, f.lagAfterMore),
				pane.topic(TOPIC, f.hwmAfterMore, f.hwmAfterMore),
				pane.map(`a billing ${f.committed} lag ${f.lagAfterMore}`),
			],
		},
		{
			title: 'Groups are independent',
			before: "A second group, 'audit', starts reading the same topic from offset 0. It has its own bookmark.",
			highlight: ['Consumer Groups'],
			topic: TOPIC,
			async run(ctx) {
				await ctx.engine.createGroup('audit');
				await ctx.engine.commitOffset('audit', TOPIC, 0);
				ctx.fact('auditLag', ctx.engine.committedOffset('audit', TOPIC).lag);
				ctx.fact('billingLagStill', ctx.engine.committedOffset('billing', TOPIC).lag);
				ctx.fact('groupCount', ctx.engine.groups().length);
			},
			after: (f) => `'audit' has lag ${f.auditLag} while 'billing' still has ${f.billingLagStill}: ${f.groupCount} groups, one log. Records are not deleted when a group reads them.`,
			cites: (f) => [
				pane.group('audit', TOPIC, 0, f.hwmAfterMore, f.auditLag),
				pane.group('billing', TOPIC, f.committed, f.hwmAfterMore, f.billingLagStill),
				{pane: 'Consumer Groups', text: `Consumer Groups ${f.groupCount}`},
			],
		},
		{
			title: 'Rewind to reprocess',
			before: "A bug was found in billing: it rewinds to offset 0 to process everything again. Only the bookmark moves; the log is untouched.",
			highlight: ['Consumer Groups', 'Records'],
			topic: TOPIC,
			async run(ctx) {
				await ctx.engine.commitOffset('billing', TOPIC, 0);
				ctx.fact('lagAfterRewind', ctx.engine.committedOffset('billing', TOPIC).lag);
				const first = await ctx.engine.fetch('billing', TOPIC, {maxRecords: 1});
				ctx.fact('rewindFirstOffset', first.records[0]?.offset ?? null);
			},
			after: (f) =>
				`'billing' is back at offset ${f.rewindFirstOffset} with lag ${f.lagAfterRewind}; the records were there all along. With file storage the bookmark is saved to disk, so it survives a restart too.`,
			cites: (f) => [pane.group('billing', TOPIC, 0, f.hwmAfterMore, f.lagAfterRewind), pane.record(f.rewindFirstOffset ?? -1)],
		},
	],
};
