import path from 'node:path';
import type {EventHub} from '../../core/event-hub.js';
import type {FlashQEvent} from '../../core/events.js';
import type {StorageInfo} from '../../core/stats.js';
import type {FileStorageOptions, StorageBackend, StorageContext, TopicLog} from '../types.js';
import {writeCheckpoint, writeFileAtomic} from './checkpoint.js';
import {encodeWalHeader, WAL_HEADER_BYTES} from './frame-codec.js';
import {FileTopicLog, type TopicLogSettings} from './file-topic-log.js';
import {FileGroupStore} from './group-store.js';
import {type FileIo, NodeIo} from './io.js';
import {LOCK_NAME} from '../lock.js';
import {advice, explain} from './io-errors.js';
import {encodeName} from './names.js';
import {CorruptionError, INDEX_FILE, LOG_FILE, preallocate, recoverTopic, type TopicFds, WAL_FILE} from './recovery.js';

const NAME_FILE = 'name';
/**
 * A topic being deleted: its name file renamed, so the directory is no topic any more (the commit
 * point); it keeps the name so that a deletion cut short by a crash is finished at the next open.
 */
const DELETED_FILE = 'deleted';
const WAL_PREALLOC_START_BYTES = 64 * 1024;

/**
 * Layout of a data directory:
 *   .flashq.lock             the directory lock: the holder's pid, host and start time (lock.ts)
 *   topics/<encoded name>/   name, log, wal, index, checkpoint   (one directory per topic;
 *                            `deleted` instead of `name` while it is being deleted)
 *   groups/<encoded id>.json  JSON {body: {groupId, offsets}, crc}
 */
export async function openFileBackend(options: FileStorageOptions, context: StorageContext): Promise<StorageBackend> {
	const io = options.io ?? new NodeIo();
	const dataDir = path.resolve(options.dataDir);
	const created = !io.exists(dataDir);
	try {
		io.mkdirp(dataDir);
	} catch (error) {
		const hint = advice(error) || 'choose a directory on a regular, writable file system';
		throw new Error(`cannot create data directory ${dataDir}: ${(error as Error).message}; ${hint}`, {cause: error});
	}
	// A data directory made just now must survive a power loss too.
	if (created) io.fsyncDir(path.dirname(dataDir));
	const backend = new FileBackend(io, dataDir, options, context.events);
	await backend.lock(options.staleLockMs ?? 5000);
	try {
		io.mkdirp(backend.topicsDir);
		io.mkdirp(backend.groupsDir);
		io.fsyncDir(dataDir);
		backend.finishDeletions();
	} catch (error) {
		await backend.close();
		throw error;
	}
	return backend;
}

class FileBackend implements StorageBackend {
	readonly info: StorageInfo;
	readonly groups: FileGroupStore;
	readonly topicsDir: string;
	readonly groupsDir: string;
	private readonly settings: TopicLogSettings;
	private readonly logs = new Map<string, FileTopicLog>();
	/**
	 * A new (or recovered) WAL is preallocated to this much, and grows by doubling as it is used up to
	 * walPreallocBytes (walResetBytes + 64 KiB: the slack covers the frame that crosses the reset; at
	 * most 8 MiB): a topic that holds one record costs 64 KiB of WAL, not 1 MiB. 0 = no preallocation.
	 */
	private get walPreallocStartBytes(): number {
		return Math.min(WAL_PREALLOC_START_BYTES, this.settings.walPreallocBytes);
	}
	private dirLock: {check(): void; release(): Promise<void>} | null = null;
	/** Set once the directory lock is lost: from then on this process never writes to the directory. */
	private lost: Error | null = null;
	private closing: Promise<void> | null = null;

