import {spawn} from 'node:child_process';
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {FaultyIo, seededRandom} from '../../../source/storage/file/fault-io.js';
import {decodeWalHeader, parseHeader, WAL_HEADER_BYTES} from '../../../source/storage/file/frame-codec.js';
import {encodeName} from '../../../source/storage/file/names.js';
import {LOCK_NAME} from '../../../source/storage/lock.js';
import {tempDir} from '../../helpers/backends.js';
import {DATA, logFile, openOn, walFile} from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Byte positions of the frames in a log or WAL region. */
function frames(buf: Buffer, from = 0): {position: number; base: number; count: number}[] {
	const out = [];
	for (let p = from; p < buf.length; ) {
		const parsed = parseHeader(buf, p);
		if (!parsed.ok) break;
		out.push({position: p, base: parsed.header.baseOffset, count: parsed.header.count});
		p += parsed.header.length;
	}
	return out;
}

/** The workload on the fault layer: 100 posts of 10 records, sync always, threshold 10. */
async function hundredBatches(io: FaultyIo): Promise<void> {
	const {backend} = await openOn(io, {sync: 'always', commitThreshold: 10});
	const log = await backend.openTopic('t');
	for (let post = 0; post < 100; post++) {
		await log.append(Array.from({length: 10}, (_, i) => ({value: `record-${post * 10 + i}`})), 1, 0);
	}
	// No close: the process dies here.
}

describe('damage in a crashed log is never taken for a torn tail (issue 9, item 1)', () => {
	it('the WAL header\'s durable mark follows every fsync of the log, also for batches written straight to it', async () => {
		const io = new FaultyIo(true);
		await hundredBatches(io);
		const after = io.crash('drop');
		const header = decodeWalHeader(after.contents(walFile('t')).subarray(0, WAL_HEADER_BYTES))!;
		const logBytes = after.contents(logFile('t')).length;
		// Each round writes the mark it proved and fsyncs it with the next one: at most one batch behind.
		expect(header.durableLogBytes).toBeGreaterThan(logBytes * 0.98);
		expect(header.durableLogBytes).toBeLessThanOrEqual(logBytes);
	});

	it('one flipped byte after a power loss refuses to open (naming file and byte); --repair keeps a copy', async () => {
		const io = new FaultyIo(true);
		await hundredBatches(io);
		const random = seededRandom(9);
		const crashed = io.crash('drop');
		const log = crashed.contents(logFile('t'));
		const positions = frames(log).map((f) => f.position);
		for (const at of [1000, ...Array.from({length: 6}, () => 32 + Math.floor(random() * (log.length - 4000)))]) {
			const disk = crashed.crash('drop');
			const damaged = Buffer.from(log);
			damaged[at]! ^= 0xff;
			disk.setContents(logFile('t'), damaged);
			const frameAt = positions.filter((p) => p <= at).pop()!;
			await expect(FlashQ.open({storage: 'file', dataDir: DATA, io: disk})).rejects.toThrow(
				new RegExp(`corrupt frame in ${logFile('t')} at byte ${frameAt} .*offsets ${positions.indexOf(frameAt) * 10}\\.\\.999 would be lost.*--repair`),
			);
			const repaired = await FlashQ.open({storage: 'file', dataDir: DATA, io: disk, repair: true});
			expect(repaired.topics()[0]!.highWaterMark).toBe(positions.indexOf(frameAt) * 10);
			const notice = repaired.stats().storage.notices.find((n) => n.copy);
			expect(notice).toMatchObject({level: 'warning', file: logFile('t'), position: frameAt, recordsDropped: 1000 - positions.indexOf(frameAt) * 10});
			expect(disk.contents(notice!.copy!)).toEqual(damaged);
			await repaired.close();
		}
	});

	it('a log cut at a frame boundary below its durable mark (fsynced records gone) refuses to open; --repair says what is lost', async () => {
		const io = new FaultyIo(true);
		await hundredBatches(io);
		const crashed = io.crash('drop');
		const log = crashed.contents(logFile('t'));
		const cut = frames(log)[50]!.position;
		crashed.setContents(logFile('t'), log.subarray(0, cut));
		await expect(FlashQ.open({storage: 'file', dataDir: DATA, io: crashed})).rejects.toThrow(/the log ends at offset 500, but offsets up to \d+ were fsynced.*--repair/);
		const repaired = await FlashQ.open({storage: 'file', dataDir: DATA, io: crashed, repair: true});
		expect(repaired.topics()[0]!.highWaterMark).toBe(500);
		expect(repaired.stats().storage.notices).toContainEqual(expect.objectContaining({level: 'warning', file: logFile('t'), message: expect.stringMatching(/offsets 500\.\.\d+ are lost/)}));
		await repaired.close();
	});

	it('after a real kill -9: a flipped byte at 1000 refuses to open; nothing is truncated until --repair, which keeps a copy', async () => {
		const {dir, cleanup} = await tempDir('flashq-damage-');
		try {
			const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'damage-child.ts'), dir], {stdio: ['ignore', 'pipe', 'inherit']});
			const exited = new Promise((resolve) => child.on('exit', resolve));
			const done = await new Promise<string>((resolve, reject) => {
				child.stdout.on('data', (chunk: Buffer) => chunk.toString().startsWith('done') && resolve(chunk.toString().trim()));
				child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
			});
			expect(done).toBe('done 1000');
			child.kill('SIGKILL');
			await exited;
			rmSync(path.join(dir, LOCK_NAME), {recursive: true, force: true});
			const logPath = path.join(dir, 'topics', encodeName('t'), 'log');
			const original = readFileSync(logPath);
			const damaged = Buffer.from(original);
			damaged[1000]! ^= 0xff;
			writeFileSync(logPath, damaged);
			const frameAt = frames(original).filter((f) => f.position <= 1000).pop()!;
			await expect(FlashQ.open({storage: 'file', dataDir: dir})).rejects.toThrow(new RegExp(`corrupt frame in ${logPath} at byte ${frameAt.position}`));
			// Refusing changed nothing on disk.
			expect(readFileSync(logPath)).toEqual(damaged);
			const repaired = await FlashQ.open({storage: 'file', dataDir: dir, repair: true});
			expect(repaired.topics()[0]!.highWaterMark).toBe(frameAt.base);
			const copies = readdirSync(path.dirname(logPath)).filter((name) => name.startsWith('log.damaged-'));
			expect(copies).toHaveLength(1);
			expect(readFileSync(path.join(path.dirname(logPath), copies[0]!))).toEqual(damaged);
			await repaired.close();
		} finally {
			await cleanup();
		}
	}, 60_000);
});

