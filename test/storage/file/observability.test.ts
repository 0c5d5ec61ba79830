import {describe, expect, it} from 'vitest';
import type {FlashQEvent} from '../../../source/core/events.js';
import {ENTRY_OFFSETS_SHOWN} from '../../../source/core/stats.js';
import {FaultyIo} from '../../../source/storage/file/fault-io.js';
import {DATA, openOn, rec} from './helpers.js';

const ofType = <T extends FlashQEvent['type']>(events: FlashQEvent[], type: T) => events.filter((e): e is Extract<FlashQEvent, {type: T}> => e.type === type);

describe('file storage: group commit, stats and events', () => {
	it('shares fsyncs between concurrent appends in always mode (group commit)', async () => {
		const io = new FaultyIo();
		const {backend, events, hub} = await openOn(io, {sync: 'always', commitThreshold: 1000});
		const log = await backend.openTopic('t');
		const before = io.fsyncs;
		const bases = await Promise.all(Array.from({length: 64}, (_, i) => log.append([rec(i)], i, 0)));
		expect(bases).toEqual(Array.from({length: 64}, (_, i) => i));
		const fsyncs = io.fsyncs - before;
		expect(fsyncs).toBeGreaterThanOrEqual(1);
		expect(fsyncs).toBeLessThanOrEqual(2);
		hub.flush();
		const rounds = ofType(events, 'fsync').filter((e) => e.file === 'wal');
		expect(rounds.reduce((n, e) => n + e.records, 0)).toBe(64);
		// And a lone append still gets its own fsync before it resolves.
		const lone = io.fsyncs;
		await log.append([rec(64)], 0, 0);
		expect(io.fsyncs).toBe(lone + 1);
		await backend.close();
	});

	it('reports WAL, commits, cache, index and lock through stats, info and events', async () => {
		const io = new FaultyIo();
		const {backend, events, hub} = await openOn(io, {sync: 'always', commitThreshold: 4, cacheSize: 5, indexIntervalBytes: 100});
		expect(backend.info).toEqual({kind: 'file', dataDir: DATA, sync: 'always', commitThreshold: 4, cacheSize: 5, locked: true, notices: []});
		const log = await backend.openTopic('t');
		for (let i = 0; i < 10; i++) await log.append([rec(i)], i, 0);
		let stats = log.stats();
		expect(stats.wal).toMatchObject({committedOffset: 8, pendingRecords: 2, commits: 2});
		expect(stats.wal!.pendingBytes).toBeGreaterThan(0);
		expect(stats.fsync!.count).toBeGreaterThanOrEqual(10);
		expect(stats.cache).toMatchObject({capacity: 5, entries: 5, evictions: 5});
		expect(stats.index!.entries).toBeGreaterThan(1);
		expect(stats.failed).toBe(false);
		await log.read(0, 10); // 0..4 from the log (evicted), 5..9 from the cache
		stats = log.stats();
		expect(stats.cache).toMatchObject({hits: 5, misses: 5});
		expect(stats.index!.lookups).toBe(1);
		expect(stats.index!.lastLookup).toMatchObject({offset: 0, entryOffset: 0, position: 0});
		await log.read(7, 1);
		expect(log.stats().cache!.hits).toBe(6);
		hub.flush();
		expect(ofType(events, 'lock')[0]).toMatchObject({state: 'acquired', dataDir: DATA});
		expect(ofType(events, 'wal.write').length).toBe(10);
		expect(ofType(events, 'wal.write')[1]).toMatchObject({baseOffset: 1, count: 1, pendingRecords: 2});
		expect(ofType(events, 'wal.commit').map((e) => e.records)).toEqual([4, 4]);
		expect(ofType(events, 'index.append').length).toBe(stats.index!.entries);
		expect(ofType(events, 'index.lookup')[0]).toMatchObject({offset: 0, scanned: expect.any(Number)});
		expect(ofType(events, 'cache')[0]).toMatchObject({hits: 5, misses: 5});
		// A topic created just now has nothing to recover: no recovery line for it.
		expect(ofType(events, 'recovery.done')).toEqual([]);
		expect(ofType(events, 'fsync').find((e) => e.file === 'dir')).toMatchObject({topic: 't', latencyMs: expect.any(Number)});
		await backend.close();
		expect(backend.info.locked).toBe(false);
		hub.flush();
		expect(ofType(events, 'lock').at(-1)).toMatchObject({state: 'released'});
	});

	it("lists the index entries' offsets in stats (all of them, or an even sample keeping the first and last)", async () => {
		const io = new FaultyIo();
		const {backend, events, hub} = await openOn(io, {sync: 'never', commitThreshold: 1, indexIntervalBytes: 1});
		const log = await backend.openTopic('t');
		for (let i = 0; i < 10; i++) await log.append([rec(i)], i, 0);
		hub.flush();
		// An entry per frame at this interval: the offsets the index.append events named.
		expect(log.stats().index!.entryOffsets).toEqual(ofType(events, 'index.append').map((e) => e.offset));
		expect(log.stats().index!.entryOffsets).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		for (let i = 10; i < 600; i++) await log.append([rec(i)], i, 0);
		const offsets = log.stats().index!.entryOffsets!;
		expect(offsets).toHaveLength(ENTRY_OFFSETS_SHOWN);
		expect([offsets[0], offsets.at(-1)]).toEqual([0, 599]);
		expect(offsets.every((o, i) => i === 0 || o > offsets[i - 1]!)).toBe(true);
		await backend.close();
	});

	it('reports recovery progress on a large log', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io, {sync: 'never'});
		const log = await backend.openTopic('t');
		const big = 'x'.repeat(64 * 1024);
		for (let i = 0; i < 300; i++) await log.append([{value: big}], i, 0); // ~19 MiB
		await log.flush();
		const crashed = io.crash('drop'); // no clean close: recovery scans everything
		const {backend: again, events, hub} = await openOn(crashed, {sync: 'never'});
		const t = await again.openTopic('t');
		hub.flush();
		expect(t.nextOffset).toBe(300);
		const progress = ofType(events, 'recovery.progress');
		expect(progress.length).toBeGreaterThanOrEqual(2);
		expect(progress.at(-1)!.bytesScanned).toBe(progress.at(-1)!.totalBytes);
		await again.close();
		await backend.close();
	});
});
