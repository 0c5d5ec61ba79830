/**
 * Renders an Ink tree on a fake terminal of a given size (ink-testing-library's is always 100
 * columns and has no rows), so a test can check what each view draws at 80x24, 100x30, 160x45.
 */
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import type {ReactElement} from 'react';
import stripAnsi from 'strip-ansi';
import {tick, waitFor} from './helpers.js';

class FakeStdout extends EventEmitter {
	readonly frames: string[] = [];
	isTTY = true;
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}
	write = (frame: string): boolean => {
		this.frames.push(frame);
		return true;
	};
}

class FakeStdin extends EventEmitter {
	isTTY = true;
	private data: string | null = null;
	write(data: string): void {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	}
	read = (): string | null => {
		const {data} = this;
		this.data = null;
		return data;
	};
	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

export interface SizedScreen {
	frame(): string;
	press(key: string): Promise<void>;
	see(text: string | RegExp, timeoutMs?: number): Promise<string>;
	resize(columns: number, rows: number): void;
	unmount(): void;
}

export async function renderSized(tree: ReactElement, columns: number, rows: number): Promise<SizedScreen> {
	const stdout = new FakeStdout(columns, rows);
	const stdin = new FakeStdin();
	const instance = render(tree, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: new FakeStdout(columns, rows) as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		// Each write is a whole frame (as ink-testing-library does it).
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	const frame = () => stripAnsi(stdout.frames.at(-1) ?? '').replace(/\n$/, '');
	const screen: SizedScreen = {
		frame,
		async press(key) {
			const before = stdout.frames.length;
			stdin.write(key);
			const until = Date.now() + 200;
			while (stdout.frames.length === before && Date.now() < until) await tick(5);
			await tick(20);
		},
		see(text, timeoutMs) {
			return waitFor(() => {
				const f = frame();
				if (typeof text === 'string' ? !f.includes(text) : !text.test(f)) throw new Error(`frame does not show ${String(text)}:\n${f}`);
				return f;
			}, timeoutMs);
		},
		resize(c, r) {
			stdout.columns = c;
			stdout.rows = r;
			stdout.emit('resize');
		},
		unmount() {
			instance.unmount();
		},
	};
	await tick(30);
	return screen;
}

/** What is wrong with a frame at a size: lines wider than the terminal, or more lines than it has. */
export function fitProblems(frame: string, columns: number, rows: number): string[] {
	const lines = frame.split('\n');
	const problems: string[] = [];
	if (lines.length > rows) problems.push(`${lines.length} lines for ${rows} rows`);
	lines.forEach((line, i) => {
		const width = [...line].length;
		if (width > columns) problems.push(`line ${i + 1} is ${width} wide: ${line}`);
	});
	return problems;
}
