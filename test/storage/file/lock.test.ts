import {type ChildProcess, spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, readlinkSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {EventHub} from '../../../source/core/event-hub.js';
import type {FlashQEvent} from '../../../source/core/events.js';
import {openFileBackend} from '../../../source/storage/file/file-backend.js';
import {acquireDirectoryLock, LOCK_NAME, type LockOwner, lockTestHooks} from '../../../source/storage/lock.js';
import {tempDir} from '../../helpers/backends.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const open = (dataDir: string, staleLockMs = 2000, events = new EventHub<FlashQEvent>()) => openFileBackend({storage: 'file', dataDir, staleLockMs}, {events});
const linux = existsSync('/proc/self/stat');
const escape = (text: string) => text.replace(/[/\\.]/g, '\\$&');

/** Spawns lock-child.ts; resolves with its first line ("locked true" or "refused ..."). */
function child(dir: string, staleMs = 2000, startAt = 0): {proc: ChildProcess; line: Promise<string>; exited: Promise<void>} {
	const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'lock-child.ts'), dir, String(staleMs), String(startAt)], {stdio: ['ignore', 'pipe', 'inherit']});
	let out = '';
	const line = new Promise<string>((resolve, reject) => {
		proc.stdout!.on('data', (chunk: Buffer) => {
			out += chunk.toString();
			if (out.includes('\n')) resolve(out.split('\n')[0]!);
		});
		proc.on('exit', (code) => setTimeout(() => reject(new Error(`child exited ${code} saying '${out}'`)), 50));
	});
	const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
	return {proc, line, exited};
}

/** The identity fields a lock record on this machine carries (Linux). */
function localOwner(overrides: Partial<LockOwner>): LockOwner {
	return {
		pid: process.pid,
		host: os.hostname(),
		startTime: readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[19]!,
		bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
		pidNs: readlinkSync('/proc/self/ns/pid'),
		nonce: 'fake-owner',
		acquiredAt: Date.now(),
		...overrides,
	};
}

