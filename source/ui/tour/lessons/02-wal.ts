import type {Lesson} from '../lesson.js';
import {formatBytes} from '../../format.js';
import {span} from '../../panes/log-map.js';
import {makeRecords} from '../records.js';
import {pane, postOneByOne, topicStats} from './helpers.js';

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
	pendingBytes9: number;
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
		// Every step is about one topic; the WAL pane follows it.
		{
			title: 'Appends go to the WAL',
			before: `Four records are posted to '${TOPIC}', one at a time. Watch the WAL pane: "pending" counts records in the WAL not yet committed to the main log.`,
			highlight: ['WAL', 'Events', 'Log Map'],
			topic: TOPIC,
			async run(ctx) {
				await postOneByOne(ctx.engine, TOPIC, makeRecords(ctx.rng, 4), ctx.pace);
				const s = topicStats(ctx.engine, TOPIC).storage;
				ctx.fact('pending4', s.wal!.pendingRecords);
				ctx.fact('pendingBytes4', s.wal!.pendingBytes);
				ctx.fact('walBytes4', s.wal!.walBytes);
				ctx.fact('logFileBytes4', s.logBytes - s.wal!.pendingBytes);
				ctx.fact('commits4', s.wal!.commits);
				ctx.fact('walWrites4', ctx.events().filter((e) => e.type === 'wal.write').length);
			},
			after: (f) =>
				`Each post was one write at the end of the WAL: pending ${f.pending4} rec / ${formatBytes(f.pendingBytes4)}, commits ${f.commits4}, so nothing has reached the main log yet. Writing only to the end of one file is the cheapest durable write there is.`,
			cites: (f) => [pane.pending(f.pending4, f.pendingBytes4), pane.wal(`commits ${f.commits4}`), pane.mapLog(0, f.pending4)],
		},
		{
			title: 'Approaching the threshold',
			before: 'Five more records: the WAL now holds 9, one short of the commit threshold of 10.',
			highlight: ['WAL', 'Records'],
			topic: TOPIC,
			async run(ctx) {
				await postOneByOne(ctx.engine, TOPIC, makeRecords(ctx.rng, 5), ctx.pace);
				const s = topicStats(ctx.engine, TOPIC).storage;
				ctx.fact('pending9', s.wal!.pendingRecords);
				ctx.fact('pendingBytes9', s.wal!.pendingBytes);
				ctx.fact('commits9', s.wal!.commits);
				ctx.fact('logFileBytes9', s.logBytes - s.wal!.pendingBytes);
			},
			after: (f) =>
				`pending ${f.pending9} rec / ${formatBytes(f.pendingBytes9)}, commits ${f.commits9}. Records still lists all ${f.pending9} (offsets 0..${f.pending9 - 1}): pending records are served from memory.`,
			cites: (f) => [pane.pending(f.pending9, f.pendingBytes9), pane.wal(`commits ${f.commits9}`), pane.records(TOPIC, 0, f.pending9 - 1, f.pending9)],
		},
		{
			title: 'The commit',
			before: 'The tenth record arrives. Watch the WAL pane\'s pending and commits, the Offset Index, the Events pane for "commit", and the Log Map\'s strip.',
			highlight: ['WAL', 'Topics', 'Offset Index', 'Events', 'Log Map'],
			topic: TOPIC,
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
				`commits ${f.commits10}: the WAL's ${f.committedRecords} records were appended to the main log, and pending is back to ${f.pending10} rec / 0 B. The main log got its first index entry (entries ${f.indexEntries10}), and the Log Map's strip is all log: log ${span(0, f.committedRecords ?? 0)}, WAL only none. Only those bytes were written: the original FlashQ rewrote the whole log here, so every commit got slower as the log grew.`,
			cites: (f) => [pane.wal(`commits ${f.commits10}`), pane.pending(f.pending10, 0), pane.topic(TOPIC, f.committedRecords ?? -1, f.committedRecords ?? -1), pane.index(`entries ${f.indexEntries10}`), pane.mapLog(f.committedRecords ?? -1, f.committedRecords ?? -1)],
		},
		{
			title: 'A big batch skips the WAL',
			before: 'Now one post carries 25 records while nothing is pending. It would be committed at once anyway, so the storage writes it straight to the main log.',
			highlight: ['WAL', 'Topics', 'Events'],
			topic: TOPIC,
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
				`The 25 records went in as one batch and the high water mark is now ${f.batchBase + 25}, yet pending stayed ${f.pendingBatch} rec / 0 B: the batch went straight into the main log as commits ${f.commitsBatch}, with no WAL write (writing it twice would only cost bandwidth).`,
			cites: (f) => [
				pane.topic(TOPIC, f.batchBase + 25, f.batchBase + 25),
				pane.pending(f.pendingBatch, 0),
				pane.wal(`commits ${f.commitsBatch}`),
			],
		},
	],
};
