import path from 'node:path';
import type {FileIo} from './io.js';
import {mulberry32} from '../../lib/mulberry32.js';

/**
 * An in-memory file system that models what survives a power loss, for crash tests and the TUI's
 * crash lesson. Each file keeps its current bytes and the bytes its last fsync made durable; each
 * directory keeps its current entries and the entries its last directory fsync made durable.
 * `crash()` returns the file system a reboot would find: durable directory entries only, each file
 * at its durable content plus, depending on the mode, some or none of what was never fsynced.
 * Faults can be injected into writes and fsyncs (disk full, I/O error); bytes read are counted.
 */

/** What happens to bytes that were written but never fsynced when the power goes. */
export type CrashMode =
	/** They are gone: every file is exactly as its last fsync left it. */
	| 'drop'
	/** The file keeps its new length, but unsynced sectors read as their old content or zeros. */
	| 'zeros'
	/** Same, with random garbage instead of zeros. */
	| 'garbage'
	/** Each unsynced 512-byte sector is independently old or new; the length is old or new. */
	| 'random';

export type FaultOp = 'write' | 'fsync' | 'open' | 'rename' | 'truncate' | 'unlink' | 'rmdir';
/** Returns an error to make the operation fail, or null to let it happen. */
export type FaultHook = (op: FaultOp, file: string) => Error | null;

interface Inode {
	data: Buffer;
	size: number;
	/** The durable bytes are synced[0, syncedSize); bytes from dirtyFrom on may differ from data. */
	synced: Buffer;
	syncedSize: number;
	dirtyFrom: number;
	dirtyTo: number;
}

const newInode = (data: Buffer): Inode => ({data, size: data.length, synced: Buffer.from(data), syncedSize: data.length, dirtyFrom: data.length, dirtyTo: 0});

const SECTOR = 512;

/** Seeded, so a failing crash test can be replayed. */
export const seededRandom = mulberry32;

export function errnoError(code: string, message: string): NodeJS.ErrnoException {
	const error = new Error(`${code}: ${message}`) as NodeJS.ErrnoException;
	error.code = code;
	return error;
}

export class FaultyIo implements FileIo {
	/** Directory path → current entries (file name → inode). Directories themselves are always durable. */
	private readonly dirs = new Map<string, Map<string, Inode>>();
	private readonly syncedDirs = new Map<string, Map<string, Inode>>();
	private readonly fds = new Map<number, {inode: Inode; file: string}>();
	private nextFd = 100;
	private readonly locks = new Set<string>();
	/** Bytes read per file path since creation (or `resetCounters`). */
	readonly bytesRead = new Map<string, number>();
	bytesWritten = 0;
	fsyncs = 0;
	fault: FaultHook | null = null;

	/**
	 * `preallocates` (default false) turns on the backend's WAL preallocation and in-place reuse, as on
	 * the real file system. Off, a WAL only grows and is truncated at each reset, so comparing a file's
	 * contents before and after a crash counts exactly the bytes that were never fsynced.
	 */
	constructor(readonly preallocates = false) {}

	/**
	 * Bytes the files may still grow by before the disk is full (overwrites are free): a write that does not fit writes
	 * what fits (a torn frame, as a real full disk leaves) and throws ENOSPC.
	 */
	writeBudget = Number.POSITIVE_INFINITY;

	/** File descriptors open now. */
	get openFds(): number {
		return this.fds.size;
	}

	resetCounters(): void {
		this.bytesRead.clear();
		this.bytesWritten = 0;
		this.fsyncs = 0;
	}

	/** Total bytes read from files whose path ends with `suffix`. */
	readFrom(suffix: string): number {
		let total = 0;
		for (const [file, n] of this.bytesRead) if (file.endsWith(suffix)) total += n;
		return total;
	}

	/** The file system after a power loss (a new instance; this one is left as it was). */
	crash(mode: CrashMode = 'drop', seed = 1): FaultyIo {
		const random = seededRandom(seed);
		const after = new FaultyIo(this.preallocates);
		const survivors = new Map<Inode, Inode>();
		const survive = (inode: Inode): Inode => {
			let copy = survivors.get(inode);
			if (!copy) {
				copy = newInode(damage(inode, mode, random));
				survivors.set(inode, copy);
			}
			return copy;
		};
		for (const dir of this.dirs.keys()) {
			const entries = new Map<string, Inode>();
			for (const [name, inode] of this.syncedDirs.get(dir) ?? []) entries.set(name, survive(inode));
			after.dirs.set(dir, entries);
			after.syncedDirs.set(dir, new Map(entries));
		}
		return after;
	}

	/** Test helper: the current bytes of a file. */
	contents(file: string): Buffer {
		const inode = this.lookup(file);
		if (!inode) throw errnoError('ENOENT', file);
		return Buffer.from(inode.data.subarray(0, inode.size));
	}

