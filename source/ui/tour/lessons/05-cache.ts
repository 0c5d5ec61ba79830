import type {IndexLookup} from '../../../core/stats.js';
import type {FlashQ} from '../../../engine/flashq.js';
import type {PollOptions} from '../../../engine/types.js';
import type {Lesson} from '../lesson.js';
import {makeRecords} from '../records.js';
import {formatPercent} from '../../format.js';
import {pane, topicStats} from './helpers.js';

const TOPIC = 'clicks';

/** One poll's own cache hits and misses (counters before and after it), and the totals after it: what the Cache pane shows. */
async function pollCounted(engine: FlashQ, options: PollOptions) {
	const cache = () => topicStats(engine, TOPIC).storage.cache!;
	const before = cache();
	const {records} = await engine.poll(TOPIC, options);
	const after = cache();
	return {records, hits: after.hits - before.hits, misses: after.misses - before.misses, totalHits: after.hits, totalMisses: after.misses, entries: after.entries};
}

/** What lesson 5 records.(Readonly<IndexLookup>: a mapped type, so it fits FactValue where the interface would not). */
type CacheFacts = {
	fillEntries: number;
	fillEvictions: number;
	capacity: number;
	hotCount: number;
	hotHits: number;
	hotMisses: number;
	hotTotalHits: number;
	hotTotalMisses: number;
	coldHits: number;
	coldMisses: number;
	coldTotalHits: number;
	coldTotalMisses: number;
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
			topic: TOPIC,
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
				`entries ${f.fillEntries} of capacity ${f.capacity}; evictions ${f.fillEvictions}, the least recently used first: the oldest records. Only the newest ${f.fillEntries} are still in memory.`,
			cites: (f) => [pane.cache(`capacity ${f.capacity} rec`), pane.cache(`entries ${f.fillEntries}`), pane.cache(`evictions ${f.fillEvictions}`)],
		},
		{
			title: 'A hot read: hits',
			before: 'A reader polls the 10 newest records, offsets 20-29. Watch hits in the Cache pane.',
			highlight: ['Cache', 'Records'],
			topic: TOPIC,
			async run(ctx) {
				const read = await pollCounted(ctx.engine, {fromOffset: 20, maxRecords: 10});
				ctx.fact('hotCount', read.records.length);
				ctx.fact('hotHits', read.hits);
				ctx.fact('hotMisses', read.misses);
				ctx.fact('hotTotalHits', read.totalHits);
				ctx.fact('hotTotalMisses', read.totalMisses);
			},
			after: (f) =>
				`The Cache pane counts this topic's reads since the queue opened: hits ${f.hotTotalHits} misses ${f.hotTotalMisses}. All ${f.hotCount} records came from memory, no disk touched.`,
			cites: (f) => [pane.cache(`hits ${f.hotTotalHits} misses ${f.hotTotalMisses}`)],
		},
		{
			title: 'An old read: misses',
			before: 'Now the oldest 10, offsets 0-9, which were evicted. Watch misses, and the Offset Index pane: each miss means a lookup and a read from the log file.',
			highlight: ['Cache', 'Offset Index', 'Events'],
			topic: TOPIC,
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
				ctx.fact('coldTotalHits', read.totalHits);
				ctx.fact('coldTotalMisses', read.totalMisses);
				const lookup = topicStats(ctx.engine, TOPIC).storage.index!.lastLookup;
				ctx.fact('coldLookup', lookup ? {...lookup} : null);
			},
			after: (f) => {
				const l = f.coldLookup;
				const lookup = l ? `${l.offset} -> entry ${l.entryOffset} @ byte ${l.position}, scanned ${l.scanned}` : 'no index lookup';
				return `hits ${f.coldTotalHits} misses ${f.coldTotalMisses}: hits did not move, every record of this read was a miss. The Offset Index shows the lookup (${lookup}): the read went to the log file from there, checked each frame's CRC and decoded it, work a hit never does.`;
			},
			cites: (f) => [pane.cache(`hits ${f.coldTotalHits} misses ${f.coldTotalMisses}`), ...(f.coldLookup ? [pane.lookup(f.coldLookup)] : [])],
		},
		{
			title: 'After a restart everything is cold',
			before: 'The queue is closed and reopened: the cache lives in memory, so it starts empty. The same hot read as before...',
			highlight: ['Cache', 'Offset Index'],
			topic: TOPIC,
			async run(ctx) {
				const engine = await ctx.reopen();
				ctx.fact('restartEntries', topicStats(engine, TOPIC).storage.cache!.entries);
				const read = await pollCounted(engine, {fromOffset: 20, maxRecords: 10});
				ctx.fact('restartHits', read.hits);
				ctx.fact('restartMisses', read.misses);
				ctx.fact('restartHitRate', read.hits + read.misses > 0 ? read.hits / (read.hits + read.misses) : 0);
			},
			after: (f) =>
				`...now gives hits ${f.restartHits} misses ${f.restartMisses} (the counters started again with the new engine: hit rate ${formatPercent(f.restartHitRate)}), and the cache still has entries ${f.restartEntries}. Reads do not fill this cache; appends do, because consumers usually read what was just written.`,
			cites: (f) => [pane.cache(`hits ${f.restartHits} misses ${f.restartMisses}`), pane.cache(`hit rate ${formatPercent(f.restartHitRate)}`), pane.cache(`entries ${f.restartEntries}`)],
		},
	],
};