/** Every file's SHA-256 (sizes alone would miss writes into the preallocated WAL). */
const digests = (dir: string): Record<string, string> => {
	const out: Record<string, string> = {};
	const walk = (d: string) => {
		for (const entry of readdirSync(d, {withFileTypes: true})) {
			const full = path.join(d, entry.name);
			if (entry.isDirectory()) walk(full);
			else out[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
		}
	};
	walk(dir);
	return out;
};

describe('file storage directory lock', () => {
	let dir: string;
	let cleanup: () => Promise<void>;
	const children: ChildProcess[] = [];
	beforeEach(async () => {
		({dir, cleanup} = await tempDir('flashq-lock-'));
	});
	afterEach(async () => {
		for (const proc of children.splice(0)) {
			if (proc.exitCode === null && proc.signalCode === null) {
				proc.kill('SIGCONT');
				proc.kill('SIGKILL');
			}
		}
		await cleanup();
	});

	it('refuses a second opener at once, naming the directory, and is released on close', async () => {
		const first = await open(dir);
		expect(first.info.locked).toBe(true);
		expect(existsSync(path.join(dir, LOCK_NAME))).toBe(true);
		await expect(open(dir)).rejects.toThrow(new RegExp(`${escape(dir)} is locked`));
		await first.close();
		expect(first.info.locked).toBe(false);
		expect(existsSync(path.join(dir, LOCK_NAME))).toBe(false);
		const second = await open(dir);
		await second.close();
	});

	it('records the holder: pid, host and process start time', async () => {
		const backend = await open(dir);
		const owner = JSON.parse(readFileSync(path.join(dir, LOCK_NAME), 'utf8')) as LockOwner;
		expect(owner).toMatchObject({pid: process.pid, host: os.hostname()});
		if (linux) expect(owner.startTime).toBe(localOwner({}).startTime);
		await backend.close();
	});

	it('takes over the lock of a SIGKILLed process at once, and says so', async () => {
		// A stale time of a minute: opening at all right after the kill shows no waiting for it.
		const holder = child(dir, 60_000);
		children.push(holder.proc);
		expect(await holder.line).toBe('locked true');
		await expect(open(dir, 60_000)).rejects.toThrow(new RegExp(`locked by another FlashQ process \\(pid ${holder.proc.pid} on ${escape(os.hostname())}: process ${holder.proc.pid} is running`));
		holder.proc.kill('SIGKILL');
		await holder.exited;
		const backend = await open(dir, 60_000);
		expect(backend.info.locked).toBe(true);
		expect(backend.info.notices).toEqual([
			expect.objectContaining({kind: 'lock', level: 'info', message: expect.stringMatching(new RegExp(`took over the lock on .* from pid ${holder.proc.pid} on .*: process ${holder.proc.pid} is gone`))}),
		]);
		await backend.close();
	}, 30_000);

	it('refuses a stopped (SIGSTOP) holder at once, even long after the stale time', async () => {
		const holder = child(dir, 2000);
		children.push(holder.proc);
		expect(await holder.line).toBe('locked true');
		holder.proc.kill('SIGSTOP');
		// Past the stale time: the stopped holder refreshes nothing, yet it is alive and must keep the lock.
		// Kept sleep: the stale time passing is what is tested.
		await new Promise((resolve) => setTimeout(resolve, 3000));
		await expect(open(dir, 2000)).rejects.toThrow(new RegExp(`locked by another FlashQ process \\(pid ${holder.proc.pid} on ${escape(os.hostname())}`));
		holder.proc.kill('SIGCONT');
	}, 30_000);

	it.runIf(linux)('takes over a holder whose pid now belongs to another process (start time differs)', async () => {
		// A live pid (this very process) but another start time: the recorded holder is gone.
		writeFileSync(path.join(dir, LOCK_NAME), JSON.stringify(localOwner({startTime: '1'})));
		const backend = await open(dir, 60_000);
		expect(backend.info.notices[0]?.message).toMatch(/now belongs to another process/);
		await backend.close();
	});

	it('judges a holder on another host by the age of its lock only', async () => {
		writeFileSync(path.join(dir, LOCK_NAME), JSON.stringify({...(linux ? localOwner({}) : {}), pid: 1, host: 'elsewhere', nonce: 'remote'}));
		await expect(open(dir, 60_000)).rejects.toThrow(/locked by another FlashQ process \(pid 1 on elsewhere: on another host/);
		// Not refreshed for two minutes: that holder is gone (or cut off), so its lock is taken over.
		const old = (Date.now() - 120_000) / 1000;
		utimesSync(path.join(dir, LOCK_NAME), old, old);
		const backend = await open(dir, 60_000);
		expect(backend.info.notices[0]?.message).toMatch(/from pid 1 on elsewhere: on another host \(elsewhere\), not refreshed for \d+ ms/);
		await backend.close();
	});

	it.runIf(linux)('lets exactly one of several processes racing for a dead holder\'s lock win', async () => {
		writeFileSync(path.join(dir, LOCK_NAME), JSON.stringify(localOwner({startTime: '1', nonce: 'dead-holder'})));
		// Node and tsx take a while to start: all contenders then spin until the same instant.
		const startAt = Date.now() + 4000;
		const contenders = Array.from({length: 4}, () => child(dir, 60_000, startAt));
		children.push(...contenders.map((c) => c.proc));
		const lines = await Promise.all(contenders.map((c) => c.line));
		expect(lines.filter((line) => line === 'locked true')).toHaveLength(1);
		for (const line of lines.filter((l) => l !== 'locked true')) expect(line).toMatch(/^refused .*locked by another FlashQ process/);
		// No claim or temporary files are left behind.
		expect(readdirSync(dir).filter((name) => name.startsWith(LOCK_NAME))).toEqual([LOCK_NAME]);
	}, 30_000);

	it.runIf(linux)('lets one contender win when another replaces the dead holder between its check and its own replacement', async () => {
		writeFileSync(path.join(dir, LOCK_NAME), JSON.stringify(localOwner({startTime: '1', nonce: 'dead-holder'})));
		const outcomes: Array<Promise<unknown>> = [];
		// The first contender has verified the dead holder is still there; now a second one tries,
		// all of it synchronously (the lock's steps are synchronous file calls), before the first replaces it.
		lockTestHooks.verified = () => {
			lockTestHooks.verified = undefined;
			outcomes.push(acquireDirectoryLock(dir, 60_000, () => undefined));
		};
		try {
			outcomes.unshift(acquireDirectoryLock(dir, 60_000, () => undefined));
		} finally {
			lockTestHooks.verified = undefined;
		}
		const settled = await Promise.allSettled(outcomes);
		expect(settled).toHaveLength(2);
		const won = settled.filter((s) => s.status === 'fulfilled');
		expect(won).toHaveLength(1);
		expect(settled.find((s) => s.status === 'rejected')).toMatchObject({reason: expect.objectContaining({message: expect.stringMatching(/locked by another FlashQ process/)})});
		const lock = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireDirectoryLock>>>).value;
		expect(JSON.parse(readFileSync(path.join(dir, LOCK_NAME), 'utf8'))).toMatchObject({nonce: lock.owner.nonce});
		await lock.release();
	});

	describe('a holder whose lock is taken', () => {
		const stranger = () => JSON.stringify({pid: 4242, host: 'elsewhere', startTime: null, bootId: null, pidNs: null, nonce: 'stranger', acquiredAt: Date.now()});

		it('stops acknowledging and writing once its refresh finds the lock gone, and never writes again', async () => {
			const events = new EventHub<FlashQEvent>();
			const seen: FlashQEvent[] = [];
			let compromised!: () => void;
			const lost = new Promise<void>((resolve) => (compromised = resolve));
			events.subscribe((batch) => {
				seen.push(...batch);
				if (batch.some((e) => e.type === 'lock' && e.state === 'compromised')) compromised();
			});
			const backend = await open(dir, 2000, events);
			const log = await backend.openTopic('t');
			await log.append([{value: 'a'}], 1, 1);
			await backend.groups.create('g');
			const before = digests(dir);
			// Another host's process took the directory (as after our refresh stopped for the stale time).
			writeFileSync(path.join(dir, LOCK_NAME), stranger());
			await lost;
			expect(backend.info.locked).toBe(false);
			expect(backend.info.notices).toEqual([expect.objectContaining({kind: 'lock', level: 'warning', message: expect.stringMatching(/lost the lock on data directory .* now names pid 4242 on elsewhere/)})]);
			expect(seen).toContainEqual(expect.objectContaining({type: 'storage.error', message: expect.stringMatching(/lost the lock/)}));
			await expect(log.append([{value: 'b'}], 2, 1)).rejects.toThrow(/lost the lock on data directory/);
			await expect(backend.groups.create('h')).rejects.toThrow(/lost the lock/);
			await expect(backend.openTopic('u')).rejects.toThrow(/lost the lock/);
			await backend.close();
			// Nothing written after the loss, not even by close; the new holder's lock file is left alone.
			expect(digests(dir)).toEqual({...before, [LOCK_NAME]: expect.any(String)});
			expect(readFileSync(path.join(dir, LOCK_NAME), 'utf8')).toMatch(/stranger/);
		});

		it('checks before writing when the event loop was blocked past the refresh', async () => {
			const backend = await open(dir, 2000);
			const log = await backend.openTopic('t');
			const ten = (value: string) => Array.from({length: 10}, () => ({value}));
			await log.append(ten('a'), 1, 10);
			const before = digests(dir);
			writeFileSync(path.join(dir, LOCK_NAME), stranger());
			// A blocked event loop: no refresh timer runs, so only the check before writing can notice.
			const until = Date.now() + 1100;
			while (Date.now() < until) {
				// busy
			}
			// Ten records (the commit threshold, nothing pending) are written to the log within the append call itself.
			await expect(log.append(ten('b'), 2, 10)).rejects.toThrow(/lost the lock on data directory/);
			expect(backend.info.locked).toBe(false);
			await backend.close();
			expect(digests(dir)).toEqual({...before, [LOCK_NAME]: expect.any(String)});
		});
	});
});