	constructor(
		private readonly io: FileIo,
		readonly dataDir: string,
		private readonly options: FileStorageOptions,
		private readonly events: EventHub<FlashQEvent>,
	) {
		this.topicsDir = path.join(dataDir, 'topics');
		this.groupsDir = path.join(dataDir, 'groups');
		this.settings = {
			sync: options.sync ?? 'always',
			commitThreshold: Math.max(1, options.commitThreshold ?? 10),
			syncIntervalMs: Math.max(1, options.syncIntervalMs ?? 100),
			cacheSize: Math.max(0, options.cacheSize ?? 1000),
			cacheBytes: Math.max(0, options.cacheBytes ?? 64 * 1024 * 1024),
			walResetBytes: Math.max(WAL_HEADER_BYTES + 1, options.walResetBytes ?? 1024 * 1024),
			// A checkpoint every 16 WAL resets (16 MiB by default) bounds what recovery scans after a crash.
			checkpointBytes: 16 * Math.max(WAL_HEADER_BYTES + 1, options.walResetBytes ?? 1024 * 1024),
			idleCloseMs: Math.max(0, options.idleCloseMs ?? 30_000),
			walPreallocBytes:
				io.preallocates === false ? 0 : Math.min(Math.max(WAL_HEADER_BYTES + 1, options.walResetBytes ?? 1024 * 1024) + 64 * 1024, 8 * 1024 * 1024),
			writeGuard: () => this.guard(),
			notify: (notice) => this.info.notices.push(notice),
		};
		this.info = {
			kind: 'file',
			dataDir,
			sync: this.settings.sync,
			commitThreshold: this.settings.commitThreshold,
			cacheSize: this.settings.cacheSize,
			locked: false,
			notices: [],
		};
		this.groups = new FileGroupStore(guardedIo(io, () => this.guard()), this.groupsDir, events, (notice) => this.info.notices.push(notice));
	}

	async lock(staleMs: number): Promise<void> {
		const lock = await this.io.lock(this.dataDir, staleMs, (error) => this.lockLost(error));
		this.dirLock = lock;
		this.info.locked = true;
		if (lock.takeover) this.info.notices.push({at: Date.now(), kind: 'lock', level: 'info', file: path.join(this.dataDir, LOCK_NAME), message: lock.takeover});
		if (this.events.active) this.events.emit({type: 'lock', at: Date.now(), state: 'acquired', dataDir: this.dataDir});
	}

	/**
	 * Called before every write and acknowledgement (topics, groups, topic creation, recovery):
	 * throws once the lock is not ours, so nothing is written or acknowledged after that.
	 */
	private guard(): void {
		if (this.lost) throw this.lost;
		this.dirLock?.check();
	}

	/** Someone removed or took our lock: stop every write at once and say so loudly, rather than crash. */
	private lockLost(error: Error): void {
		if (this.lost) return;
		this.lost = new Error(
			`lost the lock on data directory ${this.dataDir} (${error.message}); this process writes nothing more there: restart it to serve again`,
			{cause: error},
		);
		this.info.locked = false;
		this.info.notices.push({at: Date.now(), kind: 'lock', level: 'warning', file: path.join(this.dataDir, LOCK_NAME), message: this.lost.message});
		for (const log of this.logs.values()) log.halt(this.lost);
		if (this.events.active) {
			this.events.emit({type: 'lock', at: Date.now(), state: 'compromised', dataDir: this.dataDir});
			this.events.emit({type: 'storage.error', at: Date.now(), message: this.lost.message});
		}
	}

	existingTopics(): Promise<string[]> {
		const names: string[] = [];
		for (const entry of this.io.readdir(this.topicsDir)) {
			const file = path.join(this.topicsDir, entry, NAME_FILE);
			// No name file: a topic whose creation never finished, so it never held a record.
			if (!this.io.exists(file)) continue;
			let name: string;
			try {
				name = this.io.readFile(file).toString('utf8');
			} catch (error) {
				const hint = advice(error) || 'restore the file (it holds the topic\'s name) or move the topic directory away';
				return Promise.reject(new Error(`cannot read the topic name file ${file}: ${(error as Error).message}; ${hint}`, {cause: error}));
			}
			if (encodeName(name) !== entry) return Promise.reject(new Error(`topic directory ${path.join(this.topicsDir, entry)} holds name '${name}', which does not match`));
			names.push(name);
		}
		return Promise.resolve(names.sort());
	}

