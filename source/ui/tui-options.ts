/** What runTui (run-tui.ts) and its body (tui-main.tsx) share; a module of its own so neither imports the other. */
import type {LiveQueue} from '../engine/live-queue.js';
import type {ServerSource} from './store/tui-store.js';

export interface TuiOptions {
	/** The app's queue, in process or remote (the caller closes it); null only when starting in the tour. */
	queue: LiveQueue | null;
	/** The server the Server pane shows: this process's (--serve) or the connected one's. */
	server: ServerSource | null;
	/** SIGTERM, SIGHUP and SIGINT end the app as q does (default: only without a queue; otherwise the caller handles them). */
	endOnSignals?: boolean;
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
