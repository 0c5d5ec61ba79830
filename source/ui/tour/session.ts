import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {FlashQ, type FlashQOptions} from '../../engine/flashq.js';
import type {FlashQEvent} from '../../engine/events.js';
import type {FileStorageOptions, StorageOptions} from '../../storage/types.js';
import type {PowerLossReport} from './lesson.js';
import {type PowerLossLayer, createPowerLossLayer} from './power-loss.js';

export interface TourSessionOptions {
	/** 'file' (default) or 'memory'; lessons that need files use file storage either way. */
	storage?: 'file' | 'memory';
	/** Lesson directories are made inside this one; default: the system temp directory. */
	baseDir?: string;
	/** Receives every event of every engine the session opens (recovery included). */
	onEvents?: (events: readonly FlashQEvent[]) => void;
	/** Event batching of the engines it opens (default 50 ms, as the TUI wants). */
	eventFlushIntervalMs?: number;
}

type FileOverrides = Partial<Omit<FileStorageOptions, 'storage' | 'dataDir'>>;

/**
 * Owns the engine a lesson runs on: opens it on a fresh directory, reopens it, crashes it through
 * the fault layer, and removes the directories it made. One job: engine lifetimes for the tour.
 */
export class TourSession {
	engine: FlashQ | null = null;
	dataDir: string | null = null;
	storage: StorageOptions = {storage: 'memory'};
	/** Bumped whenever `engine` is replaced, so views know to re-subscribe. */
	generation = 0;
	private readonly others = new Set<FlashQ>();
	private readonly ownedDirs = new Set<string>();
	private layer: PowerLossLayer | null = null;
	/** Engines abandoned by a power loss: never closed cleanly, but their timers must stop. */
	private readonly abandoned: FlashQ[] = [];

	constructor(private readonly options: TourSessionOptions = {}) {}

	/** Closes whatever runs and opens a fresh, empty engine for a lesson. */
	async fresh(kind: 'file' | 'any', overrides: FileOverrides = {}): Promise<FlashQ> {
		await this.shutdown();
		const useFile = kind === 'file' || (this.options.storage ?? 'file') === 'file';
		if (useFile) {
			const base = this.options.baseDir ?? tmpdir();
			const dir = await mkdtemp(path.join(base, 'flashq-tour-'));
			this.ownedDirs.add(dir);
			this.dataDir = dir;
			this.layer = createPowerLossLayer();
			this.storage = {storage: 'file', dataDir: dir, ...overrides};
		} else {
			this.dataDir = null;
			this.layer = null;
			this.storage = {storage: 'memory'};
		}
		return this.open();
	}

	async reopen(overrides: FileOverrides = {}): Promise<FlashQ> {
		if (this.storage.storage !== 'file') throw new Error('only file storage can be reopened (memory keeps nothing)');
		if (this.engine && !this.engine.isClosed) await this.engine.close();
		this.engine = null;
		this.storage = {...this.storage, ...overrides};
		// A power loss may have left the disk as the machine saw it at the crash: start a new layer on it.
		this.layer = createPowerLossLayer();
		return this.open();
	}

	async powerLoss(): Promise<PowerLossReport> {
		if (!this.layer || !this.engine) throw new Error('a power loss needs file storage');
		const engine = this.engine;
		const report = await this.layer.powerLoss();
		this.abandoned.push(engine);
		this.engine = null;
		this.generation++;
		return report;
	}

	async openOther(options: StorageOptions): Promise<FlashQ> {
		const other = await FlashQ.open(options);
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
		const kept = {engine: this.engine, dataDir: this.dataDir};
		if (this.dataDir) this.ownedDirs.delete(this.dataDir);
		this.engine = null;
		this.dataDir = null;
		return kept;
	}

	/** Closes everything and removes every directory the session made. */
	async dispose(): Promise<void> {
		await this.shutdown();
		await Promise.allSettled([...this.ownedDirs].map((dir) => rm(dir, {recursive: true, force: true})));
		this.ownedDirs.clear();
	}

	private async open(): Promise<FlashQ> {
		const options: FlashQOptions = {...this.storage};
		if (this.options.onEvents) options.onEvents = this.options.onEvents;
		if (this.options.eventFlushIntervalMs !== undefined) options.eventFlushIntervalMs = this.options.eventFlushIntervalMs;
		if (this.layer && options.storage === 'file') Object.assign(options, this.layer.storageOptions());
		this.engine = await FlashQ.open(options);
		this.generation++;
		return this.engine;
	}

	private async shutdown(): Promise<void> {
		await this.closeOthers();
		const engine = this.engine;
		this.engine = null;
		if (engine && !engine.isClosed) await engine.close().catch(() => undefined);
		for (const dead of this.abandoned.splice(0)) await this.layer?.release(dead);
		const dir = this.dataDir;
		this.dataDir = null;
		if (dir && this.ownedDirs.has(dir)) {
			this.ownedDirs.delete(dir);
			await rm(dir, {recursive: true, force: true}).catch(() => undefined);
		}
		this.generation++;
	}
}
