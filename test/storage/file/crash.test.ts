import {spawn} from 'node:child_process';
import {rmSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {expect, it} from 'vitest';
import {EventHub} from '../../../source/core/event-hub.js';
import type {FlashQEvent} from '../../../source/core/events.js';
import {seededRandom} from '../../../source/storage/file/fault-io.js';
import {openFileBackend} from '../../../source/storage/file/file-backend.js';
import {LOCK_NAME} from '../../../source/storage/lock.js';
import {tempDir} from '../../helpers/backends.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = 15;

/** Runs the child until a random moment after it starts appending, SIGKILLs it, returns its acknowledgements. */
async function killedRun(dir: string, round: number, threshold: number, delayMs: number): Promise<Map<number, string>> {
	const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'crash-child.ts'), dir, String(round), String(threshold)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const acked = new Map<number, string>();
	let buffered = '';
	let killed = false;
	const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
	child.stdout.on('data', (chunk: Buffer) => {
		buffered += chunk.toString();
		const lines = buffered.split('\n');
		buffered = lines.pop()!;
		for (const line of lines) {
			if (line.startsWith('ready') && !killed) {
				killed = true;
				setTimeout(() => child.kill('SIGKILL'), delayMs);
			} else if (line.startsWith('A ')) {
				const [, base, values] = line.split(' ');
				values!.split('|').forEach((value, i) => acked.set(Number(base) + i, value));
			}
		}
	});
	await exited;
	expect(killed).toBe(true);
	return acked;
}

it(`keeps every acknowledged record across ${ROUNDS} SIGKILLs of an appending process (sync always)`, async () => {
	const {dir, cleanup} = await tempDir('flashq-crash-');
	const random = seededRandom(Number(process.env['FLASHQ_CRASH_SEED'] ?? 42));
	const everAcked = new Map<number, string>();
	let total = 0;
	try {
		for (let round = 0; round < ROUNDS; round++) {
			const threshold = [1, 3, 10, 20][round % 4]!;
			const acked = await killedRun(dir, round, threshold, 5 + Math.floor(random() * 120));
			for (const [offset, value] of acked) everAcked.set(offset, value);
			// The child is known dead; the stale-lock takeover (which waits staleLockMs) has its own test.
			rmSync(path.join(dir, LOCK_NAME), {recursive: true, force: true});
			const backend = await openFileBackend({storage: 'file', dataDir: dir, sync: 'always'}, {events: new EventHub<FlashQEvent>()});
			const log = await backend.openTopic('t');
			const records = await log.read(0, 10_000_000);
			expect(records.length).toBe(log.nextOffset);
			records.forEach((r, i) => {
				expect(r.offset).toBe(i);
				expect(r.value).toMatch(/^\d+-\d+-\d+-x*$/);
			});
			for (const [offset, value] of everAcked) expect(records[offset]?.value, `acknowledged offset ${offset}`).toBe(value);
			expect(records.length).toBeGreaterThanOrEqual(total);
			total = records.length;
			if (process.env["FLASHQ_CRASH_VERBOSE"]) console.log(`round ${round}: ${acked.size} acked, ${records.length} records`);
			await backend.close();
		}
		expect(everAcked.size).toBeGreaterThan(ROUNDS);
	} finally {
		await cleanup();
	}
}, 120_000);
