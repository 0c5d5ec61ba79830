import fs from 'node:fs';
import path from 'node:path';
import {withFile} from './io-errors.js';
import {acquireDirectoryLock, type DirectoryLock} from '../lock.js';

/**
 * Every file operation the file backend performs goes through this interface, so tests (and the
 * TUI's crash lesson) can swap in a layer that counts bytes, fails writes or simulates power loss
 * (see fault-io.ts). Writes are synchronous (appends are ordered by the call itself, and a write to
 * the page cache is microseconds); fsyncs are asynchronous so concurrent appends can share one.
 */
export interface FileIo {
	mkdirp(dir: string): void;
	/** Names in a directory; [] when it does not exist. */
	readdir(dir: string): string[];
	exists(file: string): boolean;
	/** Opens read/write; creates the file when `create` is true and it is missing. */
	open(file: string, create: boolean): number;
	close(fd: number): void;
	size(fd: number): number;
	/** Writes all of buf[offset, offset+length) at `position`, or throws. */
	write(fd: number, buf: Buffer, offset: number, length: number, position: number): void;
	read(fd: number, buf: Buffer, offset: number, length: number, position: number): number;
	readAsync(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number>;
	fdatasync(fd: number): Promise<void>;
	fdatasyncSync(fd: number): void;
	truncate(fd: number, length: number): void;
	rename(from: string, to: string): void;
	unlink(file: string): void;
	/** Removes an empty directory. */
	rmdir(dir: string): void;
	/** Makes a directory's entries (creates, renames, deletes) durable. */
	fsyncDir(dir: string): void;
	readFile(file: string): Buffer;
	copyFile(from: string, to: string): void;
	/**
	 * Takes the data directory's lock; rejects at once (message contains "locked") if another
	 * live holder has it. `onCompromised` is called once if the lock is lost later (found by the
	 * holder's refresh or by `check()`, which throws from then on).
	 */
	lock(dir: string, staleMs: number, onCompromised: (error: Error) => void): Promise<Pick<DirectoryLock, 'check' | 'release' | 'takeover'>>;
	/**
	 * Whether the WAL should be preallocated and reused in place (default true): on a real disk an
	 * fdatasync of allocated blocks is much cheaper than one that grows the file. Durability is the
	 * same either way; without it the WAL is truncated at each reset, as a growing file.
	 */
	readonly preallocates?: boolean;
}

/** The real file system. Every error it throws names its file. */
export class NodeIo implements FileIo {
	readonly preallocates = true;
	/** The file each open descriptor refers to, for error messages. */
	private readonly files = new Map<number, string>();

	/**
	 * Creates a directory and its missing parents one level at a time. (A recursive mkdirSync spins
	 * forever under /proc, where mkdir answers ENOENT for a parent that exists.)
	 */
	mkdirp(dir: string): void {
		const missing: string[] = [];
		for (let at = path.resolve(dir); !fs.existsSync(at); at = path.dirname(at)) {
			missing.push(at);
			if (path.dirname(at) === at) break;
		}
		for (const at of missing.reverse()) {
			try {
				fs.mkdirSync(at);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(at).isDirectory()) continue;
				throw withFile(error, at);
			}
		}
		if (missing.length === 0 && !fs.statSync(dir).isDirectory()) {
			throw withFile(Object.assign(new Error('ENOTDIR: not a directory, mkdir'), {code: 'ENOTDIR'}), dir);
		}
	}

	readdir(dir: string): string[] {
		try {
			return fs.readdirSync(dir);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
			throw withFile(error, dir);
		}
	}

	exists(file: string): boolean {
		return fs.existsSync(file);
	}

	open(file: string, create: boolean): number {
		const fd = fs.openSync(file, create ? fs.constants.O_RDWR | fs.constants.O_CREAT : fs.constants.O_RDWR, 0o644);
		this.files.set(fd, file);
		return fd;
	}

	close(fd: number): void {
		try {
			fs.closeSync(fd);
		} catch (error) {
			throw withFile(error, this.file(fd));
		} finally {
			this.files.delete(fd);
		}
	}

	size(fd: number): number {
		try {
			return fs.fstatSync(fd).size;
		} catch (error) {
			throw withFile(error, this.file(fd));
		}
	}

	write(fd: number, buf: Buffer, offset: number, length: number, position: number): void {
		let done = 0;
		try {
			while (done < length) done += fs.writeSync(fd, buf, offset + done, length - done, position + done);
		} catch (error) {
			throw withFile(error, this.file(fd));
		}
	}

	read(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
		try {
			return fs.readSync(fd, buf, offset, length, position);
		} catch (error) {
			throw withFile(error, this.file(fd));
		}
	}

	readAsync(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
		return new Promise((resolve, reject) => {
			fs.read(fd, buf, offset, length, position, (error, bytes) => (error ? reject(withFile(error, this.file(fd))) : resolve(bytes)));
		});
	}

	fdatasync(fd: number): Promise<void> {
		return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(withFile(error, this.file(fd))) : resolve())));
	}

	fdatasyncSync(fd: number): void {
		try {
			fs.fdatasyncSync(fd);
		} catch (error) {
			throw withFile(error, this.file(fd));
		}
	}

	truncate(fd: number, length: number): void {
		try {
			fs.ftruncateSync(fd, length);
		} catch (error) {
			throw withFile(error, this.file(fd));
		}
	}

	rename(from: string, to: string): void {
		fs.renameSync(from, to);
	}

	unlink(file: string): void {
		fs.rmSync(file, {force: true});
	}

	rmdir(dir: string): void {
		try {
			fs.rmdirSync(dir);
		} catch (error) {
			throw withFile(error, dir);
		}
	}

	fsyncDir(dir: string): void {
		const fd = fs.openSync(dir, 'r');
		try {
			fs.fsyncSync(fd);
		} catch (error) {
			throw withFile(error, dir);
		} finally {
			fs.closeSync(fd);
		}
	}

	readFile(file: string): Buffer {
		try {
			return fs.readFileSync(file);
		} catch (error) {
			throw withFile(error, file);
		}
	}

	copyFile(from: string, to: string): void {
		fs.copyFileSync(from, to);
	}

	lock(dir: string, staleMs: number, onCompromised: (error: Error) => void): Promise<DirectoryLock> {
		return acquireDirectoryLock(dir, staleMs, onCompromised);
	}

	private file(fd: number): string {
		return this.files.get(fd) ?? `file descriptor ${fd}`;
	}
}
