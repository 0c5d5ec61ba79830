import {describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {errnoError, FaultyIo} from '../../../source/storage/file/fault-io.js';
import {DATA, filled, openOn, rec, walFile} from './helpers.js';
import {waitFor} from '../../helpers/wait-for.js';

describe('file storage fail-stop on I/O errors', () => {
	for (const sync of ['always', 'periodic', 'never'] as const) {
		it(`disk full (${sync}): the failing append and every later one are rejected, nothing acknowledged is lost`, async () => {
			const io = new FaultyIo();
			const {backend} = await openOn(io, {sync, commitThreshold: 4});
			const log = await backend.openTopic('t');
			io.writeBudget = 2500; // runs out part-way through a frame
			const acked: number[] = [];
			let failure: Error | undefined;
			for (let i = 0; i < 200 && !failure; i++) {
				try {
					acked.push(await log.append([rec(i)], i, 0));
				} catch (error) {
					failure = error as Error;
				}
			}
			expect(failure?.message).toMatch(/ENOSPC/);
			expect(failure?.message).toContain("topic 't'");
			expect(log.stats().failed).toBe(true);
			expect(log.stats().failure).toContain('ENOSPC');
			io.writeBudget = Number.POSITIVE_INFINITY; // space again: still refused until reopened
			await expect(log.append([rec(999)], 1, 0)).rejects.toThrow(/accepts no more records/);
			expect(acked).toEqual(acked.map((_, i) => i));
			// Power loss now: in `always` mode every acknowledged record must survive.
			const after = io.crash('drop');
			await backend.close();
			const {backend: reopened} = await openOn(after, {sync});
			const t = await reopened.openTopic('t');
			const records = await t.read(0, 1000);
			expect(records).toEqual(Array.from({length: records.length}, (_, i) => filled(i)));
			if (sync === 'always') expect(records.length).toBeGreaterThanOrEqual(acked.length);
			// With the disk back, the reopened topic works again.
			expect(await t.append([rec(records.length)], records.length, 0)).toBe(records.length);
			await reopened.close();
		});
	}

	it('a failed fsync rejects every append waiting on it and all later ones', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io, {sync: 'always'});
		const log = await backend.openTopic('t');
		await log.append([rec(0)], 0, 0);
		io.fault = (op, file) => (op === 'fsync' && file === walFile('t') ? errnoError('EIO', 'i/o error') : null);
		const results = await Promise.allSettled(Array.from({length: 8}, (_, i) => log.append([rec(i + 1)], 0, 0)));
		expect(results.every((r) => r.status === 'rejected' && /EIO/.test(String(r.reason)))).toBe(true);
		io.fault = null;
		await expect(log.append([rec(9)], 0, 0)).rejects.toThrow(/fsync in .* failed .*EIO/);
		expect(log.stats().failed).toBe(true);
		await backend.close();
	});

	it('a failed background fsync in periodic mode stops the topic', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io, {sync: 'periodic', syncIntervalMs: 5});
		const log = await backend.openTopic('t');
		io.fault = (op) => (op === 'fsync' ? errnoError('EIO', 'i/o error') : null);
		await log.append([rec(0)], 0, 0); // acknowledged before the fsync, as periodic allows
		await waitFor(() => log.stats().failed, 10_000, 'the background fsync failing');
		await expect(log.append([rec(1)], 0, 0)).rejects.toThrow(/EIO/);
		await backend.close();
	});

	it('surfaces through the engine as internal_error with a clear message', async () => {
		const io = new FaultyIo();
		const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io});
		await queue.post('t', [{value: 'ok'}]);
		io.writeBudget = 0;
		await expect(queue.post('t', [{value: 'lost'}])).rejects.toMatchObject({code: 'internal_error', message: expect.stringMatching(/^Storage error: write to \/data\/topics\/74\/(wal|log) failed for topic 't': ENOSPC/)});
		io.writeBudget = Number.POSITIVE_INFINITY;
		await expect(queue.post('t', [{value: 'still refused'}])).rejects.toMatchObject({code: 'internal_error'});
		expect(queue.stats().topics[0]!.storage.failed).toBe(true);
		expect((await queue.poll('t')).records.map((r) => r.value)).toEqual(['ok']);
		await queue.close();
	});
});