describe('WAL damage (issue 9, item 2)', () => {
	/** 10 single-record posts with threshold 4: records 0..7 committed to the log (and fsynced there), 8 and 9 only in the WAL. */
	async function walWithCommittedFrames(io: FaultyIo) {
		const {backend} = await openOn(io, {sync: 'always', commitThreshold: 4});
		const log = await backend.openTopic('t');
		for (let i = 0; i < 10; i++) {
			await log.append([{value: `r${i}`}], 1, 0);
			if (i === 7) await log.flush();
		}
		return io.crash('drop');
	}

	it('a damaged WAL frame whose records the log has is skipped; later frames are still replayed', async () => {
		const crashed = await walWithCommittedFrames(new FaultyIo());
		const wal = crashed.contents(walFile('t'));
		const walFrames = frames(wal, WAL_HEADER_BYTES);
		expect(walFrames.map((f) => f.base)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		for (const victim of [0, 2, 5, 7]) {
			const disk = crashed.crash('drop');
			const damaged = Buffer.from(wal);
			damaged[walFrames[victim]!.position + 12]! ^= 0x10;
			disk.setContents(walFile('t'), damaged);
			const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io: disk});
			expect((await queue.poll('t')).records.map((r) => r.value)).toEqual(Array.from({length: 10}, (_, i) => `r${i}`));
			expect(queue.stats().storage.notices.some((n) => n.level === 'info' && n.message.includes('skipped: the log holds its records'))).toBe(true);
			await queue.close();
		}
	});

	it('a damaged WAL frame holding records the log lacks: the records after it are dropped loudly, with their count', async () => {
		const crashed = await walWithCommittedFrames(new FaultyIo());
		const wal = crashed.contents(walFile('t'));
		const walFrames = frames(wal, WAL_HEADER_BYTES);
		const damaged = Buffer.from(wal);
		damaged[walFrames[8]!.position + 12]! ^= 0x10;
		crashed.setContents(walFile('t'), damaged);
		const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io: crashed});
		expect(queue.topics()[0]!.highWaterMark).toBe(8);
		const notice = queue.stats().storage.notices.find((n) => n.level === 'warning');
		expect(notice).toMatchObject({file: walFile('t'), recordsDropped: 1});
		expect(notice!.message).toContain('offsets 9..9');
		await queue.close();
	});
});