	/**
	 * How many bytes of a file were written since its last fsync (the length of the changed range):
	 * what a power loss puts at risk. Unlike comparing contents, this does not depend on the data
	 * (a WAL is overwritten in place, so new bytes often equal the old ones, zeros in particular).
	 */
	unsyncedBytes(file: string): number {
		const inode = this.lookup(file);
		if (!inode) return 0;
		return Math.max(0, Math.min(inode.dirtyTo, inode.size) - inode.dirtyFrom);
	}

	/** Test helper: replaces a file's bytes (durably, as if written long ago). */
	setContents(file: string, data: Buffer): void {
		const inode = this.lookup(file);
		if (!inode) throw errnoError('ENOENT', file);
		Object.assign(inode, newInode(Buffer.from(data)));
	}

	private lookup(file: string): Inode | undefined {
		return this.dirs.get(path.dirname(file))?.get(path.basename(file));
	}

	private entries(dir: string): Map<string, Inode> {
		const entries = this.dirs.get(dir);
		if (!entries) throw errnoError('ENOENT', `no such directory ${dir}`);
		return entries;
	}

	private check(op: FaultOp, file: string): void {
		const error = this.fault?.(op, file);
		if (error) throw error;
	}

	private handle(fd: number): {inode: Inode; file: string} {
		const h = this.fds.get(fd);
		if (!h) throw errnoError('EBADF', `bad file descriptor ${fd}`);
		return h;
	}

	mkdirp(dir: string): void {
		for (let d = dir; !this.dirs.has(d); d = path.dirname(d)) {
			this.dirs.set(d, new Map());
			this.syncedDirs.set(d, new Map());
			if (path.dirname(d) === d) break;
		}
	}

	readdir(dir: string): string[] {
		const entries = this.dirs.get(dir);
		if (!entries) return [];
		const names = [...entries.keys()];
		for (const d of this.dirs.keys()) if (d !== dir && path.dirname(d) === dir) names.push(path.basename(d));
		return names;
	}

	exists(file: string): boolean {
		return this.dirs.has(file) || this.lookup(file) !== undefined;
	}

	open(file: string, create: boolean): number {
		this.check('open', file);
		const entries = this.entries(path.dirname(file));
		let inode = entries.get(path.basename(file));
		if (!inode) {
			if (!create) throw errnoError('ENOENT', `no such file ${file}`);
			inode = newInode(Buffer.alloc(0));
			entries.set(path.basename(file), inode);
		}
		const fd = this.nextFd++;
		this.fds.set(fd, {inode, file});
		return fd;
	}

	close(fd: number): void {
		this.handle(fd);
		this.fds.delete(fd);
	}

	size(fd: number): number {
		return this.handle(fd).inode.size;
	}

	write(fd: number, buf: Buffer, offset: number, length: number, position: number): void {
		const {inode, file} = this.handle(fd);
		this.check('write', file);
		const end = position + length;
		// Like a real disk, only growth takes space: overwriting bytes a file already has needs none.
		const growth = Math.max(0, end - inode.size);
		if (growth > this.writeBudget) {
			const fits = length - (growth - Math.max(0, Math.floor(this.writeBudget)));
			this.writeBudget = Number.POSITIVE_INFINITY;
			if (fits > 0) this.write(fd, buf, offset, fits, position);
			this.writeBudget = 0;
			throw errnoError('ENOSPC', `no space left on device, write ${file}`);
		}
		this.writeBudget -= growth;
		if (end > inode.data.length) {
			const data = Buffer.alloc(Math.max(end, inode.data.length * 2));
			inode.data.copy(data, 0, 0, inode.size);
			inode.data = data;
		}
		if (position > inode.size) inode.data.fill(0, inode.size, position);
		inode.dirtyFrom = Math.min(inode.dirtyFrom, inode.size, position);
		inode.dirtyTo = Math.max(inode.dirtyTo, end);
		buf.copy(inode.data, position, offset, offset + length);
		inode.size = Math.max(inode.size, end);
		this.bytesWritten += length;
	}

	read(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
		const {inode, file} = this.handle(fd);
		const n = Math.max(0, Math.min(length, inode.size - position));
		inode.data.copy(buf, offset, position, position + n);
		this.bytesRead.set(file, (this.bytesRead.get(file) ?? 0) + n);
		return n;
	}

	readAsync(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
		try {
			return Promise.resolve(this.read(fd, buf, offset, length, position));
		} catch (error) {
			return Promise.reject(error);
		}
	}

	fdatasync(fd: number): Promise<void> {
		return new Promise((resolve, reject) => {
			// Later, like a real fsync on the thread pool, so concurrent appends can pile up behind it.
			setImmediate(() => {
				try {
					this.fdatasyncSync(fd);
					resolve();
				} catch (error) {
					reject(error);
				}
			});
		});
	}

