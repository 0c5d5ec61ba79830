import type {FlashQ} from '../../engine/flashq.js';
import type {FlashQEvent} from '../../core/events.js';
import type {FileStorageOptions, StorageOptions} from '../../storage/types.js';
import type {Random} from './random.js';

/** Pane titles as the TUI shows them; a step names the panes that change so the view can highlight them. */
export const TOUR_PANES = ['Topics', 'Records', 'Consumer Groups', 'WAL', 'Cache', 'Offset Index', 'Events', 'Server', 'Log Map'] as const;
export type PaneTitle = (typeof TOUR_PANES)[number];

/** What a step records: plain JSON-like values, so tests can compare two runs with toEqual. */
export type FactValue = string | number | boolean | null | readonly FactValue[] | {readonly [key: string]: FactValue};
/** Facts as the runner keeps them, whatever the lesson; each lesson names its own (`Lesson<F>`). */
export type Facts = Record<string, FactValue>;

export interface Choice {
	/** The key the learner presses: digits '1'..'9' by convention (n, b, r, Space and Esc drive the tour). */
	key: string;
	label: string;
}

/** "Predict, then run": asked before the step runs, checked after it. */
export interface Question {
	prompt: string;
	choices: readonly Choice[];
	/** The key of the right choice. */
	answer: string;
}

/** What happens to bytes written but never fsynced: gone ('drop'), or left as zeros/garbage in place. */
export type PowerLossMode = 'drop' | 'zeros' | 'garbage';

/** A power loss as the fault-injection layer simulated it. */
export interface PowerLossReport {
	mode: PowerLossMode;
	/** Bytes written but never fsynced (lost, or zeroed/garbled in place), over all files. */
	lostBytes: number;
	/** Per file (path relative to the data directory), only files that lost something. */
	files: readonly {file: string; lostBytes: number}[];
}

/** Wall-clock measurements (latencies): shown to the class, never compared between runs. */
export type Measurements = Record<string, number>;

/**
 * What a step's `run` gets: the live engine and everything needed to act on it reproducibly.
 * `F` is the lesson's facts: a type whose values are FactValues (a type alias, so it fits `Facts`).
 */
export interface StepContext<F extends Facts = Facts> {
	/** The engine as it is now (a new object after `reopen` or `powerLoss`). */
	readonly engine: FlashQ;
	/** This step's own seeded stream (seed, lesson, step): replays draw the same values. */
	readonly rng: Random;
	/** The lesson's data directory (null for memory storage). */
	readonly dataDir: string | null;
	/** The storage options the engine was opened with. */
	readonly storage: StorageOptions;
	/** Closes the engine cleanly and opens it again on the same directory, with option overrides. */
	reopen(options?: Partial<Omit<FileStorageOptions, 'storage' | 'dataDir'>>): Promise<FlashQ>;
	/**
	 * Simulated power loss through the storage's fault-injection layer: everything written but not
	 * fsynced is lost, the engine is abandoned without a clean close, and nothing is reopened yet.
	 * Call `reopen` afterwards to run recovery. File storage only.
	 */
	powerLoss(mode?: PowerLossMode): Promise<PowerLossReport>;
	/** Closes the engine cleanly (releasing its lock) without reopening; `reopen` brings it back. */
	close(): Promise<void>;
	/** Opens another engine with these options (e.g. a second instance on the same directory); closed when the step ends. */
	openOther(options: StorageOptions): Promise<FlashQ>;
	/** Records a fact: shown in the explanation and compared by the tests. */
	fact<K extends keyof F & string>(name: K, value: F[K]): void;
	/** Records a timing (ms): shown in the explanation, excluded from the facts tests compare. */
	measure(name: string, ms: number): void;
	/** Facts recorded so far in this lesson (earlier steps included). */
	readonly facts: Readonly<Partial<F>>;
	/** Events the engine(s) reported since this step began (flushes the hub first). */
	events(): FlashQEvent[];
	/**
	 * A pause between two actions so the class sees a change happen (a figure climbing). Only the
	 * interactive tour waits; `--once`, the docs and the tests run at full speed.
	 */
	pace(): Promise<void>;
}

/** A figure a step's text cites, as the pane it points at draws it (e.g. WAL: "commits 1"). */
export interface Claim {
	/** A pane, or the one-line header above them. */
	pane: PaneTitle | 'Header';
	/** The pane's own wording, compared with runs of spaces collapsed (e.g. "hits 10  misses 0"). */
	text: string;
	/** The text starts one of the pane's lines (a table row: the Records pane's offset column). */
	start?: boolean;
}

export interface Step<F extends Facts = Facts> {
	/** A short name for the step, shown after "Step i/k". */
	title: string;
	/** What is about to happen and what to watch for. */
	before: string;
	/** Panes that change in this step. */
	highlight: readonly PaneTitle[];
	/**
	 * The topic this step is about: the app puts every topic-scoped pane (Records, WAL, Cache,
	 * Offset Index) on it and scrolls Topics to it, so the panes show what the text talks about.
	 * A function reads the facts recorded so far (this step's too, once it has run).
	 */
	topic?: string | ((facts: Readonly<Partial<F>>) => string | null);
	question?: Question;
	run(ctx: StepContext<F>): Promise<void>;
	/**
	 * One or two sentences with real numbers, from the lesson's facts: this step's and earlier
	 * steps' are recorded by then (a step reads no later step's facts).
	 */
	after(facts: Readonly<F>, measured: Readonly<Measurements>): string;
	/**
	 * Every figure `after` cites, as the panes draw it once the step has run: the fidelity test
	 * looks for each in its pane, and a unit test checks `after` cites no number not listed here.
	 */
	cites?(facts: Readonly<F>, measured: Readonly<Measurements>): readonly Claim[];
}

export interface Lesson<F extends Facts = Facts> {
	id: string;
	title: string;
	/** One line for the lesson list and the docs. */
	summary: string;
	/** 'file': the lesson needs file storage whatever the tour was started with. */
	storage: 'file' | 'any';
	/** File storage options for this lesson (sync mode, threshold, cache size...). */
	options?: Partial<Omit<FileStorageOptions, 'storage' | 'dataDir'>>;
	/**
	 * Run on the storage's fault-injecting file layer (an in-memory file system that knows what
	 * each fsync made durable) instead of the real disk, so `powerLoss` can drop unsynced bytes.
	 */
	faults?: boolean;
	steps: readonly Step<F>[];
}
