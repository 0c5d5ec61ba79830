import type {IndexLookup} from '../../../core/stats.js';
import type {FlashQEvent} from '../../../core/events.js';
import type {Lesson} from '../lesson.js';
import {makeRecords} from '../records.js';
import {formatBytes} from '../../format.js';
import {pane, topicStats} from './helpers.js';

const TOPIC = 'metrics';

type IndexAppend = Extract<FlashQEvent, {type: 'index.append'}>;

/** What lesson 6 records.(Readonly<IndexLookup>: a mapped type, so it fits FactValue where the interface would not). */
type IndexFacts = {
	entries: number;
	interval: number;
	logBytes: number;
	entryList: [offset: number, position: number][];
	lookup: Readonly<IndexLookup>;
	lookupGot: number;
	scans: Readonly<IndexLookup>[];
	reopenEntries: number;
	reopenMessage: string | null;
};

/** Lesson 6: the sparse offset index: offset → byte position, then a short scan. */
export const indexLesson: Lesson<IndexFacts> = {
	id: 'index',
	title: 'The offset index',
	summary: 'A sparse index keeps one (offset, byte position) entry every N bytes of log; a read jumps to the entry at or before its offset and scans the few frames after it.',
	storage: 'file',
	// No cache, so every read goes through the index; an entry every 1 KiB so a small log has several.
	options: {sync: 'never', commitThreshold: 10, cacheSize: 0, indexIntervalBytes: 1024},
	steps: [
		{
			title: 'Entries are added as the log grows',
			before: `60 records of about 200 bytes are posted to '${TOPIC}' in batches of 3. Each batch is one frame; the index gets a new entry whenever the log has grown 1 KiB past the last one. Watch the Offset Index pane.`,
			highlight: ['Offset Index', 'WAL', 'Events'],
			topic: TOPIC,
			async run(ctx) {
				const records = makeRecords(ctx.rng, 60, {padTo: 200});
				for (let i = 0; i < records.length; i += 3) await ctx.engine.post(TOPIC, records.slice(i, i + 3));
				await ctx.engine.poll(TOPIC, {fromOffset: 0, maxRecords: 1});
				const s = topicStats(ctx.engine, TOPIC).storage;
				const entries = ctx.events().filter((e): e is IndexAppend => e.type === 'index.append' && e.topic === TOPIC);
				ctx.fact('entries', s.index!.entries);
				ctx.fact('interval', s.index!.interval);
				ctx.fact('logBytes', s.logBytes);
				ctx.fact('entryList', entries.map((e) => [e.offset, e.position]));
			},
			after: (f) => {
				return `The Offset Index pane: entries ${f.entries} (1 per ${formatBytes(f.interval)} of log). Each entry maps an offset to the byte where its frame starts (Events lists them as index.append); one per interval, not one per record, so even a huge log's index fits in memory.`;
			},
			cites: (f) => [pane.index(`entries ${f.entries}`), pane.index(`(1 per ${formatBytes(f.interval)})`)],
		},
		{
			title: 'A lookup',
			before: 'A reader asks for offset 40. The index is searched (binary search) for the last entry at or before 40; the read starts at its byte position and scans forward frame by frame.',
			highlight: ['Offset Index', 'Records', 'Events'],
			topic: TOPIC,
			question: {
				prompt: 'Where does the read of offset 40 start?',
				choices: [
					{key: '1', label: 'At byte 0, scanning every frame'},
					{key: '2', label: 'Exactly at the frame of offset 40'},
					{key: '3', label: 'At the nearest index entry at or before 40'},
				],
				answer: '3',
			},
			async run(ctx) {
				const result = await ctx.engine.poll(TOPIC, {fromOffset: 40, maxRecords: 1});
				const lookup = topicStats(ctx.engine, TOPIC).storage.index!.lastLookup!;
				ctx.fact('lookup', {...lookup});
				ctx.fact('lookupGot', result.records[0]!.offset);
			},
			after: (f) => {
				const l = f.lookup;
				return `The lookup line reads "${l.offset} -> entry ${l.entryOffset} @ byte ${l.position}, scanned ${l.scanned}": entry ${l.entryOffset} was the closest, and the read scanned ${l.scanned} frame(s) from its byte to reach offset ${l.offset} (each frame holds one batch of 3 records). Without the index it would read the log from its first byte.`;
			},
			cites: (f) => [pane.lookup(f.lookup)],
		},
		{
			title: 'The cost is bounded',
			before: 'Two more lookups: offset 0 (at the first entry) and offset 59 (the last record).',
			highlight: ['Offset Index'],
			topic: TOPIC,
			async run(ctx) {
				const scans: IndexLookup[] = [];
				for (const offset of [0, 59]) {
					await ctx.engine.poll(TOPIC, {fromOffset: offset, maxRecords: 1});
					scans.push({...topicStats(ctx.engine, TOPIC).storage.index!.lastLookup!});
				}
				ctx.fact('scans', scans);
			},
			after: (f) => {
				const [a, b] = f.scans;
				return `Offset ${a!.offset}: entry ${a!.entryOffset} @ byte ${a!.position}, scanned ${a!.scanned}. Offset ${b!.offset}: entry ${b!.entryOffset} @ byte ${b!.position}, scanned ${b!.scanned}. A read never scans more than about one interval, however long the log.`;
			},
			cites: (f) => f.scans.map((scan) => pane.lookup(scan)),
		},
		{
			title: 'The index survives a restart',
			before: 'The queue is closed cleanly and reopened. The index is saved with a checkpoint, so recovery does not scan the log to rebuild it.',
			highlight: ['Offset Index', 'Events'],
			topic: TOPIC,
			async run(ctx) {
				const engine = await ctx.reopen();
				const done = ctx.events().find((e) => e.type === 'recovery.done' && e.topic === TOPIC);
				ctx.fact('reopenEntries', topicStats(engine, TOPIC).storage.index!.entries);
				ctx.fact('reopenMessage', done?.type === 'recovery.done' ? (done.message ?? null) : null);
			},
			after: (f) =>
				`Reopened with entries ${f.reopenEntries}, read back from the checkpoint rather than rebuilt by scanning the log: opening a clean log costs the same whether it holds a megabyte or a terabyte.`,
			cites: (f) => [pane.index(`entries ${f.reopenEntries}`)],
		},
	],
};