	fdatasyncSync(fd: number): void {
		const {inode, file} = this.handle(fd);
		this.check('fsync', file);
		// Copy only what changed since the last fsync, so a long run of appends stays cheap.
		const from = Math.min(inode.dirtyFrom, inode.size);
		if (inode.synced.length < inode.size) {
			const synced = Buffer.alloc(Math.max(inode.size, inode.synced.length * 2));
			inode.synced.copy(synced, 0, 0, Math.min(inode.syncedSize, from));
			inode.synced = synced;
		}
		inode.data.copy(inode.synced, from, from, Math.max(from, Math.min(inode.dirtyTo, inode.size)));
		inode.syncedSize = inode.size;
		inode.dirtyFrom = inode.size;
		inode.dirtyTo = 0;
		this.fsyncs++;
	}

	truncate(fd: number, length: number): void {
		const {inode, file} = this.handle(fd);
		this.check('truncate', file);
		if (length > inode.size) this.write(fd, Buffer.alloc(length - inode.size), 0, length - inode.size, inode.size);
		inode.size = length;
		inode.dirtyFrom = Math.min(inode.dirtyFrom, length);
	}

	rename(from: string, to: string): void {
		this.check('rename', to);
		const source = this.entries(path.dirname(from));
		const inode = source.get(path.basename(from));
		if (!inode) throw errnoError('ENOENT', `no such file ${from}`);
		source.delete(path.basename(from));
		this.entries(path.dirname(to)).set(path.basename(to), inode);
	}

	unlink(file: string): void {
		this.check('unlink', file);
		this.dirs.get(path.dirname(file))?.delete(path.basename(file));
	}

	/** Like mkdirp, at once durable (directories themselves always are here); only an empty one, durably empty. */
	rmdir(dir: string): void {
		this.check('rmdir', dir);
		const entries = this.entries(dir);
		if (entries.size > 0 || this.readdir(dir).length > 0) throw errnoError('ENOTEMPTY', `directory not empty, rmdir ${dir}`);
		if ((this.syncedDirs.get(dir)?.size ?? 0) > 0) throw errnoError('ENOTEMPTY', `directory ${dir} is not durably empty (fsync it first)`);
		this.dirs.delete(dir);
		this.syncedDirs.delete(dir);
	}

	fsyncDir(dir: string): void {
		this.check('fsync', dir);
		this.syncedDirs.set(dir, new Map(this.entries(dir)));
		this.fsyncs++;
	}

	readFile(file: string): Buffer {
		const inode = this.lookup(file);
		if (!inode) throw errnoError('ENOENT', `no such file ${file}`);
		this.bytesRead.set(file, (this.bytesRead.get(file) ?? 0) + inode.size);
		return Buffer.from(inode.data.subarray(0, inode.size));
	}

	copyFile(from: string, to: string): void {
		const data = this.readFile(from);
		const fd = this.open(to, true);
		this.truncate(fd, 0);
		this.write(fd, data, 0, data.length, 0);
		this.fdatasyncSync(fd);
		this.close(fd);
	}

	lock(dir: string): Promise<{check(): void; release(): Promise<void>; takeover: null}> {
		if (this.locks.has(dir)) return Promise.reject(new Error(`data directory ${dir} is locked by another FlashQ instance`));
		this.locks.add(dir);
		return Promise.resolve({
			takeover: null,
			check: () => undefined,
			release: () => {
				this.locks.delete(dir);
				return Promise.resolve();
			},
		});
	}
}

function damage(inode: Inode, mode: CrashMode, random: () => number): Buffer {
	const old = inode.synced.subarray(0, inode.syncedSize);
	const now = inode.data.subarray(0, inode.size);
	if (mode === 'drop') return Buffer.from(old);
	const size = mode === 'random' ? (random() < 0.5 ? old.length : now.length) : now.length;
	const out = Buffer.alloc(size);
	old.copy(out, 0, 0, Math.min(old.length, size));
	for (let sector = 0; sector < size; sector += SECTOR) {
		const end = Math.min(size, sector + SECTOR);
		const same = end <= old.length && end <= now.length && old.compare(now, sector, end, sector, end) === 0;
		if (same) continue;
		if (mode === 'random') {
			if (random() < 0.5) {
				out.fill(0, sector, end);
				if (end <= now.length) now.copy(out, sector, sector, end);
				else if (sector < now.length) now.copy(out, sector, sector, now.length);
			}
			continue;
		}
		// zeros / garbage: the unsynced bytes past the old end never reached the disk.
		for (let i = Math.max(sector, old.length); i < end; i++) out[i] = mode === 'zeros' ? 0 : Math.floor(random() * 256);
	}
	return out;
}
