import {describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {FaultyIo} from '../../../source/storage/file/fault-io.js';
import {decodeRecords, parseHeader} from '../../../source/storage/file/frame-codec.js';
import {DATA, logFile, openOn, rec, walFile} from './helpers.js';

/** locateFrame: the bytes it returns are the bytes on disk at the position it names, and hold the record. */
describe('file storage: locating a record frame', () => {
	for (const sync of ['always', 'periodic', 'never'] as const) {
		it(`finds committed and pending frames (${sync})`, async () => {
			const io = new FaultyIo();
			const {backend} = await openOn(io, {sync, commitThreshold: 8, indexIntervalBytes: 256});
			const log = await backend.openTopic('t');
			// 3 batches of 4: 8 records committed to the log, 4 pending in the WAL (threshold 8).
			for (let b = 0; b < 3; b++) await log.append([0, 1, 2, 3].map((j) => rec(b * 4 + j)), 1000 + b, 0);
			for (let offset = 0; offset < 12; offset++) {
				const found = await log.locateFrame!(offset);
				expect(found, `offset ${offset}`).not.toBeNull();
				const onDisk = io.contents(found!.source === 'log' ? logFile('t') : walFile('t'));
				expect(found!.file.endsWith(found!.source === 'log' ? '/log' : '/wal')).toBe(true);
				expect(found!.file.startsWith(DATA)).toBe(true);
				if (found!.written) expect(onDisk.subarray(found!.position, found!.position + found!.bytes.length).equals(found!.bytes)).toBe(true);
				const parsed = parseHeader(found!.bytes);
				if (!parsed.ok) throw new Error(parsed.reason);
				const {header} = parsed;
				const [record] = decodeRecords(found!.bytes, header, 0, offset, 1);
				expect(record).toMatchObject({offset, value: rec(offset).value});
				if (found!.source === 'log') {
					expect(found!.indexEntry).not.toBeNull();
					expect(found!.indexEntry!.offset).toBeLessThanOrEqual(offset);
					expect(found!.indexEntry!.position).toBeLessThanOrEqual(found!.position);
				}
			}
			expect((await log.locateFrame!(0))!.source).toBe('log');
			expect((await log.locateFrame!(11))!.source).toBe('wal');
			expect(await log.locateFrame!(12)).toBeNull();
			expect(await log.locateFrame!(-1)).toBeNull();
			await backend.close();
		});
	}

	it('is reachable through the engine; memory storage has no frames', async () => {
		const io = new FaultyIo();
		const q = await FlashQ.open({storage: 'file', dataDir: DATA, io, commitThreshold: 1});
		await q.post('t', [{value: 'a'}, {value: 'b'}]);
		const found = await q.locateRecord('t', 1);
		expect(found).toMatchObject({source: 'log', position: 0, written: true});
		await expect(q.locateRecord('missing', 0)).rejects.toMatchObject({code: 'topic_not_found'});
		await q.close();
		const memory = await FlashQ.open({storage: 'memory'});
		await memory.post('t', [{value: 'a'}]);
		expect(await memory.locateRecord('t', 0)).toBeNull();
		await memory.close();
	});
});
