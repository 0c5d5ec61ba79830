import {render, renderToString} from 'ink';
import React from 'react';
import type {FlashQ} from '../engine/flashq.js';
import type {ServerHandle} from '../server/types.js';
import {App} from './app.js';
import {errorMessage} from './format.js';
import {computeLayout} from './layout.js';
import {recordRows} from './panes/records-pane.js';
import {type Page, loadPage} from './records-source.js';
import {StoreContext} from './store/use-snapshot.js';
import {TuiStore} from './store/tui-store.js';

export interface TuiOptions {
	queue: FlashQ;
	server: ServerHandle | null;
	/** Print one frame of the current state to stdout and exit. */
	once?: boolean;
	/** Streams (tests); default process.stdin/stdout. */
	stdin?: NodeJS.ReadStream;
	stdout?: NodeJS.WriteStream;
	stderr?: NodeJS.WriteStream;
	/** Size of the --once frame (default: the terminal's, else 160x45). */
	size?: {columns: number; rows: number};
}

const ALT_SCREEN_ON = '\u001B[?1049h\u001B[H';
const ALT_SCREEN_OFF = '\u001B[?1049l';

export const NO_TTY_MESSAGE =
	'flashq-demo: the terminal UI needs an interactive terminal (stdin is not a TTY).\n' +
	'  Use --headless to run without the UI (e.g. with --serve), or --once to print one frame.\n';

/** The last page of the first topic, so a one-shot frame shows records. */
async function firstPage(queue: FlashQ, size: {columns: number; rows: number}, withServer: boolean): Promise<Page | null> {
	const topic = queue.topics()[0];
	if (!topic) return null;
	const layout = computeLayout(size.columns, size.rows, withServer);
	const box = layout.body.flatMap((c) => c.rows.flatMap((r) => r.panes)).find((p) => p.id === 'records');
	const pageSize = recordRows(box?.height ?? 10);
	return loadPage(queue, {topic: topic.name, start: 0, follow: false, filter: '', size: pageSize, highWaterMark: topic.highWaterMark});
}

/**
 * Runs the terminal UI until the user quits; resolves to the exit code. The caller closes the
 * engine and the server afterwards. `once` prints one frame and returns 0; without a TTY (and not
 * `once`) it prints a hint and returns 2 instead of letting Ink fail on raw mode.
 */
export async function runTui(options: TuiOptions): Promise<number> {
	const stdin = options.stdin ?? process.stdin;
	const stdout = options.stdout ?? process.stdout;
	const stderr = options.stderr ?? process.stderr;
	const store = new TuiStore(options.queue, options.server);

	if (options.once) {
		try {
			const size = options.size ?? {columns: stdout.isTTY ? stdout.columns : 160, rows: stdout.isTTY ? stdout.rows : 45};
			const initialPage = await firstPage(options.queue, size, options.server !== null).catch(() => null);
			store.publishNow();
			const frame = renderToString(
				<StoreContext.Provider value={store}>
					<App store={store} engine={options.queue} size={size} initialPage={initialPage} />
				</StoreContext.Provider>,
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

	store.start();
	stdout.write(ALT_SCREEN_ON);
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		stdout.write(ALT_SCREEN_OFF);
	};
	// If something kills the process without unmounting, do not leave the terminal in the alternate screen.
	process.once('exit', restore);
	try {
		// Whole-frame redraws inside synchronized-output brackets (Ink adds them on a TTY): Ink 6.8's
		// incremental mode mis-tracks lines when the layout changes (forms opening), leaving stale rows.
		const instance = render(
			<StoreContext.Provider value={store}>
				<App store={store} engine={options.queue} />
			</StoreContext.Provider>,
			{stdin, stdout, stderr, exitOnCtrlC: false, patchConsole: true, maxFps: 20, incrementalRendering: false},
		);
		await instance.waitUntilExit();
		instance.cleanup();
		return 0;
	} catch (error) {
		restore();
		stderr.write(`flashq-demo: the terminal UI failed: ${errorMessage(error)}\n`);
		return 1;
	} finally {
		store.close();
		restore();
		process.off('exit', restore);
	}
}
