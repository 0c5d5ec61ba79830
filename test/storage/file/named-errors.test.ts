import {spawnSync} from 'node:child_process';
import {mkdirSync, rmSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {FaultyIo} from '../../../source/storage/file/fault-io.js';
import {NodeIo} from '../../../source/storage/file/io.js';
import {encodeName} from '../../../source/storage/file/names.js';
import {tempDir} from '../../helpers/backends.js';
import {ROOT} from '../../server/process.js';
import {DATA, topicDir} from './helpers.js';

/** Issue 9, items 11 and 12: storage errors name the file and say what to do; the index is derived data. */
async function filled(io: FaultyIo, records = 2000): Promise<void> {
	const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, indexIntervalBytes: 256});
	for (let i = 0; i < records; i += 100) await queue.post('t', Array.from({length: 100}, (_, j) => ({value: `v${i + j}`})));
	await queue.close();
}

const values = async (queue: FlashQ, from: number, count: number) =>
	(await queue.poll('t', {fromOffset: from, maxRecords: count})).records.map((r) => r.value);

describe('the offset index is derived data', () => {
	it('a deleted index is rebuilt from the log at open, with a notice', async () => {
		const io = new FaultyIo();
		await filled(io);
		io.unlink(`${topicDir('t')}/index`);
		const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, indexIntervalBytes: 256});
		expect(await values(queue, 1500, 3)).toEqual(['v1500', 'v1501', 'v1502']);
		expect(queue.stats().storage.notices).toContainEqual(expect.objectContaining({level: 'info', file: `${topicDir('t')}/index`, message: expect.stringContaining('rebuilt from the log')}));
		expect(queue.stats().topics[0]!.storage.index!.entries).toBeGreaterThan(10);
		await queue.close();
	});

	it('a damaged index entry is not blamed on the log: reads rebuild the index and succeed', async () => {
		const io = new FaultyIo();
		await filled(io);
		const index = Buffer.from(io.contents(`${topicDir('t')}/index`));
		// Entry 3's position moves 7 bytes on: still increasing, so it loads, but no frame starts there.
		index.writeUInt32LE(index.readUInt32LE(3 * 16 + 8) + 7, 3 * 16 + 8);
		io.setContents(`${topicDir('t')}/index`, index);
		const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, indexIntervalBytes: 256, cacheSize: 0});
		const entryOffset = index.readUInt32LE(3 * 16);
		expect(await values(queue, entryOffset, 2)).toEqual([`v${entryOffset}`, `v${entryOffset + 1}`]);
		expect(queue.stats().storage.notices).toContainEqual(expect.objectContaining({file: `${topicDir('t')}/index`, message: expect.stringMatching(/index .*was damaged .*the log is intact/)}));
		// Every record still reads back, and the rewritten index serves the next open.
		expect(await values(queue, 0, 2000)).toEqual(Array.from({length: 2000}, (_, i) => `v${i}`));
		await queue.close();
		const again = await FlashQ.open({storage: 'file', dataDir: DATA, io, indexIntervalBytes: 256, cacheSize: 0});
		expect(await values(again, entryOffset, 1)).toEqual([`v${entryOffset}`]);
		expect(again.stats().storage.notices).toEqual([]);
		await again.close();
	});
});

describe('storage errors name the file and say what to do', () => {
	it('a write to a full disk names the file (the real file layer adds what Node leaves out)', () => {
		const io = new NodeIo();
		const fd = io.open('/dev/full', false);
		try {
			expect(() => io.write(fd, Buffer.from('x'), 0, 1, 0)).toThrow(/ENOSPC.*'\/dev\/full'/);
		} finally {
			io.close(fd);
		}
	});

	it('a topic name file replaced by a directory: the error names it and says what to do', async () => {
		const {dir, cleanup} = await tempDir('flashq-named-');
		try {
			const queue = await FlashQ.open({storage: 'file', dataDir: dir});
			await queue.post('t', [{value: 'x'}]);
			await queue.close();
			const nameFile = path.join(dir, 'topics', encodeName('t'), 'name');
			rmSync(nameFile);
			mkdirSync(nameFile);
			await expect(FlashQ.open({storage: 'file', dataDir: dir})).rejects.toThrow(
				new RegExp(`cannot read the topic name file ${nameFile}: EISDIR.*a directory stands where FlashQ keeps a file: move it away`),
			);
		} finally {
			await cleanup();
		}
	});

	it('a restart on a full disk names the file it could not write', async () => {
		const io = new FaultyIo(true);
		await filled(io, 200);
		// A crash leaves work for recovery (a WAL to zero, an index and checkpoint to write)...
		const crashed = io.crash('drop');
		crashed.setContents(`${topicDir('t')}/checkpoint`, Buffer.from('lost'));
		// ...and the disk is full.
		crashed.writeBudget = 0;
		const error = await FlashQ.open({storage: 'file', dataDir: DATA, io: crashed}).then(
			() => null,
			(e: unknown) => e as Error,
		);
		expect(error?.message).toMatch(/cannot open topic 't' \(\/data\/topics\/74\): .*ENOSPC.*\/data\/topics\/74\/\w+.*free space on the disk, then restart/);
	});

	it('a data directory under /proc fails at once with a clear error (a recursive mkdir there never returns)', () => {
		const result = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), '--headless', '--storage', 'file', '--data-dir', '/proc/self/flashq-data'], {
			encoding: 'utf8',
			// The old code spun ignoring SIGTERM.
			timeout: 20_000,
			killSignal: 'SIGKILL',
		});
		expect(result.signal).toBeNull();
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/cannot create data directory \/proc\/self\/flashq-data: ENOENT.*'\/proc\/self\/flashq-data'/);
	}, 30_000);
});

