import {render, renderToString} from 'ink';
import React from 'react';
import type {LiveQueue} from '../engine/live-queue.js';
import {App} from './app.js';
import {errorMessage} from './format.js';
import {computeLayout} from './layout.js';
import {recordRows} from './panes/records-pane.js';
import {type Page, loadPage} from './records-source.js';
import {TuiStore} from './store/tui-store.js';
import {NO_TTY_MESSAGE, type TuiOptions} from './tui-options.js';
import {TuiResources, TuiRoot, newTour} from './tui-root.js';

const ALT_SCREEN_ON = '\u001B[?1049h\u001B[H';
const ALT_SCREEN_OFF = '\u001B[?1049l';

/** The last page of the first topic, so a one-shot frame shows records. */
async function firstPage(queue: LiveQueue, size: {columns: number; rows: number}, withServer: boolean): Promise<Page | null> {
	// By name, as the Topics pane lists them.
	const topic = [...queue.stats().topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0];
	if (!topic) return null;
	const layout = computeLayout(size.columns, size.rows, withServer);
	const box = layout.body.flatMap((c) => c.rows.flatMap((r) => r.panes)).find((p) => p.id === 'records');
	const pageSize = recordRows(box?.height ?? 10);
	return loadPage(queue, {topic: topic.name, start: 0, follow: false, filter: null, size: pageSize, highWaterMark: topic.highWaterMark});
}

/** The body of runTui (see run-tui.ts), loaded with React and Ink only when a UI is wanted. */
export async function runTuiMain(options: TuiOptions): Promise<number> {
	const stdin = options.stdin ?? process.stdin;
	const stdout = options.stdout ?? process.stdout;
	const stderr = options.stderr ?? process.stderr;
	if (options.once) {
		if (!options.queue) {
			stderr.write('flashq-demo: --once needs an engine (for the tour, --tour --once prints the transcript)\n');
			return 2;
		}
		const store = new TuiStore(options.queue, options.server);
		try {
			const size = options.size ?? {columns: stdout.isTTY ? stdout.columns : 160, rows: stdout.isTTY ? stdout.rows : 45};
			const initialPage = await firstPage(options.queue, size, options.server !== null).catch(() => null);
			store.publishNow();
			const frame = renderToString(
				<App store={store} engine={options.queue} size={size} initialPage={initialPage} />,
				{columns: size.columns},
			);
			stdout.write(`${frame}\n`);
			return 0;
		} catch (error) {
			stderr.write(`flashq-demo: could not render: ${errorMessage(error)}\n`);
			return 1;
		} finally {
			store.close();
		}
	}

	if (!stdin.isTTY || typeof (stdin as {setRawMode?: unknown}).setRawMode !== 'function') {
		stderr.write(NO_TTY_MESSAGE);
		return 2;
	}

	const resources = new TuiResources();
	const tourSettings = {seed: options.tour?.seed ?? 1, ...(options.tour?.storage ? {storage: options.tour.storage} : {}), ...(options.tour?.dataDir ? {dataDir: options.tour.dataDir} : {})};
	if (options.tour?.start || !options.queue) {
		// The first lesson's engine is open before the first frame, so the panes show it at once.
		resources.tour = newTour(tourSettings);
		await resources.tour.start(0);
	}
	let store: TuiStore | null = null;
	stdout.write(ALT_SCREEN_ON);
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		// Show the cursor and leave the alternate screen; cooked mode again in case Ink never unmounted.
		stdout.write(`\u001B[?25h${ALT_SCREEN_OFF}`);
		try {
			(stdin as {setRawMode?: (mode: boolean) => void}).setRawMode?.(false);
		} catch {
			// The terminal is gone already.
		}
	};
	// If something ends the process without unmounting (SIGTERM handler, process.exit), do not
	// leave the terminal in the alternate screen or in raw mode.
	process.once('exit', restore);
	try {
		// Whole-frame redraws inside synchronized-output brackets (Ink adds them on a TTY): Ink 6.8's
		// incremental mode mis-tracks lines when the layout changes (forms opening), leaving stale rows.
		const instance = render(
			<TuiRoot engine={options.queue} server={options.server} tour={tourSettings} resources={resources} onStore={(made) => (store = made)} />,
			{
				stdin,
				stdout,
				stderr,
				exitOnCtrlC: false,
				patchConsole: true,
				maxFps: 20,
				incrementalRendering: false,
				// Render cost feeds the store's frame budget: a busy engine gets fewer, not slower, frames.
				onRender: ({renderTime}) => store?.reportRenderTime(renderTime),
			},
		);
		// With no engine of the caller's (--tour) or a remote one, no one else handles signals: a SIGTERM or SIGHUP
		// ends the app the way q does, so the tour's engines close and its directories go.
		const onSignal = () => instance.unmount();
		const signals: NodeJS.Signals[] = (options.endOnSignals ?? !options.queue) ? ['SIGTERM', 'SIGHUP', 'SIGINT'] : [];
		for (const signal of signals) process.on(signal, onSignal);
		try {
			await instance.waitUntilExit();
		} finally {
			for (const signal of signals) process.off(signal, onSignal);
		}
		instance.cleanup();
		return 0;
	} catch (error) {
		restore();
		stderr.write(`flashq-demo: the terminal UI failed: ${errorMessage(error)}\n`);
		return 1;
	} finally {
		// Quitting in the tour: its engine closes and its directories go; kept engines close too.
		await resources.dispose();
		restore();
		process.off('exit', restore);
	}
}
