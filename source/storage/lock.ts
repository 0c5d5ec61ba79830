import {randomUUID} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The lock lives inside the data directory, so it moves and is deleted with it. */
export const LOCK_NAME = '.flashq.lock';

/** Who holds the lock: written once, complete, before the lock file exists (never edited in place). */
export interface LockOwner {
	pid: number;
	host: string;
	/** Linux: field 22 of /proc/<pid>/stat (clock ticks since boot); null where there is no /proc. */
	startTime: string | null;
	/** Linux boot id: a pid and a start time mean something only within one boot. */
	bootId: string | null;
	/** The pid namespace: a pid means something only within it (containers). */
	pidNs: string | null;
	/** Unique per acquisition: tells this holder's lock file from any later one. */
	nonce: string;
	acquiredAt: number;
}

export interface DirectoryLock {
	readonly file: string;
	readonly owner: LockOwner;
	/** Set when the lock was taken from a previous holder: one line saying whose and why. */
	readonly takeover: string | null;
	/**
	 * Throws when the lock is no longer this process's (and reports it through onCompromised once).
	 * Cheap: a clock comparison while the lock was confirmed recently, else one small synchronous read.
	 */
	check(): void;
	release(): Promise<void>;
}

/** Lets a test run a second contender at the one moment where two could otherwise both win. */
export const lockTestHooks: {verified?: (target: string) => void} = {};

type Verdict = {state: 'alive' | 'dead' | 'unknown'; why: string};

