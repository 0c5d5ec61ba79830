/**
 * The real TUI (TuiRoot over the tour's real engines) rendered by Ink into an in-memory terminal of
 * a given size, and a reader that cuts one pane's box out of the frame by its title. Unlike
 * ink-testing-library (a fixed 100-column stdout), the terminal is as wide as the layout, so the
 * frame is what a 160x45 terminal shows.
 */
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import React from 'react';
import stripAnsi from 'strip-ansi';
import {PANE_IDS, PANE_TITLES} from '../../../source/ui/layout.js';
import type {PaneTitle} from '../../../source/ui/tour/lesson.js';
import type {TourRunner} from '../../../source/ui/tour/runner.js';
import {TuiResources, TuiRoot} from '../../../source/ui/tui-root.js';

class Terminal extends EventEmitter {
	frame = '';
	constructor(
		readonly columns: number,
		readonly rows: number,
	) {
		super();
	}
	write = (frame: string) => {
		this.frame = frame;
	};
}

class Keyboard extends EventEmitter {
	isTTY = true;
	private data: string | null = null;
	write(data: string) {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	}
	read = () => {
		const data = this.data;
		this.data = null;
		return data;
	};
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

export interface TourScreen {
	/** The last frame, without colours. */
	frame(): string;
	/** Writes keys as a terminal would. */
	press(keys: string): void;
	unmount(): Promise<void>;
}

/** Mounts TuiRoot with `tour` running in it (as `--tour` starts it), at `columns`x`rows`. */
export function mountTour(tour: TourRunner, columns = 160, rows = 45): TourScreen {
	const stdout = new Terminal(columns, rows);
	const stdin = new Keyboard();
	const resources = new TuiResources();
	resources.tour = tour;
	const instance = render(<TuiRoot engine={null} tour={{seed: tour.seed}} resources={resources} size={{columns, rows}} storeOptions={{minIntervalMs: 10, heartbeatMs: 50}} />, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stderr: new Terminal(columns, rows) as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	return {
		frame: () => stripAnsi(stdout.frame),
		press: (keys) => stdin.write(keys),
		async unmount() {
			instance.unmount();
			await resources.dispose();
		},
	};
}

const TOP_LEFT = new Set(['╭', '╔', '┌']);
const TOP_RIGHT = new Set(['╮', '╗', '┐']);
const BOTTOM_LEFT = new Set(['╰', '╚', '└']);

/**
 * The inside of the pane titled `title` (e.g. "4 WAL"), one string per row, or null when the frame
 * draws no such pane. Found by its title row; its box is bounded by the corners around it.
 */
export function paneText(frame: string, title: PaneTitle): string[] | null {
	const id = PANE_IDS.find((p) => PANE_TITLES[p] === title);
	if (!id) return null;
	const label = `${PANE_IDS.indexOf(id) + 1} ${title}`;
	const lines = frame.split('\n').map((line) => Array.from(line));
	for (let row = 1; row < lines.length; row++) {
		const text = lines[row]!.join('');
		let at = text.indexOf(label);
		while (at >= 0) {
			// Column of the left border: the title sits after "│ " (code points, as the frame is drawn).
			const col = Array.from(text.slice(0, at)).length - 2;
			if (col >= 0 && TOP_LEFT.has(lines[row - 1]![col] ?? '')) return box(lines, row - 1, col);
			at = text.indexOf(label, at + 1);
		}
	}
	return null;
}

function box(lines: string[][], top: number, left: number): string[] {
	const topLine = lines[top]!;
	let right = left + 1;
	while (right < topLine.length && !TOP_RIGHT.has(topLine[right]!)) right++;
	const out: string[] = [];
	for (let row = top + 1; row < lines.length; row++) {
		const line = lines[row]!;
		if (BOTTOM_LEFT.has(line[left] ?? '')) break;
		out.push(line.slice(left + 1, right).join('').trim());
	}
	return out;
}
