/**
 * TUI overhead (issue 5): engine append throughput, batches of 100, with the terminal UI attached
 * and rendering (runTui on a fake 160x45 TTY, Records pane in follow mode, so every new record
 * causes a page reload and a frame) against the same workload headless (no UI, no listener), in
 * one run, interleaved. Target: attached >= 80% of headless.
 * The producer yields to the event loop every 10 batches, as a real producer (HTTP, timers) does;
 * without that the UI's timers would never run during the measurement and the figure would be
 * meaningless. Frames written per second are printed to show the UI really rendered.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {PassThrough, Writable} from 'node:stream';
import {FlashQ, type FlashQOptions} from '../source/engine/flashq.js';
import type {RecordInput} from '../source/engine/types.js';
import {runTui} from '../source/ui/run-tui.js';
import {figure, report, value} from './lib.js';

const BATCH = 100;
const SECONDS = 1.5;
const RUNS = 5;
const batch: RecordInput[] = Array.from({length: BATCH}, (_, i) => ({key: `key-${i % 10}`, value: value(100, i)}));
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** A terminal that discards output but counts frames (Ink writes one chunk per frame). */
class FakeTty extends Writable {
	isTTY = true;
	columns = 160;
	rows = 45;
	writes = 0;
	bytes = 0;
	override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
		this.writes++;
		this.bytes += chunk.length;
		callback();
	}
}

function fakeStdin(): NodeJS.ReadStream & PassThrough {
	const stdin = new PassThrough() as unknown as NodeJS.ReadStream & PassThrough;
	Object.assign(stdin, {isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin});
	return stdin;
}

async function produceFor(queue: FlashQ, seconds: number): Promise<number> {
	let records = 0;
	let batches = 0;
	const start = performance.now();
	const until = start + seconds * 1000;
	let now = start;
	while (now < until) {
		await queue.post('bench', batch);
		records += BATCH;
		if (++batches % 10 === 0) await yieldToLoop();
		now = performance.now();
	}
	return records / ((now - start) / 1000);
}

interface Mode {
	name: string;
	options(): {options: FlashQOptions; cleanup(): void};
}

const modes: Mode[] = [
	{name: 'memory', options: () => ({options: {storage: 'memory'}, cleanup: () => undefined})},
	{
		name: 'file/never',
		options: () => {
			const dir = mkdtempSync(path.join(tmpdir(), 'flashq-tui-bench-'));
			return {options: {storage: 'file', dataDir: dir, sync: 'never'} as FlashQOptions, cleanup: () => rmSync(dir, {recursive: true, force: true})};
		},
	},
];

async function headless(mode: Mode): Promise<number> {
	const {options, cleanup} = mode.options();
	const queue = await FlashQ.open(options);
	try {
		await produceFor(queue, 0.3); // warm-up
		return await produceFor(queue, SECONDS);
	} finally {
		await queue.close();
		cleanup();
	}
}

async function attached(mode: Mode): Promise<{rate: number; framesPerSecond: number}> {
	const {options, cleanup} = mode.options();
	const queue = await FlashQ.open(options);
	const stdin = fakeStdin();
	const stdout = new FakeTty();
	const stderr = new FakeTty() as unknown as NodeJS.WriteStream;
	try {
		await queue.post('bench', batch);
		const done = runTui({queue, server: null, stdin, stdout: stdout as unknown as NodeJS.WriteStream, stderr});
		// Wait for the first frame (React and Ink load on the first runTui).
		while (stdout.writes === 0) await new Promise((resolve) => setTimeout(resolve, 20));
		await new Promise((resolve) => setTimeout(resolve, 200));
		// Focus Records and follow the tail: the most render work per appended record.
		for (const key of ['2', 'f']) {
			stdin.write(key);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		await produceFor(queue, 0.5); // warm-up (JIT of the render path too)
		const writesBefore = stdout.writes;
		const start = performance.now();
		const rate = await produceFor(queue, SECONDS);
		const framesPerSecond = (stdout.writes - writesBefore) / ((performance.now() - start) / 1000);
		stdin.write('q');
		const code = await done;
		if (code !== 0) throw new Error(`runTui returned ${code}`);
		return {rate, framesPerSecond};
	} finally {
		await queue.close();
		cleanup();
	}
}

for (const mode of modes) {
	const base: number[] = [];
	const withUi: number[] = [];
	const frames: number[] = [];
	// Interleave so both see the same machine weather.
	for (let run = 0; run < RUNS; run++) {
		base.push(await headless(mode));
		globalThis.gc?.();
		const result = await attached(mode);
		withUi.push(result.rate);
		frames.push(result.framesPerSecond);
		globalThis.gc?.();
	}
	const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
	report({
		name: `${mode.name} append, batch ${BATCH}, TUI attached (follow mode)`,
		unit: 'records/s',
		value: median(withUi),
		baselineName: 'headless',
		baseline: median(base),
		targetRatio: 0.8,
	});
	figure(`${mode.name} TUI terminal writes while producing`, median(frames), 'writes/s', 'under load the UI stretches its frame interval to keep drawing within ~5% of the time (measured), at least one frame a second');
}
