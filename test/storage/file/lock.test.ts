import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {EventHub} from '../../../source/engine/event-hub.js';
import type {FlashQEvent} from '../../../source/engine/events.js';
import {openFileBackend} from '../../../source/storage/file/file-backend.js';
import {LOCK_NAME} from '../../../source/storage/lock.js';
import {tempDir} from '../../helpers/backends.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const open = (dataDir: string, staleLockMs = 2000) => openFileBackend({storage: 'file', dataDir, staleLockMs}, {events: new EventHub<FlashQEvent>()});

describe('file storage directory lock', () => {
	let dir: string;
	let cleanup: () => Promise<void>;
	beforeEach(async () => {
		({dir, cleanup} = await tempDir('flashq-lock-'));
	});
	afterEach(() => cleanup());

	it('refuses a second opener at once, naming the directory, and is released on close', async () => {
		const first = await open(dir);
		expect(first.info.locked).toBe(true);
		expect(existsSync(path.join(dir, LOCK_NAME))).toBe(true);
		// retries: 0, so the refusal is immediate rather than a wait for the holder.
		await expect(open(dir)).rejects.toThrow(new RegExp(`${dir.replace(/[/\\.]/g, '\\$&')} is locked`));
		await first.close();
		expect(first.info.locked).toBe(false);
		expect(existsSync(path.join(dir, LOCK_NAME))).toBe(false);
		const second = await open(dir);
		await second.close();
	});

	it('takes over the lock of a SIGKILLed process once it is stale (seconds)', async () => {
		const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'lock-child.ts'), dir], {stdio: ['ignore', 'pipe', 'inherit']});
		await new Promise<void>((resolve, reject) => {
			child.stdout.on('data', (chunk: Buffer) => (chunk.toString().includes('locked true') ? resolve() : undefined));
			child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
		});
		await expect(open(dir)).rejects.toThrow(/locked/);
		child.kill('SIGKILL');
		await new Promise((resolve) => child.on('exit', resolve));
		// Right after the kill the lock is still fresh; it goes stale within staleLockMs (2 s).
		await expect(open(dir)).rejects.toThrow(/locked/);
		const killedAt = Date.now();
		let backend;
		while (!backend) {
			backend = await open(dir).catch(() => undefined);
			if (!backend) await new Promise((resolve) => setTimeout(resolve, 200));
			// A bound on the loop, generous for a loaded machine: seconds, not minutes.
			expect(Date.now() - killedAt).toBeLessThan(20_000);
		}
		expect(backend.info.locked).toBe(true);
		await backend.close();
	}, 40_000);
});