const readText = (file: string): string | null => {
	try {
		return fs.readFileSync(file, 'utf8').trim();
	} catch {
		return null;
	}
};

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function procStat(pid: number): string[] | null {
	const text = readText(`/proc/${pid}/stat`);
	if (text === null) return null;
	// fields[0] is field 3 (state), so field n is fields[n - 3].
	return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

function localIdentity(nonce: string): LockOwner {
	const hasProc = procStat(process.pid) !== null;
	let pidNs: string | null = null;
	try {
		pidNs = fs.readlinkSync('/proc/self/ns/pid');
	} catch {
		// No /proc (macOS): pids are checked by existence only.
	}
	return {
		pid: process.pid,
		host: os.hostname(),
		startTime: hasProc ? (procStat(process.pid)![19] ?? null) : null,
		bootId: readText('/proc/sys/kernel/random/boot_id'),
		pidNs,
		nonce,
		acquiredAt: Date.now(),
	};
}

/** Whether the process that wrote `owner` is still running, as far as this process can tell. */
export function judgeHolder(owner: LockOwner, self: LockOwner): Verdict {
	if (owner.host !== self.host) return {state: 'unknown', why: `on another host (${owner.host})`};
	if (owner.bootId !== null && self.bootId !== null && owner.bootId !== self.bootId) return {state: 'unknown', why: 'from another boot or machine of that name'};
	if (owner.pidNs !== null && self.pidNs !== null && owner.pidNs !== self.pidNs) return {state: 'unknown', why: 'in another pid namespace'};
	try {
		process.kill(owner.pid, 0);
	} catch (error) {
		// EPERM: the pid exists but belongs to another user; its start time still tells.
		if ((error as NodeJS.ErrnoException).code === 'ESRCH') return {state: 'dead', why: `process ${owner.pid} is gone`};
	}
	if (self.startTime === null) return {state: 'unknown', why: `process ${owner.pid} exists but its start time cannot be read here`};
	const stat = procStat(owner.pid);
	if (stat === null) return {state: 'dead', why: `process ${owner.pid} is gone`};
	// A killed child its parent has not reaped yet is a zombie: it holds nothing any more.
	if (stat[0] === 'Z' || stat[0] === 'X') return {state: 'dead', why: `process ${owner.pid} has exited`};
	if (owner.startTime !== null && stat[19] !== owner.startTime) return {state: 'dead', why: `pid ${owner.pid} now belongs to another process (started later)`};
	return {state: 'alive', why: `process ${owner.pid} is running`};
}

interface Held {
	owner: LockOwner | null;
	/** What identifies this lock file: the owner's nonce, or the file's inode when it has no readable owner. */
	key: string;
	mtimeMs: number;
	isDir: boolean;
}

function readHeld(file: string): Held | null {
	let stat: fs.Stats;
	try {
		stat = fs.lstatSync(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
	let owner: LockOwner | null = null;
	if (stat.isFile()) {
		try {
			const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
			if (Number.isSafeInteger(parsed.pid) && typeof parsed.host === 'string' && typeof parsed.nonce === 'string' && /^[\w-]+$/.test(parsed.nonce)) owner = parsed;
		} catch {
			// Unreadable owner: judged by the file's age alone.
		}
	}
	return {owner, key: owner?.nonce ?? `ino${stat.ino}-${Math.floor(stat.mtimeMs)}`, mtimeMs: stat.mtimeMs, isDir: stat.isDirectory()};
}

const describe = (held: Held): string => (held.owner ? `pid ${held.owner.pid} on ${held.owner.host}` : held.isDir ? 'an older FlashQ version' : 'an unreadable owner record');

/** Whether `held` may be taken from its holder now, and why (or why not). */
function takeable(held: Held, self: LockOwner, staleMs: number): {ok: boolean; why: string} {
	const verdict: Verdict = held.owner ? judgeHolder(held.owner, self) : {state: 'unknown', why: 'its holder is not recorded'};
	if (verdict.state === 'dead') return {ok: true, why: verdict.why};
	if (verdict.state === 'alive') return {ok: false, why: verdict.why};
	const age = Date.now() - held.mtimeMs;
	if (age > staleMs) return {ok: true, why: `${verdict.why}, not refreshed for ${Math.round(age)} ms`};
	return {ok: false, why: `${verdict.why}; such a lock is taken over once not refreshed for ${staleMs} ms`};
}

const tryLink = (from: string, to: string): boolean => {
	try {
		fs.linkSync(from, to);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	}
};

/**
 * Replaces `target`, still held by `expected`, with the record in `mine`. Only the process that
 * created the claim file `<target>.claim-<key>` (link(2) fails if it exists) may replace that
 * holder, and it re-reads `target` after claiming, so of several contenders exactly one replaces a
 * given holder; a later one finds the new holder there and backs off. A claim left by a contender
 * that died in this window is itself taken over the same way (one level deep).
 */
function replaceHolder(target: string, expected: Held, mine: string, self: LockOwner, staleMs: number, depth: number): boolean {
	const claim = `${target}.claim-${expected.key}`;
	if (!tryLink(mine, claim)) {
		const claimant = readHeld(claim);
		if (depth > 0 || !claimant || !takeable(claimant, self, staleMs).ok) return false;
		if (!replaceHolder(claim, claimant, mine, self, staleMs, depth + 1)) return false;
	}
	try {
		const now = readHeld(target);
		if (!now || now.key !== expected.key) return false;
		lockTestHooks.verified?.(target);
		if (now.isDir) {
			fs.rmSync(target, {recursive: true, force: true});
			return tryLink(mine, target);
		}
		const next = `${mine}.${depth}`;
		fs.linkSync(mine, next);
		fs.renameSync(next, target);
		return true;
	} finally {
		fs.rmSync(claim, {force: true});
	}
}

/**
 * Takes the data directory's lock: a file holding the owner's pid, host and process start time.
 * A holder on this host whose process is gone (or whose pid now belongs to a later process) is
 * taken over at once; a live holder, even a stopped one, is refused at once. Only a holder that
 * cannot be checked from here (another host, another pid namespace) is judged by age: it refreshes
 * the file's mtime every staleMs/3 and is taken over once not refreshed for staleMs.
 */
export async function acquireDirectoryLock(dir: string, staleMs: number, onCompromised: (error: Error) => void): Promise<DirectoryLock> {
	const stale = Math.max(2000, staleMs);
	const file = path.join(dir, LOCK_NAME);
	const self = localIdentity(randomUUID());
	// The record is complete before the lock file exists: nobody sees a lock without an owner. It is not
	// fsynced: a lock need not survive a power loss (after a reboot every holder is gone, and a record
	// lost or torn by one is judged by its age), and opening the queue should not wait for two fsyncs.
	const mine = `${file}.${self.nonce}.tmp`;
	const fd = fs.openSync(mine, 'wx');
	try {
		fs.writeSync(fd, JSON.stringify(self) + '\n');
	} finally {
		fs.closeSync(fd);
	}
	let takeover: string | null = null;
	try {
		for (let attempt = 0; ; attempt++) {
			if (tryLink(mine, file)) break;
			const held = readHeld(file);
			if (!held) {
				// Released just now: try again (a bound, so a directory in flux cannot spin us).
				if (attempt >= 10) throw new Error(`data directory ${dir} is locked by another FlashQ process (the lock ${file} keeps changing)`);
				continue;
			}
			const verdict = takeable(held, self, stale);
			const refuse = (why: string) =>
				new Error(`data directory ${dir} is locked by another FlashQ process (${describe(held)}: ${why}; lock ${file})`);
			if (!verdict.ok) throw refuse(verdict.why);
			if (replaceHolder(file, held, mine, self, stale, 0)) {
				takeover = `took over the lock on ${dir} from ${describe(held)}: ${verdict.why}`;
				break;
			}
			// Another contender replaced that holder first: judge the new one (a live one refuses).
			if (attempt >= 3) throw refuse('another process is taking the lock over');
		}
	} finally {
		fs.rmSync(mine, {force: true});
	}
	return new HeldLock(file, self, takeover, stale, onCompromised);
}

class HeldLock implements DirectoryLock {
	/** Until this time nobody can have taken the lock: it was confirmed ours (and its mtime set) within half the stale time. */
	private safeUntil: number;
	private lost: Error | null = null;
	private readonly timer: NodeJS.Timeout;

	constructor(
		readonly file: string,
		readonly owner: LockOwner,
		readonly takeover: string | null,
		private readonly staleMs: number,
		private readonly onCompromised: (error: Error) => void,
	) {
		this.safeUntil = Date.now() + staleMs / 2;
		this.timer = setInterval(() => {
			try {
				this.confirm();
			} catch {
				// Reported through onCompromised.
			}
		}, Math.max(500, Math.floor(staleMs / 3)));
		this.timer.unref();
	}

	check(): void {
		if (this.lost) throw this.lost;
		if (Date.now() < this.safeUntil) return;
		this.confirm();
	}

	/** Reads the lock file: still our record? Then refresh its mtime (for holders on other hosts). */
	private confirm(): void {
		if (this.lost) throw this.lost;
		const now = Date.now();
		let held: Held | null;
		try {
			held = readHeld(this.file);
		} catch {
			held = null;
		}
		if (!held || held.key !== this.owner.nonce) {
			this.lost = new Error(
				held ? `the lock file ${this.file} now names ${describe(held)}` : `the lock file ${this.file} was removed`,
			);
			clearInterval(this.timer);
			this.onCompromised(this.lost);
			throw this.lost;
		}
		try {
			fs.utimesSync(this.file, now / 1000, now / 1000);
		} catch {
			// The record is ours; a failed touch only shortens what holders elsewhere wait.
		}
		this.safeUntil = now + this.staleMs / 2;
	}

	release(): Promise<void> {
		clearInterval(this.timer);
		// A lost lock belongs to someone else now: never touch it.
		if (this.lost) return Promise.resolve();
		const held = readHeld(this.file);
		if (held?.key === this.owner.nonce) fs.rmSync(this.file, {force: true});
		return Promise.resolve();
	}
}
