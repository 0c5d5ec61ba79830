import {describe, expect, it} from 'vitest';
import type {FlashQEvent} from '../../../source/core/events.js';
import {FaultyIo} from '../../../source/storage/file/fault-io.js';
import {encodeWalHeader, parseHeader} from '../../../source/storage/file/frame-codec.js';
import {DATA, fill, filled, logFile, openOn, rec, topicDir, walFile} from './helpers.js';

/** Byte positions of every frame in a log. */
function framePositions(log: Buffer): number[] {
	const positions: number[] = [];
	for (let p = 0; p < log.length; ) {
		const parsed = parseHeader(log, p);
		if (!parsed.ok) throw new Error(parsed.reason);
		positions.push(p);
		p += parsed.header.length;
	}
	return positions;
}

async function readAll(io: FaultyIo, extra = {}) {
	const {backend, events, hub} = await openOn(io, extra);
	const log = await backend.openTopic('t');
	const records = await log.read(0, 100_000);
	hub.flush();
	const next = log.nextOffset;
	return {backend, log, records, next, events};
}

describe('file storage recovery', () => {
	for (const preallocate of [false, true]) it(`reopens after a clean close without reading the log (WAL preallocated: ${preallocate})`, async () => {
		const io = new FaultyIo(preallocate);
		await fill(io, 500, 7);
		io.resetCounters();
		const {backend, events} = await openOn(io);
		const t = await backend.openTopic('t');
		expect(t.nextOffset).toBe(500);
		expect(io.readFrom('/log')).toBe(0);
		expect(io.readFrom('/wal')).toBeLessThanOrEqual(64); // only the WAL header and the (empty) first frame header
		expect(events.length).toBeGreaterThanOrEqual(0);
		// A read near the end then reads a bounded slice, found through the persisted index.
		expect(await t.read(480, 5)).toEqual([480, 481, 482, 483, 484].map((i) => filled(i, 7)));
		expect(io.readFrom('/log')).toBeLessThan(64 * 1024 + 4096);
		expect(t.stats().index!.lastLookup!.entryOffset).toBeGreaterThan(400);
		await backend.close();
	});

	it('replays the WAL after a crash, idempotently', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io, {commitThreshold: 10});
		const t = await backend.openTopic('t');
		for (let i = 0; i < 10; i++) await t.append([rec(i)], i, 0); // committed into the log, still in the WAL
		await t.flush(); // log and WAL both durable and both hold 0..9
		for (let i = 10; i < 15; i++) await t.append([rec(i)], i, 0); // only in the WAL
		const crashed = io.crash('drop');
		const {records, next, events} = await readAll(crashed);
		expect(next).toBe(15);
		expect(records).toEqual(Array.from({length: 15}, (_, i) => filled(i)));
		const done = events.find((e) => e.type === 'recovery.done') as Extract<FlashQEvent, {type: 'recovery.done'}>;
		expect(done.message).toContain('replayed 5 records');
	});

	it('truncates a torn tail at every byte position of the last frames', async () => {
		const base = new FaultyIo();
		await fill(base, 40, 3);
		const log = base.contents(logFile('t'));
		const positions = framePositions(log);
		const from = positions[positions.length - 3]!;
		// The last three frames were never fsynced (the WAL's durable mark stops before them): only
		// such bytes can be torn. (Cutting below the mark is refused: see damage.test.ts.)
		const wal = Buffer.from(base.contents(walFile('t')));
		encodeWalHeader({sync: 'always', durableLogBytes: from, nextOffset: (positions.length - 3) * 3}).copy(wal, 0);
		for (let cut = from; cut < log.length; cut++) {
			const io = base.crash('drop');
			io.setContents(walFile('t'), wal);
			io.setContents(logFile('t'), log.subarray(0, cut));
			const {backend, records, next, log: t} = await readAll(io);
			// Every record read back is exactly what was written, and they are a dense prefix.
			expect(records).toEqual(Array.from({length: next}, (_, i) => filled(i, 3)));
			const whole = framePositions(log).filter((p, k, all) => (all[k + 1] ?? log.length) <= cut).length;
			expect(next).toBe(Math.min(40, whole * 3));
			// The log is usable afterwards, and the truncation was made durable.
			expect(await t.append([rec(next)], next, 0)).toBe(next);
			await backend.close();
			const again = await readAll(io);
			expect(again.next).toBe(next + 1);
			await again.backend.close();
		}
	});

	it('drops garbage and zero tails and reports them', async () => {
		const base = new FaultyIo();
		await fill(base, 30, 2);
		const log = base.contents(logFile('t'));
		for (const tail of [Buffer.alloc(1), Buffer.alloc(11), Buffer.alloc(4096), Buffer.from('garbage'), Buffer.from([0x46, 0x51, 1, 0, 1, 2, 3, 4, 200, 0, 0, 0])]) {
			const io = base.crash('drop');
			io.setContents(logFile('t'), Buffer.concat([log, tail]));
			const {backend, records, events} = await readAll(io);
			expect(records).toEqual(Array.from({length: 30}, (_, i) => filled(i, 2)));
			const done = events.find((e) => e.type === 'recovery.done') as Extract<FlashQEvent, {type: 'recovery.done'}>;
			expect(done.truncatedBytes).toBe(tail.length);
			// A torn tail is normal recovery, not a storage failure: said by recovery.done and a notice only.
			expect(events.some((e) => e.type === 'storage.error')).toBe(false);
			expect(backend.info.notices.some((n) => n.kind === 'recovery' && /torn tail/.test(n.message))).toBe(true);
			await backend.close();
			expect(io.contents(logFile('t')).length).toBe(log.length);
		}
	});

	it('heals damage in the never-fsynced part of the log from the WAL', async () => {
		const base = new FaultyIo();
		await fill(base, 12, 2, {}, false); // the WAL still holds every record
		const log = base.contents(logFile('t'));
		const positions = framePositions(log);
		for (let at = positions[2]!; at < positions[3]!; at++) {
			const io = base.crash('drop');
			const damaged = Buffer.from(log);
			damaged[at]! ^= 4;
			io.setContents(logFile('t'), damaged);
			const {records, next, backend} = await readAll(io);
			expect(next).toBe(12);
			expect(records).toEqual(Array.from({length: 12}, (_, i) => filled(i, 2)));
			await backend.close();
		}
	});

	it('never returns altered data: a flipped bit anywhere in a durable log is refused at open, and --repair keeps a copy', async () => {
		const base = new FaultyIo();
		await fill(base, 12, 2);
		const crashed = base.crash('drop');
		// Without a checkpoint the whole log is scanned, and all of it is known durable (the WAL's mark).
		crashed.setContents(`${topicDir('t')}/checkpoint`, Buffer.from('lost'));
		const log = crashed.contents(logFile('t'));
		const positions = framePositions(log);
		const middle = positions[2]!;
		const last = positions[positions.length - 1]!;
		for (const [start, end, kept] of [
			[middle, positions[3]!, 4],
			[last, log.length, 10],
		] as const) {
			for (let at = start; at < end; at++) {
				const io = crashed.crash('drop');
				const damaged = Buffer.from(log);
				damaged[at]! ^= 1 << (at % 8);
				io.setContents(logFile('t'), damaged);
				// Fsynced records were acknowledged: losing even the last frame's is refused, naming file, byte and --repair.
				const {backend} = await openOn(io);
				const error = await backend.openTopic('t').then(
					() => null,
					(e: unknown) => e as Error,
				);
				await backend.close();
				expect(error?.message).toContain(logFile('t'));
				expect(error?.message).toContain(`at byte ${start}`);
				expect(error?.message).toContain('--repair');
				const repaired = await readAll(io, {repair: true});
				expect(repaired.next).toBe(kept);
				expect(repaired.records).toEqual(Array.from({length: kept}, (_, i) => filled(i, 2)));
				const copies = io.readdir(topicDir('t')).filter((name) => name.startsWith('log.damaged-'));
				expect(copies).toHaveLength(1);
				expect(io.contents(`${topicDir('t')}/${copies[0]}`)).toEqual(damaged);
				await repaired.backend.close();
			}
		}
	});

	it('never returns altered data: damage inside the checkpointed log fails the read with a clear error', async () => {
		const base = new FaultyIo();
		await fill(base, 12, 2);
		const log = base.contents(logFile('t'));
		const positions = framePositions(log);
		for (let at = positions[2]!; at < positions[3]!; at++) {
			const io = base.crash('drop');
			const damaged = Buffer.from(log);
			damaged[at]! ^= 0x10;
			io.setContents(logFile('t'), damaged);
			const {backend, events, hub} = await openOn(io);
			const t = await backend.openTopic('t'); // opened from the checkpoint: not scanned
			expect(await t.read(0, 4)).toEqual([0, 1, 2, 3].map((i) => filled(i, 2)));
			await expect(t.read(0, 12)).rejects.toThrow(new RegExp(`${logFile('t')}.*--repair`));
			hub.flush();
			void events;
			await backend.close();
		}
	});

	it('ignores a damaged checkpoint and rebuilds from a full scan', async () => {
		const io = new FaultyIo();
		await fill(io, 50, 5);
		io.setContents(`${topicDir('t')}/checkpoint`, Buffer.from('{"body":{"logBytes":7'));
		const {records, next, backend} = await readAll(io);
		expect(next).toBe(50);
		expect(records).toEqual(Array.from({length: 50}, (_, i) => filled(i, 5)));
		await backend.close();
	});

	it('survives a torn WAL tail', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io, {commitThreshold: 100, sync: 'periodic'});
		const t = await backend.openTopic('t');
		for (let i = 0; i < 6; i++) await t.append([rec(i)], i, 0);
		const crashed = io.crash('drop');
		// Tear the last frame: the WAL is zero-filled after its frames, so cutting the file would cut zeros.
		const wal = Buffer.from(io.contents(walFile('t')));
		let end = 32;
		for (let h = parseHeader(wal, end); h.ok; h = parseHeader(wal, end)) end += h.header.length;
		wal.fill(0, end - 5, end);
		crashed.setContents(walFile('t'), wal);
		const {records, next} = await readAll(crashed);
		expect(next).toBe(5);
		expect(records).toEqual(Array.from({length: 5}, (_, i) => filled(i)));
	});
});

