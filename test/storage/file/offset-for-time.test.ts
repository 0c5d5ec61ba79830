import {describe, expect, it} from 'vitest';
import {FaultyIo} from '../../../source/storage/file/fault-io.js';
import {INDEX_ENTRY_BYTES} from '../../../source/storage/file/offset-index.js';
import {DATA, fill, openOn} from './helpers.js';

const COUNT = 20_000;
const indexFile = `${DATA}/topics/74/index`;

/** `fill` stamps each record with its offset (batch of 1), so the answer for time t is offset ceil(t). */
describe('offsetForTime on file storage', () => {
	it('finds a record by time through the index: a few headers and about one interval read, not the log', async () => {
		const io = new FaultyIo();
		await fill(io, COUNT, 1);
		const {backend, events, hub} = await openOn(io);
		const log = await backend.openTopic('t');
		const logBytes = log.stats().logBytes!;
		expect(logBytes).toBeGreaterThan(500_000);
		for (const time of [0, 1, 4321.5, 12_345, COUNT - 1]) {
			io.resetCounters();
			expect(await log.offsetForTime(time)).toEqual({offset: Math.ceil(time), timestamp: Math.ceil(time)});
			// Binary search: ~log2(entries) 32-byte headers, then a scan of two intervals (4096 bytes each) at most.
			expect(io.readFrom('/log'), `time ${time}`).toBeLessThan(3 * 4096 + 40 * 32);
		}
		expect(await log.offsetForTime(COUNT)).toEqual({offset: COUNT, timestamp: null});
		expect(await log.offsetForTime(-1)).toEqual({offset: 0, timestamp: 0});
		hub.flush();
		expect(events.filter((e) => e.type === 'index.lookup' || e.type === 'cache')).toEqual([]);
		expect(log.stats()).toMatchObject({cache: {hits: 0, misses: 0}, index: {lookups: 0, lastLookup: null}});
		await backend.close();
	});

	it('answers right from an index entry that points into the middle of a frame (it scans the log instead)', async () => {
		const io = new FaultyIo();
		await fill(io, COUNT, 1);
		const index = io.contents(indexFile);
		expect(index.length / INDEX_ENTRY_BYTES).toBeGreaterThan(20);
		// Entry 10 one byte later: still increasing, so it loads, but no frame starts there.
		const at = 10 * INDEX_ENTRY_BYTES + 8;
		index.writeUInt32LE(index.readUInt32LE(at) + 1, at);
		io.setContents(indexFile, index);
		const {backend} = await openOn(io);
		const log = await backend.openTopic('t');
		for (const time of [0, 777, 12_345, COUNT - 1]) expect(await log.offsetForTime(time)).toEqual({offset: time, timestamp: time});
		await backend.close();
	});

	it('searches records still pending in the WAL, and never answers past the high water mark', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io, {sync: 'periodic', commitThreshold: 1000});
		const log = await backend.openTopic('t');
		await log.append([{value: 'a'}, {value: 'b'}], 100, 2);
		await log.append([{value: 'c'}], 200, 1);
		expect(log.stats().wal?.pendingRecords).toBe(3);
		expect(await log.offsetForTime(150)).toEqual({offset: 2, timestamp: 200});
		expect(await log.offsetForTime(201)).toEqual({offset: 3, timestamp: null});
		await backend.close();
	});
});