	async openTopic(topic: string): Promise<TopicLog> {
		if (this.closing) throw new Error('storage is closed');
		const existing = this.logs.get(topic);
		if (existing) return existing;
		// Creating a topic and recovering one both write.
		this.guard();
		const dir = path.join(this.topicsDir, encodeName(topic));
		const nameFile = path.join(dir, NAME_FILE);
		let created = false;
		if (this.io.exists(nameFile)) {
			const stored = this.io.readFile(nameFile).toString('utf8');
			if (stored !== topic) throw new Error(`topic directory ${dir} belongs to topic '${stored}', not '${topic}'`);
		} else {
			created = true;
			try {
				this.createTopicFiles(dir, topic);
			} catch (error) {
				throw explain(error, `cannot create topic '${topic}' in ${dir}`);
			}
		}
		const fds = this.openTopicFiles(dir, topic);
		try {
			const recovered = await recoverTopic(this.io, fds, {
				topic,
				dir,
				sync: this.settings.sync,
				repair: this.options.repair ?? false,
				indexInterval: Math.max(1, this.options.indexIntervalBytes ?? 4096),
				walPreallocBytes: this.walPreallocStartBytes,
				// A topic made just now has nothing to recover: no "opened from checkpoint" line for it.
				events: created ? null : this.events,
			});
			this.info.notices.push(...recovered.notices);
			const log = new FileTopicLog(topic, dir, this.io, fds, this.settings, this.events, recovered);
			this.logs.set(topic, log);
			return log;
		} catch (caught) {
			for (const fd of [fds.log, fds.wal, fds.index]) this.io.close(fd);
			const hint = advice(caught);
			// Corruption errors say what to do already; others get the topic, and advice where there is some.
			const error =
				caught instanceof CorruptionError
					? caught
					: new Error(`cannot open topic '${topic}' (${dir}): ${(caught as Error).message}${hint && !(caught as Error).message.includes(hint) ? `; ${hint}` : ''}`, {cause: caught});
			if (this.events.active) this.events.emit({type: 'storage.error', at: Date.now(), topic, message: error.message});
			throw error;
		}
	}

	async deleteTopic(topic: string, dropOffsets: () => Promise<void>): Promise<void> {
		if (this.closing) throw new Error('storage is closed');
		this.guard();
		const dir = path.join(this.topicsDir, encodeName(topic));
		const log = this.logs.get(topic);
		if (log) {
			// A clean close first: appends in flight settle and the descriptors go. Until the rename below
			// the topic is whole, and a failure leaves it to be opened again.
			this.logs.delete(topic);
			await log.close();
		}
		this.guard();
		try {
			this.io.rename(path.join(dir, NAME_FILE), path.join(dir, DELETED_FILE));
			this.timedDirSync(dir, topic);
		} catch (error) {
			throw explain(error, `cannot delete topic '${topic}' in ${dir}`);
		}
		// From here the topic is gone, also after a crash (the next open finishes the deletion).
		await dropOffsets();
		try {
			this.removeTopicDir(dir);
		} catch (error) {
			// Nothing is lost: the directory is no topic, and the next open removes what is left.
			this.info.notices.push({
				at: Date.now(),
				kind: 'recovery',
				level: 'warning',
				topic,
				file: dir,
				message: `topic '${topic}' is deleted, but removing its files failed (${(error as Error).message}); the next start removes them`,
			});
		}
	}

	/**
	 * Finishes deletions that a crash cut short (a `deleted` file without a `name` file): drops the
	 * topic's committed offsets from the group files, then removes the directory. At open, before the
	 * groups are loaded.
	 */
	finishDeletions(): void {
		for (const entry of this.io.readdir(this.topicsDir)) {
			const dir = path.join(this.topicsDir, entry);
			const tombstone = path.join(dir, DELETED_FILE);
			if (!this.io.exists(tombstone)) {
				// The last step of a deletion (or of nothing) was cut short: an empty directory is no topic.
				if (this.io.readdir(dir).length === 0) {
					this.io.rmdir(dir);
					this.io.fsyncDir(this.topicsDir);
				}
				continue;
			}
			// A topic made again under the name after its deletion: the leftover marker means nothing.
			if (this.io.exists(path.join(dir, NAME_FILE))) {
				this.io.unlink(tombstone);
				continue;
			}
			const topic = this.io.readFile(tombstone).toString('utf8');
			const groups = encodeName(topic) === entry ? this.groups.dropTopic(topic) : [];
			this.removeTopicDir(dir);
			this.info.notices.push({
				at: Date.now(),
				kind: 'recovery',
				level: 'info',
				topic,
				file: dir,
				message: `finished deleting topic '${topic}' (a stop cut the deletion short): its files are removed${groups.length > 0 ? `, and the committed offsets of groups ${groups.join(', ')} for it` : ''}`,
			});
		}
	}