describe('file storage names and groups on disk', () => {
	it('keeps odd, case-variant and 255-character names apart and inside the data directory', async () => {
		const io = new FaultyIo();
		const names = ['.', '..', '...', 'Foo', 'foo', 'CON', 'a/b', 'x'.repeat(255), 'é'.repeat(255), `${'x'.repeat(254)}y`];
		const {backend} = await openOn(io);
		for (const [i, name] of names.entries()) await (await backend.openTopic(name)).append([{value: `v${i}`}], i, 0);
		await backend.close();
		const again = await openOn(io);
		expect(await again.backend.existingTopics()).toEqual([...names].sort());
		for (const [i, name] of names.entries()) expect((await (await again.backend.openTopic(name)).read(0, 5)).map((r) => r.value)).toEqual([`v${i}`]);
		for (const entry of io.readdir(`${DATA}/topics`)) {
			expect(entry).toMatch(/^(?:[0-9a-f]{2,200}|h[0-9a-f]{64})$/);
		}
		await again.backend.close();
	});

	it('deletes group files, and refuses a corrupt one instead of resetting it', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io);
		await backend.groups.create('g');
		await backend.groups.save({groupId: 'g', offsets: new Map([['t', {offset: 5, time: 1}]])});
		await backend.groups.create('gone');
		await backend.groups.delete('gone');
		await backend.close();
		expect(io.readdir(`${DATA}/groups`)).toEqual([`${Buffer.from('g').toString('hex')}.json`]);
		// Group writes are durable: a power loss right after keeps them.
		const crashed = io.crash('drop');
		const {backend: b2} = await openOn(crashed);
		expect((await b2.groups.load()).map((g) => [g.groupId, [...g.offsets]])).toEqual([['g', [['t', {offset: 5, time: 1}]]]]);
		await b2.close();
		crashed.setContents(`${DATA}/groups/67.json`, Buffer.from('{"groupId":"g","offs'));
		const {backend: b3} = await openOn(crashed);
		await expect(b3.groups.load()).rejects.toThrow(/corrupt consumer group file .*67\.json/);
		await b3.close();
	});
});
