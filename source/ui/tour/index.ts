/**
 * The guided tour (issue 6): lessons that run on a live FlashQ engine, one step at a time.
 *
 * Plug-in points for the app (source/ui, cli):
 *
 * 1. `--tour` / `t`: `const tour = new TourRunner({lessons: LESSONS, seed, storage, dataDir})`, then
 *    `await tour.start(0)`. `seed` comes from `--seed N` (default 1). `storage: 'memory'` keeps
 *    lessons 1 and 7 on memory; the others always use file storage. `dataDir` (optional) is where
 *    lesson directories are made (`flashq-tour-XXXXXX`); default: the system temp directory.
 * 2. Engine: the tour owns the engine while it runs. Read `snapshot.engine` and re-bind the TUI
 *    store whenever `snapshot.engineGeneration` changes (every lesson start, back/restart replay
 *    and reopen makes a new engine; it is null for a moment while one is replaced, and after a
 *    simulated power loss until recovery reopens it).
 * 3. View: `const snapshot = useTour(tour)`; App props:
 *      highlight={highlightedPanes(snapshot)}              (pane ids of `snapshot.highlight`)
 *      headerExtra={snapshot.header}                       ("Lesson N/M  Step i/k")
 *      bottomSlot={{rows: tourPanelRows(snapshot, columns), node: <TourPanel snapshot={snapshot} width={columns} />}}
 * 4. Keys: `useTourKeys(tour, onKey, isActive)`, or `handleTourKey(tour, input, key)` from App's
 *    `onKey` (return true unless it says 'ignored'): n/Space next, b back, r restart, digits answer
 *    the question, Esc → 'leave'. On 'leave', `const {engine} = tour.leave()` keeps the engine
 *    for free exploration (the app owns and closes it from then on; after the crash lesson its
 *    files live in the fault layer, which its storage keeps reading through), then
 *    `tour.dispose()` removes the other lesson directories. Re-entering: a new TourRunner.
 * 5. Quit while in the tour: `await tour.dispose()` closes the engine and removes its directories.
 * 6. Without a TTY (`--tour --once`): `process.stdout.write(await tourTranscript(LESSONS, {seed}))`
 *    prints every lesson, step by step, with the predictions and the real explanations.
 *
 * Byte inspector (`x` key): see source/ui/inspector/index.ts.
 */
export type {Choice, FactValue, Facts, Lesson, Measurements, PaneTitle, PowerLossMode, PowerLossReport, Question, Step, StepContext} from './lesson.js';
export {TOUR_PANES} from './lesson.js';
export {LESSONS} from './lessons/index.js';
export {createRandom, deriveSeed, mulberry32, type Random} from './random.js';
export {makeRecords} from './records.js';
export {TourRunner, type TourOptions, type TourPhase, type TourSnapshot} from './runner.js';
export {handleTourKey, type TourKey, type TourKeyAction} from './keys.js';
export {TourPanel, type TourPanelProps} from './tour-panel.js';
export {useTour, useTourKeys} from './use-tour.js';
export {highlightedPanes, tourPanelRows, wrappedLines} from './app-bridge.js';
export {tourTranscript, type TranscriptOptions} from './transcript.js';
