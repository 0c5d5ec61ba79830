import fc from 'fast-check';
import {LRUCache} from 'lru-cache';
import {describe, expect, it} from 'vitest';
import {FaultyIo} from '../../../source/storage/file/fault-io.js';
import {encodeFrame} from '../../../source/storage/file/frame-codec.js';
import {openOn, rec, stored} from './helpers.js';

/**
 * The record cache against a plain LRU fed at append time: the log defers cache insertions until
 * someone looks (read, stats), and that must leave exactly the hits, misses and entries that
 * inserting every appended record at once would have.
 */
describe('file storage: the record cache behaves as an LRU populated on append', () => {
	const operation = fc.oneof(
		fc.record({op: fc.constant('append' as const), count: fc.integer({min: 1, max: 40})}),
		fc.record({op: fc.constant('read' as const), from: fc.nat(), max: fc.integer({min: 1, max: 30})}),
		// A view's quiet read: the same records, and the model (recency, hits, misses) untouched.
		fc.record({op: fc.constant('peek' as const), from: fc.nat(), max: fc.integer({min: 1, max: 30})}),
		fc.record({op: fc.constant('stats' as const)}),
	);

	type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;
	// Stats are compared only at 'stats' steps, so several appends and reads can pile up in between.
	const runModel = async (cacheSize: number, cacheBytes: number, operations: Operation[]) => {
		const io = new FaultyIo();
		// Threshold 1: every record is in the log at once, so every read is a cache hit or a log read.
		const {backend} = await openOn(io, {sync: 'never', commitThreshold: 1, cacheSize, cacheBytes});
		const log = await backend.openTopic('t');
		// The log charges a record its encoded size plus 64 bytes of bookkeeping.
		const model = new LRUCache<number, true>({max: cacheSize, maxSize: cacheBytes});
		let hits = 0;
		let misses = 0;
		let next = 0;
		for (const o of operations) {
			if (o.op === 'append') {
				const records = Array.from({length: o.count}, (_, i) => rec(next + i));
				await log.append(records, 1, 0);
				const {recordSizes} = encodeFrame(next, 1, records);
				for (let i = 0; i < o.count; i++) model.set(next + i, true, {size: recordSizes[i]! + 64});
				next += o.count;
			} else if (o.op === 'read') {
				const from = next === 0 ? 0 : o.from % next;
				const records = await log.read(from, o.max);
				// Whole records, not just offsets: a cache hit must return the record appended at that offset.
				expect(records).toEqual(Array.from({length: Math.min(o.max, next - from)}, (_, i) => stored(from + i, 1)));
				for (const r of records) {
					if (model.get(r.offset)) hits++;
					else misses++;
				}
			} else if (o.op === 'peek') {
				const from = next === 0 ? 0 : o.from % next;
				const index = () => JSON.stringify(log.stats().index);
				const indexBefore = index();
				const records = await log.read(from, o.max, Infinity, true);
				expect(records).toEqual(Array.from({length: Math.min(o.max, next - from)}, (_, i) => stored(from + i, 1)));
				expect(index()).toBe(indexBefore);
			} else {
				const cache = log.stats().cache!;
				// The span the log map draws: the lowest and highest offset the model holds.
				const keys = [...model.keys()];
				expect({hits: cache.hits, misses: cache.misses, entries: cache.entries, bytes: cache.bytes, span: cache.span}).toEqual({
					hits,
					misses,
					entries: model.size,
					bytes: model.calculatedSize,
					span: keys.length > 0 ? {first: Math.min(...keys), last: Math.max(...keys)} : null,
				});
			}
		}
		await backend.close();
	};

	it('matches the model for random appends and reads (count bound)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({min: 1, max: 25}), fc.array(operation, {minLength: 1, maxLength: 40}), (cacheSize, operations) =>
				runModel(cacheSize, 64 * 1024 * 1024, operations),
			),
			{numRuns: 60},
		);
	});

	it('matches the model for random appends and reads (byte bound, with the count bound too)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({min: 1, max: 60}),
				fc.integer({min: 50, max: 3000}),
				fc.array(operation, {minLength: 1, maxLength: 40}),
				(cacheSize, cacheBytes, operations) => runModel(cacheSize, cacheBytes, operations),
			),
			{numRuns: 100},
		);
	});

	it('a quiet read (a view looking) changes neither the counts nor which record is evicted next', async () => {
		for (const quiet of [true, false]) {
			const {backend} = await openOn(new FaultyIo(), {sync: 'never', commitThreshold: 1, cacheSize: 3});
			const log = await backend.openTopic('t');
			for (let i = 0; i < 3; i++) await log.append([rec(i)], 1, 0);
			const before = log.stats().cache!;
			await log.read(0, 1, Infinity, quiet);
			const after = log.stats().cache!;
			// Offset 0 is the least recently used: the next append evicts it, unless a counted read just used it.
			await log.append([rec(3)], 1, 0);
			await log.read(0, 1);
			const final = log.stats().cache!;
			if (quiet) {
				expect([after.hits, after.misses]).toEqual([before.hits, before.misses]);
				expect(final.misses - after.misses).toBe(1);
			} else {
				expect(after.hits - before.hits).toBe(1);
				expect(final.hits - after.hits).toBe(1);
			}
			await backend.close();
		}
	});

	it('keeps what was appended even if the caller then changes its record objects', async () => {
		const {backend} = await openOn(new FaultyIo(), {sync: 'never', commitThreshold: 1, cacheSize: 10});
		const log = await backend.openTopic('t');
		const batch = [{key: 'k', value: 'original', headers: null as Record<string, string> | null}];
		await log.append(batch, 1, 0);
		batch[0]!.value = 'changed';
		batch[0]!.key = 'other';
		batch[0]!.headers = {x: 'y'};
		expect(await log.read(0, 1)).toEqual([{offset: 0, timestamp: 1, key: 'k', value: 'original', headers: null}]);
		expect(log.stats().cache!.hits).toBe(1);
		await backend.close();
	});

	it('stays within its byte bound however large the appends', async () => {
		const io = new FaultyIo();
		const cacheBytes = 4096;
		const {backend} = await openOn(io, {sync: 'never', commitThreshold: 1, cacheSize: 1000, cacheBytes});
		const log = await backend.openTopic('t');
		for (let i = 0; i < 50; i++) {
			await log.append(Array.from({length: 7}, (_, j) => ({value: 'v'.repeat(((i * 7 + j) % 9) * 100)})), 1, 0);
			const cache = log.stats().cache!;
			expect(cache.bytes).toBeLessThanOrEqual(cacheBytes);
			expect(cache.entries).toBeGreaterThan(0);
		}
		// The newest record is always a hit.
		await log.read(349, 1);
		expect(log.stats().cache!.hits).toBe(1);
		await backend.close();
	});
});
