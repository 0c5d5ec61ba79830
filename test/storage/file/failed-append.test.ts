import {describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {errnoError, FaultyIo} from '../../../source/storage/file/fault-io.js';
import {DATA, logFile, walFile} from './helpers.js';
import {waitFor} from '../../helpers/wait-for.js';

/**
 * Issue 9, item 5: a post that failed (disk full, failed fsync) must leave no readable record, no
 * counted offset and nothing a replay could bring back, in every sync mode; a retrying producer
 * must not create duplicates.
 */
const value = (offset: number) => `${offset}:${'v'.repeat(20_000)}`;
const BATCHES = [1, 3, 12];

/** Posts batches of 1, 3 and 12 records (one at a time, or all three at once) until a post fails. */
async function postUntilFull(queue: FlashQ, concurrent: boolean) {
	const acked: number[] = [];
	let failures = 0;
	for (let round = 0; round < 200 && failures === 0; round++) {
		const sizes = concurrent ? BATCHES : [BATCHES[round % BATCHES.length]!];
		// Values name the offset they are expected at; the engine assigns offsets in call order.
		let next = queue.topics()[0]!.highWaterMark;
		const posts = sizes.map((size) => {
			const records = Array.from({length: size}, (_, i) => ({value: value(next + i)}));
			next += size;
			return queue.post('t', records);
		});
		for (const result of await Promise.allSettled(posts)) {
			if (result.status === 'fulfilled') acked.push(...result.value.map((o) => o.offset));
			else failures++;
		}
	}
	return {acked: acked.sort((a, b) => a - b), failures};
}

describe('a failed post leaves nothing behind (issue 9, item 5)', () => {
	for (const sync of ['always', 'periodic', 'never'] as const) {
		for (const preallocate of [false, true]) {
			for (const concurrent of [false, true]) {
				it(`${sync}, WAL preallocated ${preallocate}, ${concurrent ? 'concurrent' : 'sequential'} posts of 1, 3 and 12 x 20 KB until the disk is full`, async () => {
					const io = new FaultyIo(preallocate);
					const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync, commitThreshold: 10});
					await queue.post('t', [{value: value(0)}]);
					io.writeBudget = 900_000;
					const {acked, failures} = await postUntilFull(queue, concurrent);
					expect(failures).toBeGreaterThan(0);
					const all = [0, ...acked];
					// Acknowledged offsets are dense from 0, and the high water mark is exactly their count.
					expect(all).toEqual(all.map((_, i) => i));
					const hwm = queue.topics()[0]!.highWaterMark;
					expect(hwm).toBe(all.length);
					const polled = await queue.poll('t', {fromOffset: 0, maxRecords: 10_000});
					expect(polled.records.map((r) => r.offset)).toEqual(all);
					polled.records.forEach((r) => expect(r.value).toBe(value(r.offset)));
					await queue.close();
					// Space again, and a restart on the files exactly as the process left them (as after kill -9):
					// the failed batch must not come back from the WAL.
					io.writeBudget = Number.POSITIVE_INFINITY;
					const reopened = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync, commitThreshold: 10});
					expect(reopened.topics()[0]!.highWaterMark).toBe(hwm);
					const again = await reopened.poll('t', {fromOffset: 0, maxRecords: 10_000});
					expect(again.records.map((r) => r.value)).toEqual(polled.records.map((r) => r.value));
					// A retry of the failed batch lands once, right after the acknowledged records.
					const retried = await reopened.post('t', [{value: 'retry'}]);
					expect(retried[0]!.offset).toBe(hwm);
					await reopened.close();
				});
			}
		}
	}

	it('always: a failed WAL fsync takes back every record waiting on it, from memory and from the files', async () => {
		const io = new FaultyIo();
		const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync: 'always', commitThreshold: 4});
		await queue.post('t', [{value: 'kept-0'}, {value: 'kept-1'}]);
		// One failed fsync (a transient EIO): the rollback after it succeeds.
		let failOnce = true;
		io.fault = (op, file) => {
			if (!failOnce || op !== 'fsync' || file !== walFile('t')) return null;
			failOnce = false;
			return errnoError('EIO', 'i/o error');
		};
		const results = await Promise.allSettled(Array.from({length: 6}, (_, i) => queue.post('t', [{value: `lost-${i}`}])));
		expect(results.every((r) => r.status === 'rejected')).toBe(true);
		expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/EIO.*offsets 2\.\.7 were never acknowledged and have been taken back/);
		io.fault = null;
		expect(queue.topics()[0]!.highWaterMark).toBe(2);
		expect((await queue.poll('t')).records.map((r) => r.value)).toEqual(['kept-0', 'kept-1']);
		await queue.close();
		const reopened = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync: 'always'});
		expect((await reopened.poll('t')).records.map((r) => r.value)).toEqual(['kept-0', 'kept-1']);
		await reopened.close();
	});

	it('says so when the rollback itself cannot finish (the fsync keeps failing)', async () => {
		const io = new FaultyIo();
		const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync: 'always'});
		await queue.post('t', [{value: 'kept'}]);
		io.fault = (op, file) => (op === 'fsync' && file === walFile('t') ? errnoError('EIO', 'i/o error') : null);
		await expect(queue.post('t', [{value: 'lost'}])).rejects.toThrow(/taking back the unacknowledged offsets 1\.\.1 .* failed too .*may reappear/);
		// In memory the record is gone at once: it is never served.
		expect(queue.topics()[0]!.highWaterMark).toBe(1);
		io.fault = null;
		await queue.close();
	});

	it('always: a batch written straight to the log whose fsync then failed is cut from the log and zeroed nowhere else', async () => {
		const io = new FaultyIo(true);
		const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync: 'always', commitThreshold: 4});
		// Batches of at least commitThreshold records with nothing pending go to the log directly.
		await queue.post('t', ['a', 'b', 'c', 'd'].map((value) => ({value})));
		const logBefore = io.readFile(logFile('t')).length;
		io.fault = (op, file) => (op === 'fsync' && file === logFile('t') ? errnoError('EIO', 'i/o error') : null);
		await expect(queue.post('t', ['e', 'f', 'g', 'h'].map((value) => ({value})))).rejects.toThrow(/EIO/);
		io.fault = null;
		expect(io.readFile(logFile('t')).length).toBe(logBefore);
		expect(queue.topics()[0]!.highWaterMark).toBe(4);
		await queue.close();
		const reopened = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync: 'always'});
		expect((await reopened.poll('t')).records.map((r) => r.value)).toEqual(['a', 'b', 'c', 'd']);
		await reopened.close();
	});

	it('always: records waiting for their fsync are not served, so a consumer never sees one vanish', async () => {
		/** An fsync that waits until the test opens the gate, then fails or succeeds. */
		class GatedIo extends FaultyIo {
			gate: Promise<void> | null = null;
			gated = 0;
			override fdatasync(fd: number): Promise<void> {
				const gate = this.gate;
				if (gate) this.gated++;
				return gate ? gate.then(() => super.fdatasync(fd)) : super.fdatasync(fd);
			}
		}
		const io = new GatedIo();
		const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync: 'always'});
		await queue.post('t', [{value: 'acked'}]);
		let open!: () => void;
		io.gate = new Promise((resolve) => (open = resolve));
		// Two producers share one sync round: it runs off the event loop, behind the gate.
		const waiting = [queue.post('t', [{value: 'w1'}]), queue.post('t', [{value: 'w2'}])];
		await waitFor(() => io.gated > 0, 10_000, 'the sync round behind the gate');
		const during = await queue.poll('t');
		expect(during.records.map((r) => r.value)).toEqual(['acked']);
		expect(during.highWaterMark).toBe(1);
		expect(queue.topics()[0]!.highWaterMark).toBe(1);
		io.fault = (op) => (op === 'fsync' ? errnoError('EIO', 'i/o error') : null);
		open();
		const results = await Promise.allSettled(waiting);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect((await queue.poll('t')).records.map((r) => r.value)).toEqual(['acked']);
		io.fault = null;
		await queue.close();
	});
});
