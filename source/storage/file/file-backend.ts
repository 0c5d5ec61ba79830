import path from 'node:path';
import type {EventHub} from '../../engine/event-hub.js';
import type {FlashQEvent} from '../../engine/events.js';
import type {StorageInfo} from '../../engine/stats.js';
import type {FileStorageOptions, StorageBackend, StorageContext, TopicLog} from '../types.js';
import {writeCheckpoint, writeFileAtomic} from './checkpoint.js';
import {encodeWalHeader, WAL_HEADER_BYTES} from './frame-codec.js';
import {explainOpenError, FileTopicLog, type TopicLogSettings} from './file-topic-log.js';
import {FileGroupStore} from './group-store.js';
import {type FileIo, NodeIo} from './io.js';
import {encodeName} from './names.js';
import {INDEX_FILE, LOG_FILE, preallocate, recoverTopic, type TopicFds, WAL_FILE} from './recovery.js';

const NAME_FILE = 'name';
const WAL_PREALLOC_START_BYTES = 64 * 1024;

/**
 * Layout of a data directory:
 *   .flashq.lock/            proper-lockfile's lock
 *   topics/<encoded name>/   name, log, wal, index, checkpoint   (one directory per topic)
 *   groups/<encoded id>.json  JSON {body: {groupId, offsets}, crc}
 */
export async function openFileBackend(options: FileStorageOptions, context: StorageContext): Promise<StorageBackend> {
	const io = options.io ?? new NodeIo();
	const dataDir = path.resolve(options.dataDir);
	const created = !io.exists(dataDir);
	io.mkdirp(dataDir);
	// A data directory made just now must survive a power loss too.
	if (created) io.fsyncDir(path.dirname(dataDir));
	const backend = new FileBackend(io, dataDir, options, context.events);
	await backend.lock(options.staleLockMs ?? 5000);
	try {
		io.mkdirp(backend.topicsDir);
		io.mkdirp(backend.groupsDir);
		io.fsyncDir(dataDir);
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
	private release: (() => Promise<void>) | null = null;
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
		this.groups = new FileGroupStore(io, this.groupsDir, events, (notice) => this.info.notices.push(notice));
	}

	async lock(staleMs: number): Promise<void> {
		this.release = await this.io.lock(this.dataDir, staleMs, (error) => {
			// Someone removed or took our lock: say so loudly rather than crash the process.
			this.info.locked = false;
			if (this.events.active) {
				this.events.emit({type: 'lock', at: Date.now(), state: 'compromised', dataDir: this.dataDir});
				this.events.emit({type: 'storage.error', at: Date.now(), message: `lock on ${this.dataDir} compromised: ${error.message}`});
			}
		});
		this.info.locked = true;
		if (this.events.active) this.events.emit({type: 'lock', at: Date.now(), state: 'acquired', dataDir: this.dataDir});
	}

	existingTopics(): Promise<string[]> {
		const names: string[] = [];
		for (const entry of this.io.readdir(this.topicsDir)) {
			const file = path.join(this.topicsDir, entry, NAME_FILE);
			// No name file: a topic whose creation never finished, so it never held a record.
			if (!this.io.exists(file)) continue;
			const name = this.io.readFile(file).toString('utf8');
			if (encodeName(name) !== entry) return Promise.reject(new Error(`topic directory ${path.join(this.topicsDir, entry)} holds name '${name}', which does not match`));
			names.push(name);
		}
		return Promise.resolve(names.sort());
	}

	async openTopic(topic: string): Promise<TopicLog> {
		if (this.closing) throw new Error('storage is closed');
		const existing = this.logs.get(topic);
		if (existing) return existing;
		const dir = path.join(this.topicsDir, encodeName(topic));
		const nameFile = path.join(dir, NAME_FILE);
		if (this.io.exists(nameFile)) {
			const stored = this.io.readFile(nameFile).toString('utf8');
			if (stored !== topic) throw new Error(`topic directory ${dir} belongs to topic '${stored}', not '${topic}'`);
		} else {
			try {
				this.createTopicFiles(dir, topic);
			} catch (error) {
				throw explainOpenError(error, `cannot create topic '${topic}' in ${dir}`);
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
				events: this.events,
			});
			this.info.notices.push(...recovered.notices);
			const log = new FileTopicLog(topic, dir, this.io, fds, this.settings, this.events, recovered);
			this.logs.set(topic, log);
			return log;
		} catch (error) {
			for (const fd of [fds.log, fds.wal, fds.index]) this.io.close(fd);
			const explained = explainOpenError(error, `cannot open topic '${topic}' in ${dir}`);
			if (this.events.active) this.events.emit({type: 'storage.error', at: Date.now(), topic, message: explained.message});
			throw explained;
		}
	}

	/** Opens the topic's 3 files (all or none); running out of descriptors says what to do. */
	private openTopicFiles(dir: string, topic: string): TopicFds {
		const opened: number[] = [];
		try {
			for (const file of [LOG_FILE, WAL_FILE, INDEX_FILE]) opened.push(this.io.open(path.join(dir, file), false));
		} catch (error) {
			for (const fd of opened) this.io.close(fd);
			throw explainOpenError(error, `cannot open the files of topic '${topic}' in ${dir}`);
		}
		return {log: opened[0]!, wal: opened[1]!, index: opened[2]!};
	}

	/** Creates every file, makes them durable, and writes the name file last: its presence means "complete". */
	private createTopicFiles(dir: string, topic: string): void {
		this.io.mkdirp(dir);
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
		this.io.fsyncDir(this.topicsDir);
		if (this.events.active) this.events.emit({type: 'fsync', at: Date.now(), topic, file: 'dir', latencyMs: 0, records: 0});
	}

	close(): Promise<void> {
		this.closing ??= this.closeAll();
		return this.closing;
	}

	private async closeAll(): Promise<void> {
		const errors: unknown[] = [];
		await Promise.all([...this.logs.values()].map((log) => log.close().catch((error: unknown) => errors.push(error))));
		await this.groups.close();
		if (this.release) {
			await this.release().catch((error: unknown) => errors.push(error));
			this.release = null;
			this.info.locked = false;
			if (this.events.active) this.events.emit({type: 'lock', at: Date.now(), state: 'released', dataDir: this.dataDir});
		}
		if (errors.length > 0) throw errors[0];
	}
}
