/**
 * Idle topics close their files (issue 9, item 8): descriptors are held only by active topics, and
 * a closed topic reopens on its next use without a recovery scan.
 */
import {describe, expect, it} from 'vitest';
import {errnoError, FaultyIo} from '../../../source/storage/file/fault-io.js';
import type {FileStorageOptions} from '../../../source/storage/types.js';
import {openOn, rec} from './helpers.js';

/** Waits (without a time assertion) until `done` holds; fails after a generous bound. */
async function until(done: () => boolean): Promise<void> {
	for (let waited = 0; !done(); waited += 5) {
		if (waited > 10_000) throw new Error('condition never held');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

const IDLE: Partial<FileStorageOptions> = {idleCloseMs: 10};

describe('idle topics close their files', () => {
	for (const sync of ['always', 'periodic', 'never'] as const) {
		it(`${sync}: an idle topic's 3 fds close, reopen on the next append or read, and nothing is lost (even by a power loss after)`, async () => {
			const io = new FaultyIo(true);
			const {backend} = await openOn(io, {...IDLE, sync, commitThreshold: 10, syncIntervalMs: 2});
			const logs = await Promise.all(['a', 'b', 'c'].map((t) => backend.openTopic(t)));
			const baseline = io.openFds;
			// 3 records each: fewer than commitThreshold, so they are still pending in the WAL.
			for (const log of logs) for (let i = 0; i < 3; i++) await log.append([rec(i)], i, 0);
			await until(() => io.openFds === baseline - 9);
			expect(await logs[0]!.read(0, 10)).toHaveLength(3); // pending records are in memory: no reopen
			await logs[1]!.append([rec(3)], 3, 0);
			expect(io.openFds).toBe(baseline - 6);
			await until(() => io.openFds === baseline - 9);
			// Idle-closed files were left durable and clean: a power loss now loses nothing, recovery has nothing to do.
			const after = io.crash('drop');
			const reopened = await openOn(after, {sync});
			for (const [i, topic] of ['a', 'b', 'c'].entries()) {
				const log = await reopened.backend.openTopic(topic);
				expect((await log.read(0, 10)).map((r) => r.value)).toEqual(Array.from({length: i === 1 ? 4 : 3}, (_, j) => rec(j).value));
			}
			expect(reopened.backend.info.notices).toEqual([]);
			await reopened.backend.close();
			await backend.close();
		});
	}

	it('a read from the log reopens the files; close() of an idle-closed topic leaves a clean directory', async () => {
		const io = new FaultyIo(true);
		const {backend} = await openOn(io, {...IDLE, sync: 'always', commitThreshold: 2, cacheSize: 0});
		const log = await backend.openTopic('t');
		const baseline = io.openFds;
		for (let i = 0; i < 6; i++) await log.append([rec(i)], i, 0);
		await until(() => io.openFds === baseline - 3);
		expect((await log.read(0, 6)).map((r) => r.value)).toEqual(Array.from({length: 6}, (_, i) => rec(i).value));
		expect(io.openFds).toBe(baseline);
		await until(() => io.openFds === baseline - 3);
		await backend.close();
		const again = await openOn(io, {sync: 'always'});
		const reopened = await again.backend.openTopic('t');
		expect(reopened.nextOffset).toBe(6);
		expect(again.backend.info.notices).toEqual([]);
		await again.backend.close();
	});

	it('running out of descriptors on reopen is a clear error naming EMFILE and what to do; the topic works again once fds are free', async () => {
		const io = new FaultyIo(true);
		const {backend} = await openOn(io, {...IDLE, sync: 'always'});
		const log = await backend.openTopic('t');
		await log.append([rec(0)], 0, 0);
		const baseline = io.openFds;
		await until(() => io.openFds === baseline - 3);
		io.fault = (op) => (op === 'open' ? errnoError('EMFILE', 'EMFILE: too many open files') : null);
		await expect(log.append([rec(1)], 1, 0)).rejects.toThrow(/EMFILE.*raise the open-file limit \(ulimit -n\) or lower --max-topics/);
		expect(io.openFds).toBe(baseline - 3);
		await expect(backend.openTopic('new')).rejects.toThrow(/EMFILE.*ulimit -n.*--max-topics/);
		io.fault = null;
		expect(log.stats().failed).toBe(false);
		expect(await log.append([rec(1)], 1, 0)).toBe(1);
		expect((await log.read(0, 5)).length).toBe(2);
		await backend.close();
	});
});
