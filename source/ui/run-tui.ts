import type {FlashQ} from '../engine/flashq.js';
import type {ServerHandle} from '../server/types.js';

export interface TuiOptions {
	/** The app's engine (the caller closes it); null only when starting in the tour. */
	queue: FlashQ | null;
	server: ServerHandle | null;
	/** Print one frame of the current state to stdout and exit. */
	once?: boolean;
	/** Streams (tests, benchmarks); default process.stdin/stdout/stderr. */
	stdin?: NodeJS.ReadStream;
	stdout?: NodeJS.WriteStream;
	stderr?: NodeJS.WriteStream;
	/** Size of the --once frame (default: the terminal's, else 160x45). */
	size?: {columns: number; rows: number};
	/** How `t` (and `start`: --tour) makes a tour; default seed 1, file storage in the temp dir. */
	tour?: {seed: number; storage?: 'file' | 'memory'; dataDir?: string; start?: boolean};
}

export const NO_TTY_MESSAGE =
	'flashq-demo: the terminal UI needs an interactive terminal (stdin is not a TTY).\n' +
	'  Use --headless to run without the UI (e.g. with --serve), or --once to print one frame.\n';

/**
 * Runs the terminal UI until the user quits; resolves to the exit code. The caller closes the
 * engine and the server afterwards. `once` prints one frame and returns 0; without a TTY (and not
 * `once`) it prints a hint and returns 2 instead of letting Ink fail on raw mode.
 */
export async function runTui(options: TuiOptions): Promise<number> {
	// React's development build costs the engine about a third of its throughput while rendering;
	// React picks its build when first loaded, so decide before importing it (tests set NODE_ENV).
	process.env['NODE_ENV'] ??= 'production';
	const {runTuiMain} = await import('./tui-main.js');
	return runTuiMain(options);
}
