import type {FlashQ} from '../../engine/flashq.js';
import type {FlashQEvent} from '../../core/events.js';
import type {FactValue, Facts, Lesson, Measurements, PaneTitle, Question, StepContext} from './lesson.js';
import {createRandom, deriveSeed} from './random.js';
import {TourSession} from './session.js';

export type TourPhase = 'idle' | 'before' | 'running' | 'after' | 'error' | 'finished';

/** Everything a view needs to draw the tour; a new object whenever anything changes. */
export interface TourSnapshot {
	seed: number;
	/** 0-based; the header shows lessonIndex + 1. */
	lessonIndex: number;
	lessonCount: number;
	lessonTitle: string;
	/** The lesson's intro sentence, shown with its first step until that has run (null otherwise). */
	intro: string | null;
	stepIndex: number;
	stepCount: number;
	stepTitle: string;
	phase: TourPhase;
	/** True while steps 1..i-1 are replayed after `back` or `restart`. */
	replaying: boolean;
	before: string;
	after: string | null;
	highlight: readonly PaneTitle[];
	/** The topic the step is about: the app shows it in every topic-scoped pane (null: leave the selection). */
	topic: string | null;
	question: Question | null;
	/** The key the learner chose, or null. */
	answer: string | null;
	/** Whether the prediction was right, once the step has run with an answer. */
	correct: boolean | null;
	error: string | null;
	/** A command (run, replay) is in progress; further keys are ignored until it ends. */
	busy: boolean;
	/** The live engine (a new object after a reopen or a lesson change: re-subscribe when it changes). */
	engine: FlashQ | null;
	/** Bumped on every engine replacement. */
	engineGeneration: number;
	dataDir: string | null;
	/** `Lesson N/M  Step i/k`, ready for the header. */
	header: string;
}

export interface TourOptions {
	lessons: readonly Lesson[];
	/** Seed of every generated record and choice (default 1). */
	seed?: number;
	storage?: 'file' | 'memory';
	/** Lesson directories are made inside it (default: the system temp directory). */
	dataDir?: string;
	eventFlushIntervalMs?: number;
	/** The pause a step's `ctx.pace()` makes (default 0: `--once`, docs and tests run at full speed). */
	paceMs?: number;
	/**
	 * A key's `next` is ignored until the showing text (a step's plan or its result) has been on
	 * screen this long, so a fast double key never skips an explanation (default 0; see `readyForNext`).
	 */
	minReadMs?: number;
	/** The clock `minReadMs` is measured with (tests). */
	now?: () => number;
	/** How `pace` waits (tests). */
	sleep?: (ms: number) => Promise<void>;
}

/** What the interactive tour uses: posts a quarter second apart, and a result shown at least 0.8 s before `n` moves on. */
export const INTERACTIVE_PACING = {paceMs: 250, minReadMs: 800} as const satisfies Pick<TourOptions, 'paceMs' | 'minReadMs'>;

type Listener = () => void;

/**
 * Drives the lessons: which lesson and step is showing, running a step on the live engine, going
 * back by replaying from the lesson's start on a fresh directory, and answering predictions.
 * Pure TypeScript; a React view reads `snapshot()` through `subscribe()` (useSyncExternalStore).
 * Commands are serialised; a command issued while one runs is ignored (a double `n` must not skip).
 */
export class TourRunner {
	readonly seed: number;
	private readonly lessons: readonly Lesson[];
	private readonly session: TourSession;
	private readonly listeners = new Set<Listener>();
	private lessonIndex = 0;
	private stepIndex = 0;
	private phase: TourPhase = 'idle';
	private replaying = false;
	private facts: Facts = {};
	private measured: Measurements = {};
	private afterText: string | null = null;
	private error: string | null = null;
	private answers = new Map<number, string>();
	private stepEvents: FlashQEvent[] = [];
	private busy: Promise<void> | null = null;
	private current: TourSnapshot;
	private readonly paceMs: number;
	private readonly minReadMs: number;
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;
	/** When the showing text (before or after) appeared. */
	private shownAt = -Infinity;

	constructor(options: TourOptions) {
		if (options.lessons.length === 0) throw new Error('a tour needs at least one lesson');
		this.lessons = options.lessons;
		this.seed = options.seed ?? 1;
		const sessionOptions: ConstructorParameters<typeof TourSession>[0] = {
			onEvents: (events) => {
				for (const event of events) this.stepEvents.push(event);
			},
		};
		if (options.storage) sessionOptions.storage = options.storage;
		if (options.dataDir) sessionOptions.baseDir = options.dataDir;
		if (options.eventFlushIntervalMs !== undefined) sessionOptions.eventFlushIntervalMs = options.eventFlushIntervalMs;
		this.session = new TourSession(sessionOptions);
		this.paceMs = options.paceMs ?? 0;
		this.minReadMs = options.minReadMs ?? 0;
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
		this.current = this.build();
	}

	snapshot(): TourSnapshot {
		return this.current;
	}

