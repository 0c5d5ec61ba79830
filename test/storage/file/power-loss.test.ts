import {describe, expect, it} from 'vitest';
import type {RecordInput, StoredRecord} from '../../../source/engine/types.js';
import {type CrashMode, FaultyIo, seededRandom} from '../../../source/storage/file/fault-io.js';
import type {TopicLog} from '../../../source/storage/types.js';
import {openOn} from './helpers.js';

const value = (i: number, random: () => number) => `r${i}-${'p'.repeat(Math.floor(random() * 300))}`;

/**
 * Random appends (single, concurrent bursts, batches, occasional flushes) on the fault layer, then a
 * power loss at a random moment, in-flight appends included. Returns what was written and what was
 * promised, plus the file system a reboot finds.
 */
async function runUntilPowerLoss(sync: 'always' | 'periodic' | 'never', mode: CrashMode, seed: number, preallocate: boolean) {
	const random = seededRandom(seed);
	const io = new FaultyIo(preallocate);
	const {backend} = await openOn(io, {sync, commitThreshold: 4, walResetBytes: 4096, syncIntervalMs: 2, indexIntervalBytes: 256});
	const log = await backend.openTopic('t');
	const written = new Map<number, RecordInput>();
	const acked = new Set<number>();
	let flushed = 0;
	const append = (records: RecordInput[]) => {
		const base = log.nextOffset;
		records.forEach((r, i) => written.set(base + i, r));
		return log.append(records, 7, 0).then(
			(b) => records.forEach((_, i) => acked.add(b + i)),
			() => undefined,
		);
	};
	const steps = 40 + Math.floor(random() * 160);
	for (let step = 0; step < steps; step++) {
		const r = random();
		if (r < 0.4) await append([{value: value(log.nextOffset, random)}]);
		else if (r < 0.7) {
			const burst = 1 + Math.floor(random() * 12);
			await Promise.all(Array.from({length: burst}, () => append([{key: 'k', value: value(log.nextOffset, random)}])));
		} else if (r < 0.9) {
			const n = 1 + Math.floor(random() * 9);
			const base = log.nextOffset;
			await append(Array.from({length: n}, (_, i) => ({value: value(base + i, random), headers: {i: `${i}`}})));
		} else {
			const upTo = log.nextOffset;
			await log.flush();
			flushed = upTo;
		}
	}
	// The power goes while a burst is in flight.
	const inFlight = Array.from({length: 1 + Math.floor(random() * 6)}, () => append([{value: value(log.nextOffset, random)}]));
	for (let i = Math.floor(random() * 3); i > 0; i--) await new Promise((resolve) => setImmediate(resolve));
	const after = io.crash(mode, seed);
	const ackedAtCrash = new Set(acked);
	await Promise.allSettled(inFlight);
	await backend.close();
	return {after, written, acked: ackedAtCrash, flushed};
}

function check(records: StoredRecord[], written: Map<number, RecordInput>): void {
	// Dense offsets from 0, and every record exactly as written: never altered, never invented.
	records.forEach((r, i) => {
		expect(r.offset).toBe(i);
		const w = written.get(i)!;
		expect({key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp}).toEqual({key: w.key ?? null, value: w.value, headers: w.headers ?? null, timestamp: 7});
	});
}

async function readAll(log: TopicLog) {
	return log.read(0, 100_000);
}

describe('file storage power loss (fault layer)', () => {
	for (const sync of ['always', 'periodic', 'never'] as const) {
		for (const mode of ['drop', 'zeros', 'garbage', 'random'] as const) {
			it(`${sync}: after a power loss (${mode}) reopening succeeds and loses at most what the mode allows`, async () => {
				for (let seed = 1; seed <= 6; seed++) {
					// Odd seeds: the WAL preallocated and reused in place (as on a real disk); even: a growing WAL.
					const {after, written, acked, flushed} = await runUntilPowerLoss(sync, mode, seed * 7919 + mode.length, seed % 2 === 1);
					const {backend} = await openOn(after, {sync});
					const log = await backend.openTopic('t');
					const records = await readAll(log);
					check(records, written);
					expect(records.length).toBeGreaterThanOrEqual(flushed);
					if (sync === 'always') for (const offset of acked) expect(offset).toBeLessThan(records.length);
					// The recovered log takes appends and reopens cleanly.
					const next = log.nextOffset;
					expect(next).toBe(records.length);
					expect(await log.append([{value: 'after'}], 8, 0)).toBe(next);
					await backend.close();
					const again = await openOn(after, {sync});
					const reread = await readAll(await again.backend.openTopic('t'));
					expect(reread.length).toBe(next + 1);
					expect(reread.slice(0, next)).toEqual(records);
					await again.backend.close();
				}
			});
		}
	}
});

describe('file storage power loss in the middle of a sync round', () => {
	it('always: unsynced WAL sectors surviving out of order never block reopening or lose acknowledged records', async () => {
		for (let seed = 1; seed <= 60; seed++) {
			const io = new FaultyIo(seed % 2 === 1);
			const {backend} = await openOn(io, {sync: 'always', commitThreshold: 1000});
			const log = await backend.openTopic('t');
			await Promise.all(Array.from({length: 5}, (_, i) => log.append([{value: `acked-${i}-${'a'.repeat(300)}`}], 1, 0)));
			// A burst spanning several 512-byte sectors: written by the next round, not yet fsynced.
			const burst = Array.from({length: 12}, (_, i) => log.append([{value: `burst-${i}-${'b'.repeat(200 + seed)}`}], 1, 0).catch(() => undefined));
			await new Promise((resolve) => setImmediate(resolve));
			const after = io.crash('random', seed);
			await Promise.all(burst);
			await backend.close();
			const {backend: reopened} = await openOn(after);
			const records = await (await reopened.openTopic('t')).read(0, 100);
			expect(records.length).toBeGreaterThanOrEqual(5);
			records.forEach((r, i) => expect(r.value.startsWith(i < 5 ? `acked-${i}-` : `burst-${i - 5}-`)).toBe(true));
			await reopened.close();
		}
	});
});