	/** Removes a deleted topic's directory, the `deleted` marker last, so a crash part-way leaves a deletion to finish. */
	private removeTopicDir(dir: string): void {
		for (const name of this.io.readdir(dir)) if (name !== DELETED_FILE) this.io.unlink(path.join(dir, name));
		this.io.unlink(path.join(dir, DELETED_FILE));
		this.io.fsyncDir(dir);
		this.io.rmdir(dir);
		this.io.fsyncDir(this.topicsDir);
	}

	private timedDirSync(dir: string, topic: string): void {
		const started = performance.now();
		this.io.fsyncDir(dir);
		if (this.events.active) this.events.emit({type: 'fsync', at: Date.now(), topic, file: 'dir', latencyMs: performance.now() - started, records: 0});
	}

	/** Opens the topic's 3 files (all or none); running out of descriptors says what to do. */
	private openTopicFiles(dir: string, topic: string): TopicFds {
		const opened: number[] = [];
		try {
			// The index is derived data: a missing one is created empty and rebuilt by recovery.
			for (const file of [LOG_FILE, WAL_FILE, INDEX_FILE]) opened.push(this.io.open(path.join(dir, file), file === INDEX_FILE));
		} catch (error) {
			for (const fd of opened) this.io.close(fd);
			throw explain(error, `cannot open the files of topic '${topic}' in ${dir}`);
		}
		return {log: opened[0]!, wal: opened[1]!, index: opened[2]!};
	}

	/** Creates every file, makes them durable, and writes the name file last: its presence means "complete". */
	private createTopicFiles(dir: string, topic: string): void {
		this.io.mkdirp(dir);
		// Left by a deletion whose clean-up failed: the new topic starts with none of its files.
		for (const name of this.io.readdir(dir)) this.io.unlink(path.join(dir, name));
		for (const file of [LOG_FILE, WAL_FILE, INDEX_FILE]) {
			const fd = this.io.open(path.join(dir, file), true);
			try {
				this.io.truncate(fd, 0);
				if (file === WAL_FILE) {
					this.io.write(fd, encodeWalHeader({sync: this.settings.sync, durableLogBytes: 0, nextOffset: 0}), 0, WAL_HEADER_BYTES, 0);
					preallocate(this.io, fd, this.walPreallocStartBytes);
				}
				this.io.fdatasyncSync(fd);
			} finally {
				this.io.close(fd);
			}
		}
		writeCheckpoint(this.io, dir, {logBytes: 0, nextOffset: 0, indexEntries: 0});
		writeFileAtomic(this.io, dir, NAME_FILE, Buffer.from(topic, 'utf8'));
		const started = performance.now();
		this.io.fsyncDir(this.topicsDir);
		if (this.events.active) this.events.emit({type: 'fsync', at: Date.now(), topic, file: 'dir', latencyMs: performance.now() - started, records: 0});
	}

	close(): Promise<void> {
		this.closing ??= this.closeAll();
		return this.closing;
	}

	private async closeAll(): Promise<void> {
		const errors: unknown[] = [];
		// Closing writes (checkpoints, WAL headers): find out first whether the directory is still ours.
		try {
			this.guard();
		} catch {
			// Lost: every topic is halted now, and a halted topic closes without writing.
		}
		await Promise.all([...this.logs.values()].map((log) => log.close().catch((error: unknown) => errors.push(error))));
		await this.groups.close();
		if (this.dirLock) {
			await this.dirLock.release().catch((error: unknown) => errors.push(error));
			this.dirLock = null;
			if (!this.lost) {
				this.info.locked = false;
				if (this.events.active) this.events.emit({type: 'lock', at: Date.now(), state: 'released', dataDir: this.dataDir});
			}
		}
		if (errors.length > 0) throw errors[0];
	}
}

/** The file layer with every writing call checked by `guard` first (for the group store, which has no guard of its own). */
function guardedIo(io: FileIo, guard: () => void): FileIo {
	const guarded = Object.create(io) as FileIo;
	const wrap = <K extends 'mkdirp' | 'open' | 'write' | 'truncate' | 'rename' | 'unlink' | 'copyFile'>(name: K) => {
		const original = io[name] as (...args: unknown[]) => unknown;
		(guarded as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
			guard();
			return original.apply(io, args);
		};
	};
	for (const name of ['mkdirp', 'open', 'write', 'truncate', 'rename', 'unlink', 'copyFile'] as const) wrap(name);
	return guarded;
}
