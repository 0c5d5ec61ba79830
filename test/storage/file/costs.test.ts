import {describe, expect, it} from 'vitest';
import {FaultyIo} from '../../../source/storage/file/fault-io.js';
import {encodeFrame} from '../../../source/storage/file/frame-codec.js';
import {openOn, rec} from './helpers.js';
import {waitFor} from '../../helpers/wait-for.js';

describe('file storage costs and sync timing', () => {
	it('appends and commits never re-read or rewrite the log: bytes written stay linear', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io, {sync: 'always', commitThreshold: 10, walResetBytes: 1 << 30});
		const log = await backend.openTopic('t');
		io.resetCounters();
		let frames = 0;
		for (let i = 0; i < 2000; i++) {
			await log.append([rec(i)], i, 0);
			frames += encodeFrame(i, i, [rec(i)]).buffer.length;
		}
		expect(io.readFrom('/log')).toBe(0);
		expect(io.readFrom('/wal')).toBe(0);
		// Each frame is written twice (WAL, then log at its commit) plus small index entries: no rewrites.
		expect(io.bytesWritten).toBeGreaterThanOrEqual(2 * frames);
		expect(io.bytesWritten).toBeLessThan(2 * frames + 16 * 2000);
		expect(log.stats().wal!.commits).toBe(200);
		await backend.close();
	});

	it('periodic mode fsyncs on its own within syncIntervalMs, so a later power loss keeps the record', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io, {sync: 'periodic', syncIntervalMs: 10, commitThreshold: 100});
		const log = await backend.openTopic('t');
		const before = io.fsyncs;
		await log.append([rec(0)], 0, 0); // acknowledged at once, not yet durable
		const early = await openOn(io.crash('drop'), {sync: 'periodic'});
		expect((await early.backend.openTopic('t')).nextOffset).toBe(0);
		await early.backend.close();
		// No append, no commit, no flush: only the interval timer can fsync now.
		await waitFor(() => io.fsyncs !== before, 5000, 'the interval fsync');
		const after = io.crash('drop');
		const reopened = await openOn(after, {sync: 'periodic'});
		expect(await (await reopened.backend.openTopic('t')).read(0, 5)).toHaveLength(1);
		await reopened.backend.close();
		await backend.close();
	});

	it('never mode fsyncs nothing until close', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io, {sync: 'never', commitThreshold: 3});
		const log = await backend.openTopic('t');
		const before = io.fsyncs;
		for (let i = 0; i < 50; i++) await log.append([rec(i)], i, 0);
		// Kept sleep: this checks that nothing happens, which takes a while to see.
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(io.fsyncs).toBe(before);
		await backend.close();
		expect(io.fsyncs).toBeGreaterThan(before);
		const {backend: again} = await openOn(io.crash('drop'), {sync: 'never'});
		expect((await again.openTopic('t')).nextOffset).toBe(50);
		await again.close();
	});
});

describe('file storage checkpoints during a run', () => {
	it('after a crash, recovery scans only what came after the last checkpoint', async () => {
		const io = new FaultyIo();
		const {backend} = await openOn(io, {sync: 'always', commitThreshold: 5, walResetBytes: 1024});
		const log = await backend.openTopic('t');
		for (let i = 0; i < 1000; i++) await log.append([rec(i)], i, 0);
		const logSize = io.contents(`/data/topics/74/log`).length;
		const crashed = io.crash('drop');
		crashed.resetCounters();
		const {backend: again} = await openOn(crashed);
		const t = await again.openTopic('t');
		expect(t.nextOffset).toBe(1000);
		expect(logSize).toBeGreaterThan(40_000);
		// Checkpoints come every 16 KiB of log here, so at most about that much is read back.
		expect(crashed.readFrom('/log')).toBeLessThan(16 * 1024 + 2048);
		expect(await t.read(0, 1000)).toHaveLength(1000);
		await again.close();
		await backend.close();
	});
});

describe('fault layer bookkeeping', () => {
	it('counts the bytes written since the last fsync, whatever their values', async () => {
		const io = new FaultyIo();
		io.mkdirp('/d');
		const fd = io.open('/d/f', true);
		io.fsyncDir('/d');
		io.write(fd, Buffer.alloc(100), 0, 100, 0);
		await io.fdatasync(fd);
		expect(io.unsyncedBytes('/d/f')).toBe(0);
		io.write(fd, Buffer.alloc(10), 0, 10, 20); // zeros over zeros still count
		io.write(fd, Buffer.from('abc'), 0, 3, 50);
		expect(io.unsyncedBytes('/d/f')).toBe(33);
		io.write(fd, Buffer.alloc(5), 0, 5, 100); // growth
		expect(io.unsyncedBytes('/d/f')).toBe(85);
		io.fdatasyncSync(fd);
		expect(io.unsyncedBytes('/d/f')).toBe(0);
		expect(io.crash('drop').contents('/d/f').subarray(50, 53).toString()).toBe('abc');
	});
});