	subscribe(listener: Listener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	get engine(): FlashQ | null {
		return this.session.engine;
	}

	get isBusy(): boolean {
		return this.busy !== null;
	}

	/** The facts recorded so far in the current lesson. */
	lessonFacts(): Readonly<Facts> {
		return this.facts;
	}

	/** Timings recorded so far in the current lesson (vary between runs). */
	lessonMeasurements(): Readonly<Measurements> {
		return this.measured;
	}

	/** The fault layer's in-memory disk when the current lesson runs on one (to look at its files directly). */
	get faultIo() {
		return this.session.layer?.io ?? null;
	}

	/** Opens lesson `index` (0-based) at its first step on a fresh engine. */
	start(index = 0): Promise<void> {
		return this.command(() => this.replayTo(index, 0));
	}

	/** before → run the step → after → next step (or next lesson). */
	next(): Promise<void> {
		return this.command(async () => {
			if (this.phase === 'idle') return this.replayTo(this.lessonIndex, 0);
			if (this.phase === 'before') return this.runCurrent();
			if (this.phase !== 'after') return;
			const lesson = this.lesson();
			if (this.stepIndex + 1 < lesson.steps.length) {
				this.stepIndex++;
				this.enterBefore();
			} else if (this.lessonIndex + 1 < this.lessons.length) {
				await this.replayTo(this.lessonIndex + 1, 0);
			} else {
				this.phase = 'finished';
				this.emit();
			}
		});
	}

	/**
	 * Whether a key may move on: the showing text (a step's plan or its result) has been on screen
	 * `minReadMs`. A key sooner than that was meant for the screen before (the second n of a double n).
	 */
	readyForNext(): boolean {
		return !((this.phase === 'before' || this.phase === 'after') && this.now() - this.shownAt < this.minReadMs);
	}

	/** Back one screen: from a step's result to the same step before it ran, or to the previous step. */
	back(): Promise<void> {
		return this.command(async () => {
			if (this.phase === 'after' || this.phase === 'error' || this.phase === 'finished') {
				return this.replayTo(this.lessonIndex, this.stepIndex);
			}
			if (this.stepIndex > 0) return this.replayTo(this.lessonIndex, this.stepIndex - 1);
			if (this.lessonIndex > 0) {
				const previous = this.lessonIndex - 1;
				return this.replayTo(previous, this.lessons[previous]!.steps.length - 1);
			}
		});
	}

	restart(): Promise<void> {
		return this.command(() => this.replayTo(this.lessonIndex, 0));
	}

	goToLesson(index: number): Promise<void> {
		if (index < 0 || index >= this.lessons.length) return Promise.resolve();
		return this.command(() => this.replayTo(index, 0));
	}

	/** Records a prediction for the showing step; true when `key` is one of its choices. */
	answer(key: string): boolean {
		if (this.phase !== 'before' || this.busy) return false;
		const question = this.lesson().steps[this.stepIndex]!.question;
		if (!question || !question.choices.some((choice) => choice.key === key)) return false;
		this.answers.set(this.stepIndex, key);
		this.emit();
		return true;
	}

	/**
	 * Leaves the tour keeping the engine and its directory for free exploration: the caller owns
	 * the returned engine (and should close it). Call `dispose` afterwards to clean up the rest.
	 * `io` is the fault layer's in-memory disk when the lesson ran on one (give it to the byte
	 * inspector); `dataDir` is then null, as nothing of it is on the real disk.
	 */
	leave(): ReturnType<TourSession['detach']> {
		const kept = this.session.detach();
		this.phase = 'idle';
		this.emit();
		return kept;
	}

	/** Closes the engine(s) and removes the tour's directories. */
	async dispose(): Promise<void> {
		if (this.busy) await this.busy.catch(() => undefined);
		await this.session.dispose();
		this.listeners.clear();
	}

	/** Runs a whole lesson from its start; returns its facts and explanations (tests, docs, `--once`). */
	async playLesson(index: number): Promise<{facts: Facts; measured: Measurements; after: string[]}> {
		await this.start(index);
		const after: string[] = [];
		for (let step = 0; step < this.lessons[index]!.steps.length; step++) {
			await this.next();
			if (this.phase === 'error') throw new Error(`lesson ${index + 1} step ${step + 1}: ${this.error}`);
			after.push(this.afterText ?? '');
			if (step + 1 < this.lessons[index]!.steps.length) await this.next();
		}
		return {facts: {...this.facts}, measured: {...this.measured}, after};
	}

	private lesson(): Lesson {
		return this.lessons[this.lessonIndex]!;
	}

	private command(operation: () => Promise<void>): Promise<void> {
		if (this.busy) return Promise.resolve();
		const running = (async () => {
			try {
				await operation();
			} catch (error) {
				this.phase = 'error';
				this.replaying = false;
				this.error = error instanceof Error ? error.message : String(error);
			}
		})();
		this.busy = running.finally(() => {
			this.busy = null;
			this.emit();
		});
		this.emit();
		return this.busy;
	}

	/** Fresh engine for `lesson`, then steps [0, step) run silently: the state step `step` expects. */
	private async replayTo(lessonIndex: number, stepIndex: number): Promise<void> {
		const keepAnswers = lessonIndex === this.lessonIndex;
		this.lessonIndex = lessonIndex;
		this.stepIndex = 0;
		this.facts = {};
		this.measured = {};
		this.afterText = null;
		this.error = null;
		if (!keepAnswers) this.answers = new Map();
		for (const key of [...this.answers.keys()]) if (key >= stepIndex) this.answers.delete(key);
		const lesson = this.lesson();
		this.replaying = stepIndex > 0;
		this.phase = 'running';
		this.emit();
		const fresh: Parameters<TourSession['fresh']>[0] = {kind: lesson.storage, faults: lesson.faults ?? false, seed: deriveSeed(this.seed, lesson.id)};
		if (lesson.options) fresh.overrides = lesson.options;
		await this.session.fresh(fresh);
		for (let step = 0; step < stepIndex; step++) {
			this.stepIndex = step;
			await this.execute(step);
		}
		this.replaying = false;
		this.stepIndex = stepIndex;
		this.enterBefore();
	}

	private enterBefore(): void {
		this.shownAt = this.now();
		this.phase = 'before';
		this.afterText = null;
		this.error = null;
		this.emit();
	}

	private async runCurrent(): Promise<void> {
		this.phase = 'running';
		this.emit();
		await this.execute(this.stepIndex);
		this.afterText = this.lesson().steps[this.stepIndex]!.after(this.facts, this.measured);
		this.shownAt = this.now();
		this.phase = 'after';
		this.emit();
	}

	private async execute(stepIndex: number): Promise<void> {
		const lesson = this.lesson();
		const step = lesson.steps[stepIndex]!;
		const session = this.session;
		// Deliver what earlier steps emitted now, so this step's list holds only its own events.
		session.engine?.events.flush();
		this.stepEvents = [];
		const facts = this.facts;
		const measured = this.measured;
		const flushAll = () => {
			session.engine?.events.flush();
		};
		const context: StepContext = {
			get engine() {
				if (!session.engine) throw new Error('the engine is down (after a power loss, reopen it first)');
				return session.engine;
			},
			rng: createRandom(deriveSeed(this.seed, lesson.id, stepIndex)),
			get dataDir() {
				return session.dataDir;
			},
			get storage() {
				return session.storage;
			},
			reopen: async (options) => {
				const engine = await session.reopen(options);
				this.emit();
				return engine;
			},
			powerLoss: async (mode) => {
				flushAll();
				const report = await session.powerLoss(mode);
				this.emit();
				return report;
			},
			close: async () => {
				flushAll();
				await session.close();
				this.emit();
			},
			openOther: (options) => session.openOther(options),
			fact: (name: string, value: FactValue) => {
				facts[name] = value;
			},
			measure: (name: string, ms: number) => {
				measured[name] = ms;
			},
			facts,
			events: () => {
				flushAll();
				return [...this.stepEvents];
			},
			// Replays (back, restart) catch up silently: only a step run in front of the class is paced.
			pace: () => (this.paceMs > 0 && !this.replaying ? this.sleep(this.paceMs) : Promise.resolve()),
		};
		try {
			await step.run(context);
		} finally {
			await session.closeOthers();
		}
	}

	private emit(): void {
		this.current = this.build();
		for (const listener of [...this.listeners]) listener();
	}

	private build(): TourSnapshot {
		const lesson = this.lessons[this.lessonIndex]!;
		const step = lesson.steps[this.stepIndex];
		const question = step?.question ?? null;
		const answer = this.answers.get(this.stepIndex) ?? null;
		const ran = this.phase === 'after';
		return {
			seed: this.seed,
			lessonIndex: this.lessonIndex,
			lessonCount: this.lessons.length,
			lessonTitle: lesson.title,
			// Before the first step runs; its result then needs the rows more (the panes it cites).
			intro: this.stepIndex === 0 && this.phase !== 'after' ? lesson.summary : null,
			stepIndex: this.stepIndex,
			stepCount: lesson.steps.length,
			stepTitle: step?.title ?? '',
			phase: this.phase,
			replaying: this.replaying,
			before: step?.before ?? '',
			after: this.afterText,
			highlight: step?.highlight ?? [],
			topic: typeof step?.topic === 'function' ? step.topic(this.facts) : (step?.topic ?? null),
			question,
			answer,
			correct: ran && question && answer !== null ? answer === question.answer : null,
			error: this.error,
			busy: this.busy !== null,
			engine: this.session.engine,
			engineGeneration: this.session.generation,
			dataDir: this.session.dataDir,
			header: `Lesson ${this.lessonIndex + 1}/${this.lessons.length}  Step ${this.stepIndex + 1}/${lesson.steps.length}`,
		};
	}
}
