import fc from 'fast-check';
import {LRUCache} from 'lru-cache';
import {describe, expect, it} from 'vitest';
import {FaultyIo} from '../../../source/storage/file/fault-io.js';
import {openOn, rec} from './helpers.js';

/**
 * The record cache against a plain LRU fed at append time: the log defers cache insertions until
 * someone looks (read, stats), and that must leave exactly the hits, misses and entries that
 * inserting every appended record at once would have.
 */
describe('file storage: the record cache behaves as an LRU populated on append', () => {
	const operation = fc.oneof(
		fc.record({op: fc.constant('append' as const), count: fc.integer({min: 1, max: 40})}),
		fc.record({op: fc.constant('read' as const), from: fc.nat(), max: fc.integer({min: 1, max: 30})}),
		fc.record({op: fc.constant('stats' as const)}),
	);

	it('matches the model for random appends and reads (count bound)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({min: 1, max: 25}), fc.array(operation, {minLength: 1, maxLength: 40}), async (cacheSize, operations) => {
				const io = new FaultyIo();
				// Threshold 1: every record is in the log at once, so every read is a cache hit or a log read.
				const {backend} = await openOn(io, {sync: 'never', commitThreshold: 1, cacheSize});
				const log = await backend.openTopic('t');
				const model = new LRUCache<number, true>({max: cacheSize});
				let hits = 0;
				let misses = 0;
				let next = 0;
				for (const o of operations) {
					if (o.op === 'append') {
						await log.append(Array.from({length: o.count}, (_, i) => rec(next + i)), 1, 0);
						for (let i = 0; i < o.count; i++) model.set(next + i, true);
						next += o.count;
					} else if (o.op === 'read') {
						const from = next === 0 ? 0 : o.from % next;
						const records = await log.read(from, o.max);
						expect(records.map((r) => r.offset)).toEqual(Array.from({length: Math.min(o.max, next - from)}, (_, i) => from + i));
						for (const r of records) {
							if (model.get(r.offset)) hits++;
							else misses++;
						}
					}
					const cache = log.stats().cache!;
					expect({hits: cache.hits, misses: cache.misses, entries: cache.entries}).toEqual({hits, misses, entries: model.size});
				}
				await backend.close();
			}),
			{numRuns: 60},
		);
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
