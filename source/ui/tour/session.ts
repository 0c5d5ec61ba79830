import {mkdir, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {FlashQ, type FlashQOptions} from '../../engine/flashq.js';
import type {FlashQEvent} from '../../core/events.js';
import type {FileStorageOptions, StorageOptions} from '../../storage/types.js';
import type {PowerLossMode, PowerLossReport} from './lesson.js';
import {PowerLossLayer} from './power-loss.js';

export interface TourSessionOptions {
	/** 'file' (default) or 'memory'; lessons that need files use file storage either way. */
	storage?: 'file' | 'memory';
	/** Lesson directories are made inside this one; default: the system temp directory. */
	baseDir?: string;
	/** Receives every event of the live engines the session opens (recovery included). */
	onEvents?: (events: readonly FlashQEvent[]) => void;
	/** Event batching of the engines it opens (default 50 ms, as the TUI wants). */
	eventFlushIntervalMs?: number;
}

type FileOverrides = Partial<Omit<FileStorageOptions, 'storage' | 'dataDir'>>;

export interface FreshOptions {
	kind: 'file' | 'any';
	overrides?: FileOverrides;
	/** Use the fault-injecting file layer (seeded with `seed`) instead of the real disk. */
	faults?: boolean;
	seed?: number;
}

/**
 * Owns the engines a lesson runs on: opens one on a fresh directory, reopens it, crashes it through
 * the fault layer, and removes the directories it made. One job: engine lifetimes for the tour.
 */
export class TourSession {
	engine: FlashQ | null = null;
	dataDir: string | null = null;
	storage: StorageOptions = {storage: 'memory'};
	/** Bumped whenever `engine` is replaced, so views know to re-subscribe. */
	generation = 0;
	/** The fault layer of the current lesson, if it runs on one (its files live in memory). */
	layer: PowerLossLayer | null = null;
	private readonly others = new Set<FlashQ>();
	private readonly ownedDirs = new Set<string>();
	/** Engines whose events still count: an engine abandoned by a power loss goes quiet. */
	private readonly live = new Set<FlashQ>();

	constructor(private readonly options: TourSessionOptions = {}) {}

	/** Closes whatever runs and opens a fresh, empty engine for a lesson. */
	async fresh(options: FreshOptions): Promise<FlashQ> {
		await this.shutdown();
		const useFile = options.kind === 'file' || options.faults === true || (this.options.storage ?? 'file') === 'file';
		if (useFile) {
			const base = this.options.baseDir ?? tmpdir();
			await mkdir(base, {recursive: true});
			// A real directory even on the fault layer, so the path shown is unique and meaningful.
			const dir = await mkdtemp(path.join(base, 'flashq-tour-'));
			this.ownedDirs.add(dir);
			this.dataDir = dir;
			this.layer = options.faults ? new PowerLossLayer(dir, options.seed ?? 1) : null;
			this.storage = {storage: 'file', dataDir: dir, ...options.overrides};
		} else {
			this.dataDir = null;
			this.layer = null;
			this.storage = {storage: 'memory'};
		}
		return this.open();
	}

	/** Clean close (if open), then open the same directory again: recovery runs on what is on disk. */
	async reopen(overrides: FileOverrides = {}): Promise<FlashQ> {
		if (this.storage.storage !== 'file') throw new Error('only file storage can be reopened (memory keeps nothing)');
		await this.close();
		this.storage = {...this.storage, ...overrides};
		return this.open();
	}

	async close(): Promise<void> {
		const engine = this.engine;
		this.engine = null;
		if (engine && !engine.isClosed) await engine.close();
		if (engine) this.live.delete(engine);
		this.generation++;
	}

	async powerLoss(mode: PowerLossMode = 'drop'): Promise<PowerLossReport> {
		if (!this.layer) throw new Error('a simulated power loss needs the fault-injecting file layer (lesson option `faults`)');
		const engine = this.engine;
		const report = this.layer.powerLoss(mode);
		this.engine = null;
		this.generation++;
		if (engine) {
			// The machine is "off": that engine's later writes go to the pre-crash file system, which
			// nobody reads again. Closing it only stops its timers; its events are ignored.
			this.live.delete(engine);
			await engine.close().catch(() => undefined);
		}
		return report;
	}

	async openOther(options: StorageOptions): Promise<FlashQ> {
		const other = await FlashQ.open(this.withLayer(options));
		this.others.add(other);
		return other;
	}

	async closeOthers(): Promise<void> {
		const others = [...this.others];
		this.others.clear();
		await Promise.allSettled(others.map((other) => other.close()));
	}

	/** Keeps the current engine and directory alive (leaving the tour for free exploration). */
	detach(): {engine: FlashQ | null; dataDir: string | null} {
		const kept = {engine: this.engine, dataDir: this.layer ? null : this.dataDir};
		if (this.dataDir && !this.layer) this.ownedDirs.delete(this.dataDir);
		if (this.engine) this.live.delete(this.engine);
		this.engine = null;
		this.dataDir = null;
		this.layer = null;
		return kept;
	}

	/** Closes everything and removes every directory the session made. */
	async dispose(): Promise<void> {
		await this.shutdown();
		await Promise.allSettled([...this.ownedDirs].map((dir) => rm(dir, {recursive: true, force: true})));
		this.ownedDirs.clear();
	}

	private withLayer(options: StorageOptions): StorageOptions {
		return this.layer && options.storage === 'file' ? {...options, io: this.layer.io} : options;
	}

	private async open(): Promise<FlashQ> {
		const options: FlashQOptions = {...this.withLayer(this.storage)};
		let engine: FlashQ | null = null;
		const forward = this.options.onEvents;
		// Events during open (recovery) arrive before `engine` is set: they belong to the engine being opened.
		if (forward) options.onEvents = (events) => (engine === null || this.live.has(engine) ? forward(events) : undefined);
		if (this.options.eventFlushIntervalMs !== undefined) options.eventFlushIntervalMs = this.options.eventFlushIntervalMs;
		engine = await FlashQ.open(options);
		this.live.add(engine);
		this.engine = engine;
		this.generation++;
		return engine;
	}

	private async shutdown(): Promise<void> {
		await this.closeOthers();
		await this.close().catch(() => undefined);
		this.layer = null;
		const dir = this.dataDir;
		this.dataDir = null;
		if (dir && this.ownedDirs.has(dir)) {
			this.ownedDirs.delete(dir);
			await rm(dir, {recursive: true, force: true}).catch(() => undefined);
		}
	}
}
