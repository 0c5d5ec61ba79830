import type {IndexLookup} from '../../../core/stats.js';
import type {FlashQ} from '../../../engine/flashq.js';
import type {PollOptions} from '../../../engine/types.js';
import type {Lesson} from '../lesson.js';
import {makeRecords} from '../records.js';
import {fmtMs, timed, topicStats} from './helpers.js';

const TOPIC = 'clicks';

/**
 * One poll's own cache hits and misses: counters before and after it, so reads the TUI makes for
 * its Records pane between steps do not change what the lesson reports.
 */
async function pollCounted(engine: FlashQ, options: PollOptions) {
	const cache = () => topicStats(engine, TOPIC).storage.cache!;
	const before = cache();
	const {value, ms} = await timed(() => engine.poll(TOPIC, options));
	const after = cache();
	return {records: value.records, ms, hits: after.hits - before.hits, misses: after.misses - before.misses, entries: after.entries};
}

/** What lesson 5 records.(Readonly<IndexLookup>: a mapped type, so it fits FactValue where the interface would not). */
type CacheFacts = {
	fillEntries: number;
	fillEvictions: number;
	capacity: number;
	hotCount: number;
	hotHits: number;
	hotMisses: number;
	coldHits: number;
	coldMisses: number;
	coldLookup: Readonly<IndexLookup> | null;
	restartEntries: number;
	restartHits: number;
	restartMisses: number;
	restartHitRate: number;
};

/** Lesson 5: an LRU cache of recent records in front of the log. */
export const cacheLesson: Lesson<CacheFacts> = {
	id: 'cache',
	title: 'The LRU cache',
	summary: 'Recent records are kept in a bounded LRU cache (20 records here): hits are served from memory, misses go through the index to the disk, and the least recently used entries are evicted.',
	storage: 'file',
	options: {sync: 'never', commitThreshold: 10, cacheSize: 20},
	steps: [
		{
			title: 'Appends fill the cache',
			before: `30 records are posted to '${TOPIC}' with a cache of 20 records. Each appended record enters the cache; watch its entries and evictions.`,
			highlight: ['Cache', 'Events'],
			question: {
				prompt: 'How many records does the cache hold afterwards, and how many were evicted?',
				choices: [
					{key: '1', label: '30 held, 0 evicted'},
					{key: '2', label: '20 held, 10 evicted'},
					{key: '3', label: '10 held, 20 evicted'},
				],
				answer: '2',
			},
			async run(ctx) {
				await ctx.engine.post(TOPIC, makeRecords(ctx.rng, 30, {padTo: 200}));
				const cache = topicStats(ctx.engine, TOPIC).storage.cache!;
				ctx.fact('fillEntries', cache.entries);
				ctx.fact('fillEvictions', cache.evictions);
				ctx.fact('capacity', cache.capacity);
			},
			after: (f) =>
				`The cache holds ${f.fillEntries} of its ${f.capacity}; ${f.fillEvictions} were evicted, the least recently used first: offsets 0-9. Only 20..29 are still in memory.`,
		},
		{
			title: 'A hot read: hits',
			before: 'A reader polls the 10 newest records, offsets 20-29. Watch hits in the Cache pane.',
			highlight: ['Cache', 'Records'],
			async run(ctx) {
				const read = await pollCounted(ctx.engine, {fromOffset: 20, maxRecords: 10});
				ctx.fact('hotCount', read.records.length);
				ctx.fact('hotHits', read.hits);
				ctx.fact('hotMisses', read.misses);
				ctx.measure('hotMs', read.ms);
			},
			after: (f, m) => `${f.hotHits} hits, ${f.hotMisses} misses: all ${f.hotCount} records came from memory in ${fmtMs(m['hotMs'])}, no disk touched.`,
		},
		{
			title: 'An old read: misses',
			before: 'Now the oldest 10, offsets 0-9, which were evicted. Watch misses, and the Offset Index pane: each miss means a lookup and a read from the log file.',
			highlight: ['Cache', 'Offset Index', 'Events'],
			question: {
				prompt: 'How many of the 10 reads will be cache hits?',
				choices: [
					{key: '1', label: '0'},
					{key: '2', label: '10'},
					{key: '3', label: '5'},
				],
				answer: '1',
			},
			async run(ctx) {
				const read = await pollCounted(ctx.engine, {fromOffset: 0, maxRecords: 10});
				ctx.fact('coldHits', read.hits);
				ctx.fact('coldMisses', read.misses);
				const lookup = topicStats(ctx.engine, TOPIC).storage.index!.lastLookup;
				ctx.fact('coldLookup', lookup ? {...lookup} : null);
				ctx.measure('coldMs', read.ms);
			},
			after: (f, m) =>
				`${f.coldHits} hits, ${f.coldMisses} misses. The read looked up offset 0 in the index (byte ${f.coldLookup?.position}), read the frames from the file, checked their CRCs and decoded them: ${fmtMs(m['coldMs'])} against ${fmtMs(m['hotMs'])} for the hot read.`,
		},
		{
			title: 'After a restart everything is cold',
			before: 'The queue is closed and reopened: the cache lives in memory, so it starts empty. The same hot read as before...',
			highlight: ['Cache', 'Offset Index'],
			async run(ctx) {
				const engine = await ctx.reopen();
				ctx.fact('restartEntries', topicStats(engine, TOPIC).storage.cache!.entries);
				const read = await pollCounted(engine, {fromOffset: 20, maxRecords: 10});
				ctx.fact('restartHits', read.hits);
				ctx.fact('restartMisses', read.misses);
				ctx.fact('restartHitRate', read.hits + read.misses > 0 ? Math.round((100 * read.hits) / (read.hits + read.misses)) : 0);
				ctx.measure('restartMs', read.ms);
			},
			after: (f, m) =>
				`...now gives ${f.restartHits} hits and ${f.restartMisses} misses (hit rate ${f.restartHitRate}%, ${fmtMs(m['restartMs'])}). Reads do not fill this cache; appends do, because consumers usually read what was just written.`,
		},
	],
};
