import {render} from 'ink-testing-library';
import React from 'react';
import stripAnsi from 'strip-ansi';
import type {FlashQ} from '../../source/engine/flashq.js';
import {App, type AppProps} from '../../source/ui/app.js';
import {type ServerSource, TuiStore, type TuiStoreOptions} from '../../source/ui/store/tui-store.js';
import {ESCAPE_WAIT_MS} from '../../source/ui/input/keypress.js';

export const KEY = {
	enter: '\r',
	escape: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	pageDown: '\u001B[6~',
	pageUp: '\u001B[5~',
	ctrlC: '\u0003',
} as const;

export const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it passes (or throws its last error after `timeoutMs`). */
export async function waitFor<T>(check: () => T, timeoutMs = 10_000): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		try {
			return check();
		} catch (error) {
			if (Date.now() > until) throw error;
			await tick(10);
		}
	}
}

export interface Rendered {
	frame(): string;
	/** Writes one key and lets Ink and React settle. */
	press(key: string): Promise<void>;
	/** Types text, one character per write (as a terminal delivers typing). */
	type(text: string): Promise<void>;
	/** Waits until the frame contains `text` (or matches), returns the frame. */
	see(text: string | RegExp, timeoutMs?: number): Promise<string>;
	/**
	 * Types `keys` (one write each) in the instant after the first frame that shows `text`, before
	 * React's passive effects run: a typist faster than the app's effects (a paste, tmux, a loaded
	 * machine). Resolves once they are written and the app settled.
	 */
	typeWhenShown(text: string | RegExp, keys: readonly string[]): Promise<void>;
	store: TuiStore;
	quits: number;
	unmount(): void;
}

/** Renders the whole App on an engine, the way runTui does, at a fixed terminal size. */
export async function renderApp(
	queue: FlashQ,
	options: {size?: {columns: number; rows: number}; server?: ServerSource | null; props?: Partial<AppProps>; store?: TuiStoreOptions} = {},
): Promise<Rendered> {
	const store = new TuiStore(queue, options.server ?? null, {minIntervalMs: 10, heartbeatMs: 50, ...options.store}).start();
	let quits = 0;
	const instance = render(
		<App store={store} engine={queue} size={options.size ?? {columns: 100, rows: 30}} onQuit={() => quits++} {...options.props} />,
	);
	const frame = () => stripAnsi(instance.lastFrame() ?? '');
	// Waits for the render a key causes (or a short while when it changes nothing), so the next
	// key is handled by the updated tree, as with a human typist.
	const settle = async (write: () => void) => {
		const before = instance.frames.length;
		write();
		const until = Date.now() + 150;
		while (instance.frames.length === before && Date.now() < until) await tick(5);
		await tick(10);
	};
	const rendered: Rendered = {
		frame,
		async press(key) {
			await settle(() => instance.stdin.write(key));
			// A lone ESC is the Escape key only once ESCAPE_WAIT_MS pass without more input: a key
			// written sooner makes it Alt+key, as in a terminal. A render of something else (a store
			// heartbeat) can end settle() before that, so wait it out here.
			if (key === KEY.escape) await tick(ESCAPE_WAIT_MS * 2);
		},
		async type(text) {
			// One chunk, as a paste or `tmux send-keys -l` delivers it.
			await settle(() => instance.stdin.write(text));
		},
		async see(text, timeoutMs) {
			return waitFor(() => {
				const f = frame();
				const ok = typeof text === 'string' ? f.includes(text) : text.test(f);
				if (!ok) throw new Error(`frame does not show ${String(text)}:\n${f}`);
				return f;
			}, timeoutMs);
		},
		typeWhenShown(text, keys) {
			const stdout = instance.stdout as unknown as {write: (frame: string) => void};
			const write = stdout.write;
			return new Promise<void>((resolve) => {
				stdout.write = (raw: string) => {
					write(raw);
					const shown = stripAnsi(raw);
					if (typeof text === 'string' ? !shown.includes(text) : !text.test(shown)) return;
					stdout.write = write;
					// A microtask runs after this commit and before the effects React scheduled for it.
					queueMicrotask(() => {
						for (const key of keys) instance.stdin.write(key);
						void tick(50).then(() => resolve());
					});
				};
			});
		},
		store,
		get quits() {
			return quits;
		},
		unmount() {
			instance.unmount();
			store.close();
		},
	};
	await tick(30);
	return rendered;
}

/** The text between a pane's title line and its bottom border (the pane's body, roughly). */
export function lineWith(frame: string, text: string): string {
	return frame.split('\n').find((line) => line.includes(text)) ?? '';
}
