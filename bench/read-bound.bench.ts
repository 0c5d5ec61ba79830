/**
 * Read bound (issue 9, item 7): one default poll of a large file-storage topic, and six concurrent
 * ones, read cold (a fresh process, an empty record cache). Reported against baselines from the same
 * run: the event loop's longest block against a bare setImmediate loop of the same length, and the
 * RSS growth against the bytes the poll returned.
 * FLASHQ_BENCH_READ_MIB sets the topic size (default 200 MiB of 10 KiB values, posted 100 per batch);
 * FLASHQ_BENCH_NO_JSON=1 leaves out the JSON encoding of each result (the server's next step).
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {FlashQ} from '../source/index.js';
import type {PollResult} from '../source/index.js';
import {figure, report, value} from './lib.js';

const MiB = 1024 * 1024;
const VALUE_BYTES = 10 * 1024;
const BATCH = 100;
const volumeMiB = Number(process.env['FLASHQ_BENCH_READ_MIB'] ?? 200);
const [mode, dataDir] = process.argv.slice(2);
const open = (dir: string) => FlashQ.open({storage: 'file', dataDir: dir, sync: 'never'});

/** Longest event-loop block (ms) while `work` runs, sampled at 1 ms resolution. */
async function blocked<T>(work: () => Promise<T>): Promise<{result: T; maxMs: number; wallMs: number}> {
	const histogram = monitorEventLoopDelay({resolution: 1});
	histogram.enable();
	const start = performance.now();
	const result = await work();
	const wallMs = performance.now() - start;
	// One more turn so a block at the very end is recorded.
	await new Promise((resolve) => setTimeout(resolve, 5));
	histogram.disable();
	return {result, maxMs: histogram.max / 1e6, wallMs};
}

/** The baseline: a loop doing nothing but setImmediate for `ms` (its longest delay is the machine's noise). */
async function bareLoop(ms: number): Promise<number> {
	const {maxMs} = await blocked(async () => {
		const until = performance.now() + ms;
		while (performance.now() < until) await new Promise((resolve) => setImmediate(resolve));
	});
	return maxMs;
}

const bytesOf = (result: PollResult) => result.records.reduce((n, r) => n + Buffer.byteLength(r.value), 0);
const peakRssMiB = () => (process.resourceUsage().maxRSS * 1024) / MiB;

if (mode === 'fill') {
	const q = await open(dataDir!);
	const batches = Math.ceil((volumeMiB * MiB) / VALUE_BYTES / BATCH);
	for (let b = 0; b < batches; b++) {
		await q.post('big', Array.from({length: BATCH}, (_, i) => ({key: `k${b}-${i}`, value: value(VALUE_BYTES, b * BATCH + i)})));
	}
	await q.close();
} else if (mode === 'poll' || mode === 'poll6') {
	const q = await open(dataDir!);
	const hwm = q.topics()[0]!.highWaterMark;
	globalThis.gc?.();
	const rssBefore = process.memoryUsage().rss / MiB;
	const peakBefore = peakRssMiB();
	const polls = mode === 'poll' ? 1 : 6;
	const encode = process.env['FLASHQ_BENCH_NO_JSON'] === undefined;
	const {result, maxMs, wallMs} = await blocked(() =>
		Promise.all(
			Array.from({length: polls}, async (_, i) => {
				const r = await q.poll('big', {fromOffset: Math.floor((i * hwm) / polls)});
				// What the server does next with each result, on the same event loop.
				if (encode) JSON.stringify(r);
				return r;
			}),
		),
	);
	const peakGrowth = Math.max(0, peakRssMiB() - Math.max(rssBefore, peakBefore));
	// The median of three windows: on a shared machine one window can catch another process's burst.
	const bare = [await bareLoop(wallMs), await bareLoop(wallMs), await bareLoop(wallMs)].sort((a, b) => a - b);
	const baseline = bare[1]!;
	console.log(
		JSON.stringify({
			records: result.reduce((n, r) => n + r.records.length, 0),
			returnedMiB: result.reduce((n, r) => n + bytesOf(r), 0) / MiB,
			wallMs,
			maxBlockMs: maxMs,
			bareLoopMaxMs: baseline,
			rssGrowthMiB: peakGrowth,
		}),
	);
	await q.close();
} else {
	const dir = mkdtempSync(path.join(tmpdir(), 'flashq-bench-read-'));
	try {
		const self = fileURLToPath(import.meta.url);
		const run = (what: string) => {
			const child = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', self, what, dir], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']});
			if (child.status !== 0) throw new Error(`${what} failed: ${child.stdout}`);
			return child.stdout.trim().split('\n').at(-1)!;
		};
		run('fill');
		for (const what of ['poll', 'poll6'] as const) {
			// Each in a fresh process: an empty cache, and a peak RSS that is this poll's alone.
			const m = JSON.parse(run(what)) as {records: number; returnedMiB: number; wallMs: number; maxBlockMs: number; bareLoopMaxMs: number; rssGrowthMiB: number};
			const label = what === 'poll' ? 'one default poll' : 'six concurrent default polls';
			const encoding = process.env['FLASHQ_BENCH_NO_JSON'] === undefined ? ', + JSON encoding' : '';
			figure(`${label} of a ${volumeMiB} MiB topic (cold${encoding})`, m.records, 'records', `${m.returnedMiB.toFixed(1)} MiB of values in ${m.wallMs.toFixed(0)} ms`);
			report({name: `${label}: longest event-loop block`, unit: 'ms', value: m.maxBlockMs, baselineName: 'bare setImmediate loop as long', baseline: m.bareLoopMaxMs, lowerIsBetter: true});
			report({name: `${label}: peak RSS growth`, unit: 'MiB', value: m.rssGrowthMiB, baselineName: 'MiB of values returned', baseline: m.returnedMiB, lowerIsBetter: true});
		}
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}
