import {rm} from 'node:fs/promises';
import {Box, Text, useApp} from 'ink';
import React, {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {LiveQueue} from '../engine/live-queue.js';
import {FlashQ} from '../engine/flashq.js';
import {App} from './app.js';
import {KeypressProvider, useKeyLayer} from './input/keypress.js';
import type {KeyPress} from './input/parse-keys.js';
import {commandFor, GLOBAL_BINDINGS, SYSTEM_BINDINGS, TOUR_FOOTER_KEYS} from './keys.js';
import {type ServerSource, TuiStore, type TuiStoreOptions} from './store/tui-store.js';
import {highlightedPanes, tourPanelRows} from './tour/app-bridge.js';
import {tourKeyAction} from './tour/keys.js';
import {LESSONS} from './tour/lessons/index.js';
import {INTERACTIVE_PACING, type TourOptions, TourRunner, type TourSnapshot} from './tour/runner.js';
import {TourPanel} from './tour/tour-panel.js';
import {useTour} from './tour/use-tour.js';
import {type TerminalSize, useTerminalSize} from './use-terminal-size.js';

/** How a tour is made (`--seed`, `--storage`, `--data-dir`). */
export interface TourSettings {
	seed: number;
	storage?: 'file' | 'memory';
	/** Lesson directories are made inside it (default: the system temp directory). */
	dataDir?: string;
	/** Overrides the interactive pacing and reading time (tests that type faster than a reader). */
	pacing?: Pick<TourOptions, 'paceMs' | 'minReadMs'>;
}

export function newTour(settings: TourSettings): TourRunner {
	const options: ConstructorParameters<typeof TourRunner>[0] = {lessons: LESSONS, seed: settings.seed, ...INTERACTIVE_PACING, ...settings.pacing};
	if (settings.storage) options.storage = settings.storage;
	if (settings.dataDir) options.dataDir = settings.dataDir;
	return new TourRunner(options);
}

/**
 * What the root creates and the caller releases once the app has exited: the running tour (its
 * engine and directories) and the engines the root opened itself (the memory engine a tour started
 * by --tour leaves to). The caller's own engine is not in here: the caller opened it and closes it.
 */
export class TuiResources {
	tour: TourRunner | null = null;
	readonly kept: {engine: FlashQ; dataDir: string | null}[] = [];

	async dispose(): Promise<void> {
		const tour = this.tour;
		this.tour = null;
		await tour?.dispose().catch(() => undefined);
		const kept = this.kept.splice(0);
		await Promise.allSettled(kept.map((k) => k.engine.close()));
		// A kept lesson directory is scratch made by the tour (flashq-tour-XXXXXX): it goes too.
		await Promise.allSettled(kept.map((k) => (k.dataDir ? rm(k.dataDir, {recursive: true, force: true}) : undefined)));
	}
}

export interface TuiRootProps {
	/**
	 * The app's own queue (in process, or a RemoteQueue with --connect); null when the app starts in
	 * the tour (`resources.tour` is then set).
	 */
	engine: LiveQueue | null;
	server?: ServerSource | null;
	tour: TourSettings;
	resources: TuiResources;
	size?: TerminalSize;
	onQuit?: () => void;
	storeOptions?: TuiStoreOptions;
	/** A store made for a new engine (tests: to reach it). */
	onStore?: (store: TuiStore) => void;
}

/**
 * The TUI with the guided tour around it: picks the engine the panes show (the app's own, the
 * tour's current one), keeps one store bound to it, and routes the tour's keys. `t` starts a tour;
 * Esc leaves it, back to the user's engine.
 */
export function TuiRoot(props: TuiRootProps) {
	const {resources, server = null, onQuit} = props;
	const size = useTerminalSize(props.size);
	const [tour, setTour] = useState<TourRunner | null>(resources.tour);
	// The user's engine: the caller's, or (started by --tour) a memory one opened on leaving the tour.
	const [own, setOwn] = useState<LiveQueue | null>(props.engine);
	const leaving = useRef(false);
	const snapshot = useTour(tour);

	// The engine on screen. A tour replaces its engine on every lesson start, back, restart and
	// reopen (snapshot.engineGeneration counts them); between two, it has none for a moment: the
	// last one stays on screen until the next arrives.
	const last = useRef<LiveQueue | null>(props.engine);
	const live = tour ? (snapshot?.engine ?? null) : own;
	if (live) last.current = live;
	const engine = live ?? last.current;

	// One store per engine: re-bound whenever the engine changes (the server, if any, serves only
	// the app's own engine, so its pane goes with that one; the header says so during the tour).
	const storeOptions = props.storeOptions;
	const onStore = props.onStore;
	const store = useMemo(() => {
		if (!engine) return null;
		const made = new TuiStore(engine, engine === props.engine ? server : null, storeOptions);
		onStore?.(made);
		return made;
		// eslint-disable-next-line react-hooks/exhaustive-deps -- a new store only for a new engine: the callbacks' identities may change per render
	}, [engine]);
	useEffect(() => {
		if (!store) return;
		store.start();
		store.refresh();
		return () => store.close();
	}, [store]);

	const tourSettings = props.tour;
	const startTour = useCallback(() => {
		const runner = newTour(tourSettings);
		resources.tour = runner;
		setTour(runner);
		void runner.start(0);
	}, [resources, tourSettings]);

	// Esc goes back to the user's engine (the one a --serve server posts to), so what the panes show
	// is what the server serves; the lesson's engine and directories go. Started by --tour, there is
	// no engine of the user's: a fresh memory one opens, so the app stays usable.
	const leaveTour = useCallback(() => {
		if (!tour || leaving.current) return;
		leaving.current = true;
		const back = (engine: LiveQueue | null) => {
			leaving.current = false;
			setOwn(engine);
			resources.tour = null;
			setTour(null);
			void tour.dispose();
		};
		if (own) return back(own);
		FlashQ.open({storage: 'memory'}).then(
			(engine) => {
				resources.kept.push({engine, dataDir: null});
				back(engine);
			},
			() => back(null), // no engine then: the screen says so (t starts the tour again)
		);
	}, [tour, own, resources]);

	// The tour's keys, below open forms and views and above the panes; t starts a tour (and does
	// nothing while one runs).
	const onKey = (key: KeyPress): boolean => {
		const t = commandFor(GLOBAL_BINDINGS, key) === 'tour';
		if (tour) {
			const action = tourKeyAction(tour, key);
			if (action === 'leave') leaveTour();
			return action !== 'ignored' || t;
		}
		// With an engine on screen, t goes through the app's keys (which ignore it after a stray key).
		if (t && !engine) startTour();
		return t && !engine;
	};

	if (!engine || !store) {
		return (
			<KeypressProvider>
				<TourKeys onKey={onKey} />
				<NoEngine snapshot={snapshot} width={size.columns} onQuit={onQuit} />
			</KeypressProvider>
		);
	}

	const bottomSlot = snapshot ? {rows: tourPanelRows(snapshot, size.columns), node: <TourPanel snapshot={snapshot} width={size.columns} />} : null;
	const headerExtra = snapshot ? snapshot.header : own && own !== props.engine && own === engine ? 'a fresh memory engine (t: the tour again)' : undefined;
	// During the tour the panes show the lesson's engine, while a server still serves the user's.
	const serverLabel = snapshot && server ? `${server.url} (serves your queue, not the lesson's)` : undefined;
	// A queue elsewhere: the tour's lessons need engines of their own, in this process.
	const remote = props.engine?.connection !== undefined;
	const appProps = {
		store,
		engine,
		size: props.size ?? size,
		highlight: snapshot ? highlightedPanes(snapshot) : undefined,
		headerExtra,
		bottomSlot,
		extraFooterKeys: snapshot ? TOUR_FOOTER_KEYS : undefined,
		focusTopic: snapshot?.topic ?? null,
		...(remote ? {noTour: NO_REMOTE_TOUR} : {onTour: startTour}),
		...(serverLabel ? {serverLabel} : {}),
		...(onQuit ? {onQuit} : {}),
	};
	return (
		<KeypressProvider>
			<TourKeys onKey={onKey} />
			<App {...appProps} />
		</KeypressProvider>
	);
}

export const NO_REMOTE_TOUR = 'the tour runs on a local engine: start flashq-demo --tour';

/** Puts the tour's keys on the focus stack. */
function TourKeys({onKey}: {onKey: (key: KeyPress) => boolean}): null {
	useKeyLayer('tour', onKey);
	return null;
}

/** Only when no engine exists at all (a tour started by --tour whose first lesson failed to open). */
function NoEngine({snapshot, width, onQuit}: {snapshot: TourSnapshot | null; width: number; onQuit?: (() => void) | undefined}) {
	const {exit} = useApp();
	useKeyLayer('pane', (key) => {
		if (commandFor(GLOBAL_BINDINGS, key) !== 'quit' && commandFor(SYSTEM_BINDINGS, key) !== 'quit') return false;
		onQuit?.();
		exit();
		return true;
	});
	return (
		<Box flexDirection="column" width={width}>
			<Text>{snapshot?.busy ? 'Starting the tour...' : 'No engine is open. t starts the tour, q quits.'}</Text>
			{snapshot ? <TourPanel snapshot={snapshot} width={width} /> : null}
		</Box>
	);
}
