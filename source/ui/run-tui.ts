import type {TuiOptions} from './tui-options.js';

export {NO_TTY_MESSAGE, type TuiOptions} from './tui-options.js';

/**
 * Runs the terminal UI until the user quits; resolves to the exit code. The caller closes the
 * engine and the server afterwards. `once` prints one frame and returns 0; without a TTY (and not
 * `once`) it prints a hint and returns 2 instead of letting Ink fail on raw mode.
 */
export async function runTui(options: TuiOptions): Promise<number> {
	// React's development build costs the engine about a third of its throughput while rendering;
	// React picks its build when first loaded, so decide before importing it (tests set NODE_ENV).
	// (Through a variable: the published bundle defines process.env.NODE_ENV as "production" and
	// would otherwise rewrite this line into an assignment to a constant.)
	const env = process.env;
	env['NODE_ENV'] ??= 'production';
	const {runTuiMain} = await import('./tui-main.js');
	return runTuiMain(options);
}
