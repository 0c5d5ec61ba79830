/**
 * A tmux session running one command, for end-to-end tests and screenshots of the real TUI.
 * Every session runs on its own tmux server (socket), started with a clean environment: Ink
 * renders only the final frame when it thinks it runs in CI, so CI variables are dropped.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {INTERACTIVE_PACING} from '../../source/ui/tour/runner.js';

export function hasTmux(): boolean {
	return spawnSync('tmux', ['-V'], {stdio: 'ignore'}).status === 0;
}

/** The environment without CI markers (is-in-ci looks at CI, CONTINUOUS_INTEGRATION and CI_*). */
export function interactiveEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_') || key === 'TMUX') continue;
		env[key] = value;
	}
	return {...env, TERM: 'xterm-256color', FORCE_COLOR: '3', ...extra};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export const EXIT_MARKER = '__FLASHQ_EXIT__';

export class TmuxSession {
	private readonly socket: string;
	private closed = false;

	constructor(
		readonly name: string,
		private readonly width = 160,
		private readonly height = 45,
	) {
		this.socket = `flashq-${name}-${process.pid}`;
	}

	private tmux(args: string[]): string {
		return execFileSync('tmux', ['-L', this.socket, ...args], {encoding: 'utf8', env: interactiveEnv(), stdio: ['ignore', 'pipe', 'pipe']});
	}

	/** Starts `argv` in `cwd`; when it ends, the pane shows the exit marker and its code. */
	start(argv: readonly string[], cwd: string, env: Record<string, string> = {}): void {
		const exports = Object.entries(env)
			.map(([k, v]) => `${k}=${quote(v)} `)
			.join('');
		const command = `cd ${quote(cwd)} && ${exports}${argv.map(quote).join(' ')}; echo ${EXIT_MARKER}$?; sleep 600`;
		this.tmux(['new-session', '-d', '-s', this.name, '-x', String(this.width), '-y', String(this.height), command]);
		// Keep the size we asked for even though no client is attached.
		this.tmux(['set-option', '-t', this.name, 'window-size', 'manual']);
	}

	/** The screen as text (`colors`: with SGR escapes, as capture-pane -e gives them). */
	capture(colors = false): string {
		return this.tmux(['capture-pane', '-p', ...(colors ? ['-e'] : []), '-t', this.name]);
	}

	/** Sends ONE key (tmux key name, e.g. `Enter`, `Escape`, `Down`, `q`): several arrive as one chunk. */
	key(name: string): void {
		this.tmux(['send-keys', '-t', this.name, name]);
	}

	/** Types literal text in one chunk (as a paste). */
	text(value: string): void {
		this.tmux(['send-keys', '-t', this.name, '-l', value]);
	}

	resize(width: number, height: number): void {
		this.tmux(['resize-window', '-t', this.name, '-x', String(width), '-y', String(height)]);
	}

	/** Waits until the screen satisfies `test`; throws with the last screen on timeout. */
	async waitFor(test: string | RegExp | ((screen: string) => boolean), timeoutMs = 10_000): Promise<string> {
		const check = typeof test === 'function' ? test : (screen: string) => (typeof test === 'string' ? screen.includes(test) : test.test(screen));
		const until = Date.now() + timeoutMs;
		let screen = '';
		while (Date.now() < until) {
			screen = this.capture();
			if (check(screen)) return screen;
			await sleep(50);
		}
		throw new Error(`tmux screen never showed ${String(test)}; last screen:\n${screen}`);
	}

	/** Sends one key and waits for the screen to change (or `expect` to show). */
	async press(name: string, expect?: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string> {
		const before = this.capture();
		this.key(name);
		return this.waitFor(expect ?? ((screen) => screen !== before), timeoutMs);
	}

	async type(value: string, timeoutMs?: number): Promise<string> {
		this.text(value);
		return this.waitFor(value.length > 0 ? value.slice(0, 20) : () => true, timeoutMs);
	}

	/** The exit code once the command has ended. */
	async exitCode(timeoutMs = 10_000): Promise<number> {
		const screen = await this.waitFor(new RegExp(`${EXIT_MARKER}\\d+`), timeoutMs);
		return Number(new RegExp(`${EXIT_MARKER}(\\d+)`).exec(screen)![1]);
	}

	kill(): void {
		if (this.closed) return;
		this.closed = true;
		try {
			this.tmux(['kill-server']);
		} catch {
			// Already gone.
		}
	}
}

/** Where the guided tour is on a screen: lesson and step from the header, and the step's phase (from the panel's hint line). */
export function tourWhere(screen: string): {lesson: number; step: number; ran: boolean; ready: boolean; predict: boolean} {
	const m = /Lesson (\d+)\/\d+ {2}Step (\d+)\/(\d+)/.exec(screen);
	return {
		lesson: Number(m?.[1] ?? 0),
		step: Number(m?.[2] ?? 0),
		ran: /n\/Space (next step|next lesson|finish) ·/.test(screen),
		ready: /n\/Space run( this step)? ·/.test(screen),
		predict: /predict · n\/Space run ·/.test(screen),
	};
}

/**
 * One screen forward in the tour with real keys, waiting for each to show: answer a showing
 * question (`answer`, default 1), run the step (n), or go on to the next step or lesson (n).
 */
export async function tourForward(s: TmuxSession, answer = '1'): Promise<void> {
	const settled = (screen: string) => {
		const where = tourWhere(screen);
		return where.ready || where.ran;
	};
	// A capture can land between two frames or while a step still runs (lesson steps do real file
	// I/O, seconds on a loaded machine): decide only on a settled screen.
	const here = tourWhere(await s.waitFor(settled, 30_000));
	if (here.predict) await s.press(answer, (screen) => !tourWhere(screen).predict);
	const done = here.ready
		? (screen: string) => tourWhere(screen).ran
		: (screen: string) => {
				const next = tourWhere(screen);
				return next.ready && (next.lesson !== here.lesson || next.step !== here.step);
			};
	// The tour swallows an n sooner than its reading time after the text appeared (a double n).
	await new Promise((resolve) => setTimeout(resolve, INTERACTIVE_PACING.minReadMs));
	try {
		await s.press('n', done, 15_000);
	} catch {
		const now = tourWhere(await s.waitFor(settled, 30_000));
		if (now.lesson !== here.lesson || now.step !== here.step || now.ran !== here.ran) return; // moved on
		// Still the same settled screen: the key was lost; send it once more.
		await s.press('n', done, 30_000);
	}
}
