import {spawn} from 'node:child_process';
import {existsSync, readdirSync, rmSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {FaultyIo, seededRandom} from '../../../source/storage/file/fault-io.js';
import {LOCK_NAME} from '../../../source/storage/lock.js';
import {tempDir} from '../../helpers/backends.js';
import {DATA} from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** What a reopened queue holds of topic 't' and the groups' offsets: the whole topic, or none of it. */
async function outcome(queue: FlashQ): Promise<'whole' | 'none'> {
	const offsets = () => queue.groups().map((g) => `${g.groupId}:${g.offsets.map((o) => `${o.topic}@${o.committedOffset}`).join(',')}`);
	if (queue.hasTopic('t')) {
		expect((await queue.poll('t')).records.map((r) => r.value)).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(offsets()).toEqual(['g:keep@1,t@3', 'h:t@5']);
		return 'whole';
	}
	expect(offsets()).toEqual(['g:keep@1', 'h:']);
	return 'none';
}

describe('topic deletion on file storage is all or nothing', () => {
	it('a power loss before each file operation of a deletion leaves the whole topic or none of it, and the next open finishes it', async () => {
		const seen = new Set<string>();
		let steps = 0;
		for (let step = 0; ; step++) {
			const io = new FaultyIo();
			const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync: 'always', commitThreshold: 2});
			await queue.post('t', [{value: 'a'}, {value: 'b'}]);
			await queue.post('t', [{value: 'c'}]);
			await queue.post('t', [{value: 'd'}, {value: 'e'}]);
			await queue.post('keep', [{value: 'k'}]);
			await queue.createGroup('g');
			await queue.createGroup('h');
			await queue.commitOffset('g', 't', 3);
			await queue.commitOffset('g', 'keep', 1);
			await queue.commitOffset('h', 't', 5);
			let ops = 0;
			let image: FaultyIo | null = null;
			let before: string | null = null;
			io.fault = (op, file) => {
				if (ops++ === step) {
					image = io.crash('drop');
					before = `${op} ${path.basename(file)}`;
				}
				return null;
			};
			expect(await queue.deleteTopic('t')).toEqual({topic: 't', records: 5, groups: ['g', 'h']});
			io.fault = null;
			await queue.close();
			if (!image) {
				steps = step;
				break;
			}
			const crashed = image as FaultyIo;
			const reopened = await FlashQ.open({storage: 'file', dataDir: DATA, io: crashed});
			const result = await outcome(reopened);
			seen.add(`${result} (crash before ${before})`);
			// Finished for good: no topic directory without its name file is left behind, and a second open agrees.
			for (const entry of crashed.readdir(`${DATA}/topics`)) expect(crashed.exists(`${DATA}/topics/${entry}/name`)).toBe(true);
			await reopened.close();
			const again = await FlashQ.open({storage: 'file', dataDir: DATA, io: crashed});
			expect(await outcome(again)).toBe(result);
			await again.close();
		}
		// The operations from the close of the log to the removal of the directory, each one a crash point.
		expect(steps).toBeGreaterThan(10);
		expect([...seen].some((s) => s.startsWith('whole'))).toBe(true);
		expect([...seen].some((s) => s.startsWith('none'))).toBe(true);
	});

	it('a failed rename leaves the topic served and whole; a failed clean-up after the rename leaves it deleted, finished at the next open', async () => {
		const io = new FaultyIo();
		const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync: 'always'});
		await queue.post('t', [{value: 'a'}, {value: 'b'}, {value: 'c'}, {value: 'd'}, {value: 'e'}]);
		await queue.post('keep', [{value: 'k'}]);
		await queue.createGroup('g');
		await queue.createGroup('h');
		await queue.commitOffset('g', 't', 3);
		await queue.commitOffset('g', 'keep', 1);
		await queue.commitOffset('h', 't', 5);
		let failures = 1;
		io.fault = (op) => (op === 'rename' && failures-- > 0 ? Object.assign(new Error('EIO: i/o error, rename'), {code: 'EIO'}) : null);
		await expect(queue.deleteTopic('t')).rejects.toMatchObject({code: 'internal_error'});
		io.fault = null;
		expect(await outcome(queue)).toBe('whole');
		expect((await queue.post('t', [{value: 'f'}]))[0]!.offset).toBe(5);
		io.fault = (op) => (op === 'rmdir' ? Object.assign(new Error('EIO: i/o error, rmdir'), {code: 'EIO'}) : null);
		expect(await queue.deleteTopic('t')).toEqual({topic: 't', records: 6, groups: ['g', 'h']});
		io.fault = null;
		expect(queue.storageNotices().at(-1)!.message).toMatch(/topic 't' is deleted, but removing its files failed .*the next start removes them/);
		await queue.close();
		const reopened = await FlashQ.open({storage: 'file', dataDir: DATA, io});
		expect(await outcome(reopened)).toBe('none');
		expect(io.readdir(`${DATA}/topics`)).toHaveLength(1);
		await reopened.close();
	});

	it('keeps every open possible and the topic whole or gone across SIGKILLs of a process deleting topics', async () => {
		const {dir, cleanup} = await tempDir('flashq-delete-');
		const random = seededRandom(Number(process.env['FLASHQ_CRASH_SEED'] ?? 7));
		try {
			for (let round = 0; round < 8; round++) {
				const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'delete-topic-child.ts'), dir], {stdio: ['ignore', 'pipe', 'inherit']});
				let buffered = '';
				let killed = false;
				const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
				child.stdout.on('data', (chunk: Buffer) => {
					buffered += chunk.toString();
					const lines = buffered.split('\n');
					buffered = lines.pop()!;
					for (const line of lines) {
						if (line === 'ready' && !killed) {
							killed = true;
							setTimeout(() => child.kill('SIGKILL'), 20 + Math.floor(random() * 200));
						}
					}
				});
				await exited;
				expect(killed).toBe(true);
				rmSync(path.join(dir, LOCK_NAME), {recursive: true, force: true});
				// Whatever the moment of the kill, the queue opens (an offset for a topic that is gone would refuse it).
				const queue = await FlashQ.open({storage: 'file', dataDir: dir, sync: 'always'});
				const g = queue.groups().find((group) => group.groupId === 'g')!;
				const offset = g.offsets.find((o) => o.topic === 't');
				if (queue.hasTopic('t')) {
					const hwm = queue.topics().find((t) => t.name === 't')!.highWaterMark;
					expect([0, 3]).toContain(hwm);
					if (offset) expect(offset.committedOffset).toBe(3);
					if (hwm === 3) expect((await queue.poll('t')).records.map((r) => r.value.split('-')[1])).toEqual(['0', '1', '2']);
				} else expect(offset).toBeUndefined();
				expect(queue.topics().find((t) => t.name === 'keep')!.highWaterMark).toBe(1);
				await queue.close();
				for (const entry of readdirSync(path.join(dir, 'topics'))) expect(existsSync(path.join(dir, 'topics', entry, 'deleted'))).toBe(false);
			}
		} finally {
			await cleanup();
		}
	}, 120_000);
});
