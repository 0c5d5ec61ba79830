import type {Lesson} from '../lesson.js';
import {makeRecords} from '../records.js';
import {fmtMs, timed, topicStats} from './helpers.js';

const TOPIC = 'clicks';

const cacheFacts = (prefix: string, cache: {entries: number; hits: number; misses: number; evictions: number}) => ({
	[`${prefix}Entries`]: cache.entries,
	[`${prefix}Hits`]: cache.hits,
	[`${prefix}Misses`]: cache.misses,
	[`${prefix}Evictions`]: cache.evictions,
});

/** Lesson 5: an LRU cache of recent records in front of the log. */
export const cacheLesson: Lesson = {
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
				for (const [k, v] of Object.entries(cacheFacts('fill', cache))) ctx.fact(k, v);
				ctx.fact('capacity', cache.capacity);
			},
			after: (f) =>
				`The cache holds ${f['fillEntries']} of its ${f['capacity']}; ${f['fillEvictions']} were evicted, the least recently used first: offsets 0-9. Only 20..29 are still in memory.`,
		},
		{
			title: 'A hot read: hits',
			before: 'A reader polls the 10 newest records, offsets 20-29. Watch hits in the Cache pane.',
			highlight: ['Cache', 'Records'],
			async run(ctx) {
				const {value, ms} = await timed(() => ctx.engine.poll(TOPIC, {fromOffset: 20, maxRecords: 10}));
				const cache = topicStats(ctx.engine, TOPIC).storage.cache!;
				ctx.fact('hotCount', value.records.length);
				for (const [k, v] of Object.entries(cacheFacts('hot', cache))) ctx.fact(k, v);
				ctx.measure('hotMs', ms);
			},
			after: (f, m) => `${f['hotHits']} hits, ${f['hotMisses']} misses: all ${f['hotCount']} records came from memory in ${fmtMs(m['hotMs'])}, no disk touched.`,
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
				const {ms} = await timed(() => ctx.engine.poll(TOPIC, {fromOffset: 0, maxRecords: 10}));
				const s = topicStats(ctx.engine, TOPIC).storage;
				for (const [k, v] of Object.entries(cacheFacts('cold', s.cache!))) ctx.fact(k, v);
				ctx.fact('coldLookup', s.index!.lastLookup ? {...s.index!.lastLookup} : null);
				ctx.measure('coldMs', ms);
			},
			after: (f, m) =>
				`${(f['coldMisses'] as number) - (f['hotMisses'] as number)} new misses. The read looked up offset 0 in the index (byte ${(f['coldLookup'] as {position: number}).position}), read the frames from the file, checked their CRCs and decoded them: ${fmtMs(m['coldMs'])} against ${fmtMs(m['hotMs'])} for the hot read.`,
		},
		{
			title: 'After a restart everything is cold',
			before: 'The queue is closed and reopened: the cache lives in memory, so it starts empty. The same hot read as before...',
			highlight: ['Cache', 'Offset Index'],
			async run(ctx) {
				const engine = await ctx.reopen();
				const {ms} = await timed(() => engine.poll(TOPIC, {fromOffset: 20, maxRecords: 10}));
				const cache = topicStats(engine, TOPIC).storage.cache!;
				for (const [k, v] of Object.entries(cacheFacts('restart', cache))) ctx.fact(k, v);
				ctx.measure('restartMs', ms);
				const hitRate = cache.hits + cache.misses > 0 ? cache.hits / (cache.hits + cache.misses) : 0;
				ctx.fact('restartHitRate', Math.round(hitRate * 100));
			},
			after: (f, m) =>
				`...now gives ${f['restartHits']} hits and ${f['restartMisses']} misses (hit rate ${f['restartHitRate']}%, ${fmtMs(m['restartMs'])}). This cache keeps what was recently appended, because consumers usually read what was just written.`,
		},
	],
};
