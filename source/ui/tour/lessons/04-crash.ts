import path from 'node:path';
import type {FlashQEvent} from '../../../core/events.js';
import type {Lesson, StepContext} from '../lesson.js';
import {makeRecords} from '../records.js';
import {hwm, pane, postOneByOne, withoutDir} from './helpers.js';

type SyncMode = 'always' | 'periodic' | 'never';

/**
 * Writes 10 records under `sync`, pulls the plug (every unsynced byte is lost), reopens and counts
 * what survived. Each mode gets its own topic so the counts stay separate.
 */
async function crashUnder(ctx: StepContext<CrashFacts>, sync: SyncMode): Promise<void> {
	await ctx.reopen({sync});
	const topic = `${sync}-crash`;
	const offsets = await postOneByOne(ctx.engine, topic, makeRecords(ctx.rng, 10));
	const loss = await ctx.powerLoss('drop');
	const engine = await ctx.reopen();
	const recovered = recovery(ctx.events(), topic);
	ctx.fact(`${sync}Acked`, offsets.length);
	ctx.fact(`${sync}Survived`, hwm(engine, topic));
	ctx.fact(`${sync}LostBytes`, loss.lostBytes);
	ctx.fact(`${sync}LostFiles`, loss.files.map((f) => `${path.basename(f.file)} ${f.lostBytes} B`));
	ctx.fact(`${sync}Recovery`, withoutDir(recovered?.message, ctx.dataDir));
}

function recovery(events: readonly FlashQEvent[], topic: string) {
	const done = events.filter((e): e is Extract<FlashQEvent, {type: 'recovery.done'}> => e.type === 'recovery.done' && e.topic === topic);
	return done.at(-1);
}

/** The files that lost bytes, by name (their sizes are the simulation's, not on any pane). */
const lostFiles = (files: readonly string[]): string => files.map((f) => f.replace(/ \d+ B$/, '')).join(' and ');

/** The same three choices for each sync mode's power loss: 10, 8 or 0 of the 10 records survive. */
const survivors = (prompt: string, answer: '1' | '2' | '3') => ({
	prompt,
	choices: [
		{key: '1', label: '10'},
		{key: '2', label: '8'},
		{key: '3', label: '0'},
	],
	answer,
});

const plug = 'The power is cut right after the last acknowledgement: every byte not yet fsynced is lost. Then FlashQ starts again and recovers.';

/** What one power loss under a sync mode records. */
type PowerLossFacts<S extends SyncMode> = {
	[K in `${S}Acked` | `${S}Survived` | `${S}LostBytes`]: number;
} & {[K in `${S}LostFiles`]: string[]} & {[K in `${S}Recovery`]: string | null};

/** What lesson 4 records. */
type CrashFacts = PowerLossFacts<SyncMode> & {
	tornZeroedBytes: number;
	tornTruncatedBytes: number;
	tornRecovery: string | null;
	tornSurvived: number;
	tornNextOffset: number;
};

