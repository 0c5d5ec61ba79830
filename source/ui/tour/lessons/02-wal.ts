import type {Lesson} from '../lesson.js';
import {makeRecords} from '../records.js';
import {postOneByOne, topicStats} from './helpers.js';

const TOPIC = 'sensor';

/** What lesson 2 records (the numbers name the record count at that point). */
type WalFacts = {
	pending4: number;
	pendingBytes4: number;
	walBytes4: number;
	logFileBytes4: number;
	commits4: number;
	walWrites4: number;
	pending9: number;
	commits9: number;
	logFileBytes9: number;
	pending10: number;
	commits10: number;
	committedRecords: number | null;
	logFileBytes10: number;
	indexEntries10: number;
	batchBase: number;
	walGrowth: number;
	commitsBatch: number;
	pendingBatch: number;
	logFileBytesBatch: number;
};

/** Lesson 2: appends land in the write-ahead log; every `commitThreshold` records move to the main log. */
export const walLesson: Lesson<WalFacts> = {
	id: 'wal',
	title: 'The write-ahead log and the commit threshold',
	summary: 'Appends go to the WAL first; every 10 records (the commit threshold) the WAL is committed into the main log, with no rewriting of old data.',
	storage: 'file',
	options: {sync: 'always', commitThreshold: 10},
	steps: [
		{
			title: 'Appends go to the WAL',
			before: `Four records are posted to '${TOPIC}', one at a time. Watch the WAL pane: "pending" counts records in the WAL not yet committed to the main log.`,
			highlight: ['WAL', 'Events'],
			async run(ctx) {
				await postOneByOne(ctx.engine, TOPIC, makeRecords(ctx.rng, 4));
				const s = topicStats(ctx.engine, TOPIC).storage;
				ctx.fact('pending4', s.wal!.pendingRecords);
				ctx.fact('pendingBytes4', s.wal!.pendingBytes);
				ctx.fact('walBytes4', s.wal!.walBytes);
				ctx.fact('logFileBytes4', s.logBytes - s.wal!.pendingBytes);
				ctx.fact('commits4', s.wal!.commits);
				ctx.fact('walWrites4', ctx.events().filter((e) => e.type === 'wal.write').length);
			},
			after: (f) =>
				`${f.walWrites4} WAL writes, ${f.pending4} records (${f.pendingBytes4} bytes) pending; the WAL file is ${f.walBytes4} bytes (a 32-byte header plus the frames) and the main log is still ${f.logFileBytes4} bytes. Writing only to the end of one file is the cheapest durable write there is.`,
		},
		{
			title: 'Approaching the threshold',
			before: 'Five more records: the WAL now holds 9, one short of the commit threshold of 10.',
			highlight: ['WAL'],
			async run(ctx) {
				await postOneByOne(ctx.engine, TOPIC, makeRecords(ctx.rng, 5));
				const s = topicStats(ctx.engine, TOPIC).storage;
				ctx.fact('pending9', s.wal!.pendingRecords);
				ctx.fact('commits9', s.wal!.commits);
				ctx.fact('logFileBytes9', s.logBytes - s.wal!.pendingBytes);
			},
			after: (f) => `Pending: ${f.pending9} records, commits: ${f.commits9}, main log: ${f.logFileBytes9} bytes. Readers still see all 9 records: pending ones are served from memory.`,
		},
		{
			title: 'The commit',
			before: 'The tenth record arrives. Watch the WAL pending count and the main log size, and the Events pane for "commit".',
			highlight: ['WAL', 'Offset Index', 'Events'],
			question: {
				prompt: 'What happens when the 10th record is written?',
				choices: [
					{key: '1', label: 'The WAL just grows to 10 pending'},
					{key: '2', label: 'The 10 records are appended to the main log; pending drops to 0'},
					{key: '3', label: 'The whole main log is rewritten with the WAL at its end'},
				],
				answer: '2',
			},
			async run(ctx) {
				await postOneByOne(ctx.engine, TOPIC, makeRecords(ctx.rng, 1));
				const s = topicStats(ctx.engine, TOPIC).storage;
				const commit = ctx.events().find((e) => e.type === 'wal.commit');
				ctx.fact('pending10', s.wal!.pendingRecords);
				ctx.fact('commits10', s.wal!.commits);
				ctx.fact('committedRecords', commit?.type === 'wal.commit' ? commit.records : null);
				ctx.fact('logFileBytes10', s.logBytes);
				ctx.fact('indexEntries10', s.index!.entries);
			},
			after: (f) =>
				`Commit #${f.commits10} moved ${f.committedRecords} records into the main log, now ${f.logFileBytes10} bytes; pending is ${f.pending10}. Only those bytes were written: the original FlashQ rewrote the whole log here, so every commit got slower as the log grew.`,
		},
		{
			title: 'A big batch skips the WAL',
			before: 'Now one post carries 25 records while nothing is pending. It would be committed at once anyway, so the storage writes it straight to the main log.',
			highlight: ['WAL', 'Events'],
			async run(ctx) {
				const walBefore = topicStats(ctx.engine, TOPIC).storage.wal!.walBytes;
				const [first] = await ctx.engine.post(TOPIC, makeRecords(ctx.rng, 25));
				const s = topicStats(ctx.engine, TOPIC).storage;
				ctx.fact('batchBase', first!.offset);
				ctx.fact('walGrowth', s.wal!.walBytes - walBefore);
				ctx.fact('commitsBatch', s.wal!.commits);
				ctx.fact('pendingBatch', s.wal!.pendingRecords);
				ctx.fact('logFileBytesBatch', s.logBytes);
			},
			after: (f) =>
				`The batch got offsets ${f.batchBase}..${f.batchBase + 24}, the WAL grew by ${f.walGrowth} bytes, and commit #${f.commitsBatch} put it in the main log (now ${f.logFileBytesBatch} bytes): writing it twice would only cost bandwidth.`,
		},
	],
};