/** Lesson 4: what a power loss takes under each sync mode, and how recovery cuts a torn tail. */
export const crashLesson: Lesson<CrashFacts> = {
	id: 'crash',
	title: 'Crash and recovery',
	summary: 'A simulated power loss drops every unsynced byte; reopening shows which records survive under each sync mode, and recovery truncating a torn tail.',
	storage: 'file',
	faults: true,
	// Commits every 4 records and a one-minute timer: the only fsyncs in periodic mode are at commits.
	options: {sync: 'always', commitThreshold: 4, syncIntervalMs: 60_000},
	steps: [
		{
			title: 'Power loss with sync=always',
			before: `10 records are posted with sync=always, each acknowledged after its fsync. ${plug}`,
			highlight: ['Topics', 'WAL', 'Events'],
			topic: 'always-crash',
			question: survivors('How many of the 10 acknowledged records survive?', '1'),
			run: (ctx) => crashUnder(ctx, 'always'),
			after: (f) =>
				`Topics shows 'always-crash' with ${f.alwaysSurvived} records: all ${f.alwaysAcked} survived. The power loss did take unsynced bytes (${lostFiles(f.alwaysLostFiles)}: the main log and index are fsynced lazily), but every acknowledged record was in the fsynced WAL, and recovery replayed it from there.`,
			cites: (f) => [pane.topic('always-crash', f.alwaysSurvived, f.alwaysSurvived)],
		},
		{
			title: 'Power loss with sync=periodic',
			before: `The same with sync=periodic and a commit threshold of 4: fsync at each commit (after records 4 and 8), acknowledgements right after the write. ${plug}`,
			highlight: ['Topics', 'WAL', 'Events'],
			topic: 'periodic-crash',
			question: survivors('How many of the 10 acknowledged records survive?', '2'),
			run: (ctx) => crashUnder(ctx, 'periodic'),
			after: (f) =>
				`Topics shows 'periodic-crash' with ${f.periodicSurvived} records: the ones up to the last commit's fsync survived, the ones after it were acknowledged but never fsynced. That is the periodic contract: you may lose what came after the last fsync.`,
			cites: (f) => [pane.topic('periodic-crash', f.periodicSurvived, f.periodicSurvived)],
		},
		{
			title: 'Power loss with sync=never',
			before: `And with sync=never: no fsync until a clean close, which never comes. ${plug}`,
			highlight: ['Topics', 'WAL', 'Events'],
			topic: 'never-crash',
			question: survivors('After a crash with sync=never, how many of these 10 records survive?', '3'),
			run: (ctx) => crashUnder(ctx, 'never'),
			after: (f) =>
				`Topics shows 'never-crash' with ${f.neverSurvived} records: everything written lived only in the operating system's page cache. The topic itself survived (its creation was fsynced), empty; the topics of the earlier steps kept all their records.`,
			cites: (f) => [pane.topic('never-crash', f.neverSurvived, f.neverSurvived), pane.topic('always-crash', f.alwaysSurvived, f.alwaysSurvived)],
		},
		{
			title: 'A torn tail is truncated',
			before:
				"With sync=never, 6 records are written and the queue is closed cleanly (so they are durable), then reopened; 5 more follow. Now a power loss that leaves zeros where unsynced bytes should be: the files keep their new length but the data never arrived. On reopening, recovery finds frames failing their checksum at the end of the files: a torn tail.",
			highlight: ['Topics', 'Records', 'Events'],
			topic: 'torn',
			question: {
				prompt: 'How many records does the topic have after recovery?',
				choices: [
					{key: '1', label: '11: zeros are just empty records'},
					{key: '2', label: '6: the torn tail is cut off'},
					{key: '3', label: 'None: the topic refuses to open'},
				],
				answer: '2',
			},
			async run(ctx) {
				await ctx.reopen({sync: 'never'});
				const topic = 'torn';
				await postOneByOne(ctx.engine, topic, makeRecords(ctx.rng, 6));
				await ctx.reopen();
				await postOneByOne(ctx.engine, topic, makeRecords(ctx.rng, 5));
				const loss = await ctx.powerLoss('zeros');
				const engine = await ctx.reopen();
				const done = recovery(ctx.events(), topic);
				ctx.fact('tornZeroedBytes', loss.lostBytes);
				ctx.fact('tornTruncatedBytes', done?.truncatedBytes ?? 0);
				ctx.fact('tornRecovery', withoutDir(done?.message, ctx.dataDir));
				ctx.fact('tornSurvived', hwm(engine, topic));
				const after = await engine.post(topic, makeRecords(ctx.rng, 1));
				ctx.fact('tornNextOffset', after[0]!.offset);
			},
			after: (f) =>
				`Recovery kept the ${f.tornSurvived} good records and cut off the zeros. The next post got offset ${f.tornNextOffset}, so Records lists offsets 0..${f.tornNextOffset}: no byte that fails its checksum is ever served, and the log carries on from the last good frame.`,
			cites: (f) => [pane.records('torn', 0, f.tornNextOffset, f.tornNextOffset + 1), pane.topic('torn', f.tornNextOffset + 1, f.tornNextOffset + 1), pane.record(f.tornSurvived - 1)],
		},
	],
};
