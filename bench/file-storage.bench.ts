/**
 * File-storage benchmarks (issue 3), each against a raw-file-system baseline measured in the same
 * run. Every figure goes through the public API (FlashQ.open, post, poll: validation, timestamps,
 * counters and events included), on a temp dir.
 * FLASHQ_BENCH_RSS_MIB sets the write-then-read-back volume (default 2048 MiB, as the issue asks).
 */
import fs from 'node:fs';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {FlashQ} from '../source/engine/flashq.js';
import type {RecordInput} from '../source/engine/types.js';
import {validateBatch} from '../source/engine/validation.js';
import type {FileStorageOptions} from '../source/storage/types.js';
import {figure, report, value} from './lib.js';

const dirs: string[] = [];
const freshDir = () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'flashq-bench-'));
	dirs.push(dir);
	return dir;
};
process.on('exit', () => dirs.forEach((d) => rmSync(d, {recursive: true, force: true})));

const open = (dataDir: string, extra: Partial<FileStorageOptions> = {}): Promise<FlashQ> => FlashQ.open({storage: 'file', dataDir, ...extra});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const MiB = 1024 * 1024;
/** FLASHQ_BENCH_ONLY=1,3 runs only those sections (1 never-append, 2 always, 3 poll+reopen, 4 RSS). */
const only = process.env['FLASHQ_BENCH_ONLY']?.split(',');
const section = (n: number) => !only || only.includes(String(n));

// 1. sync never, batches of 500 x 1 KiB with keys, through the public API (FlashQ.post: validation,
// timestamps, counters, events included), against sequential writeSync of the same key+value bytes.
if (section(1)) {
	const batch: RecordInput[] = Array.from({length: 500}, (_, i) => ({key: `key-${i}`, value: value(1024, i)}));
	const bytes = validateBatch(batch);
	// BENCH_NEVER_MB per run (default 500, the volume); files are deleted after each run so dirty-page writeback does not pile up.
	const batches = Math.ceil((Number(process.env['BENCH_NEVER_MB'] ?? 500) * MiB) / bytes);
	const payload = batches * bytes;
	const ours: number[] = [];
	const raw: number[] = [];
	const runOurs = async () => {
		const dir = freshDir();
		const queue = await open(dir, {sync: 'never'});
		// The topic is created first, untimed: creating one fsyncs its new files and directory once (so
		// that its name file means "complete"), which on a busy disk takes 10-100 ms; no post fsyncs.
		await queue.post('bench', batch);
		const start = performance.now();
		for (let b = 0; b < batches; b++) await queue.post('bench', batch);
		const rate = payload / MiB / ((performance.now() - start) / 1000);
		await queue.close();
		rmSync(dir, {recursive: true, force: true});
		return rate;
	};
	const chunk = Buffer.from(batch.map((r) => `${r.key}${r.value}`).join(''));
	const runRaw = () => {
		const dir = freshDir();
		const fd = fs.openSync(path.join(dir, 'raw'), 'w');
		const start = performance.now();
		for (let b = 0, pos = 0; b < batches; b++, pos += chunk.length) fs.writeSync(fd, chunk, 0, chunk.length, pos);
		const rate = payload / MiB / ((performance.now() - start) / 1000);
		fs.closeSync(fd);
		rmSync(dir, {recursive: true, force: true});
		return rate;
	};
	await runOurs(); // warms the JIT
	for (let run = 0; run < 4; run++) {
		// Alternate the order so neither side always runs on a more tired machine.
		if (run % 2) {
			raw.push(runRaw());
			ours.push(await runOurs());
		} else {
			ours.push(await runOurs());
			raw.push(runRaw());
		}
		globalThis.gc?.();
	}
	if (process.env['FLASHQ_BENCH_VERBOSE']) console.log({ours, raw});
	report({name: 'never, FlashQ.post 500 x 1 KiB batches with keys', unit: 'MiB/s', value: median(ours), baselineName: 'raw writeSync of the same bytes', baseline: median(raw), targetRatio: 0.4});
	figure('never, FlashQ.post 500 x 1 KiB batches with keys', (median(ours) * MiB * 500) / bytes, 'records/s', 'original: 2,970 records/s');
}

// 2 and 3. sync always: one producer, one record per post; then 64 concurrent producers.
const RECORD = value(256, 1);
async function alwaysOps(producers: number, ms: number): Promise<number> {
	const queue = await open(freshDir(), {sync: 'always'});
	const records = [{value: RECORD}];
	await queue.post('bench', records); // creates the topic, untimed
	let ops = 0;
	const until = performance.now() + ms;
	const start = performance.now();
	await Promise.all(
		Array.from({length: producers}, async () => {
			while (performance.now() < until) {
				await queue.post('bench', records);
				ops++;
			}
		}),
	);
	const rate = ops / ((performance.now() - start) / 1000);
	await queue.close();
	return rate;
}

function rawFsyncOps(ms: number): number {
	const fd = fs.openSync(path.join(freshDir(), 'raw'), 'w');
	const buf = Buffer.from(RECORD + 'x'.repeat(48)); // about one frame
	let ops = 0;
	let pos = 0;
	const start = performance.now();
	while (performance.now() - start < ms) {
		fs.writeSync(fd, buf, 0, buf.length, pos);
		fs.fdatasyncSync(fd);
		pos += buf.length;
		ops++;
	}
	fs.closeSync(fd);
	return ops / ((performance.now() - start) / 1000);
}

/** The same loop with the asynchronous fdatasync (libuv thread pool) that a server must use. */
async function rawAsyncFsyncOps(ms: number): Promise<number> {
	const fd = fs.openSync(path.join(freshDir(), 'raw'), 'w');
	const buf = Buffer.from(RECORD + 'x'.repeat(48));
	let ops = 0;
	let pos = 0;
	const start = performance.now();
	while (performance.now() - start < ms) {
		fs.writeSync(fd, buf, 0, buf.length, pos);
		await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())));
		pos += buf.length;
		ops++;
	}
	fs.closeSync(fd);
	return ops / ((performance.now() - start) / 1000);
}

if (section(2)) {
	const ours: number[] = [];
	const raw: number[] = [];
	const rawAsync: number[] = [];
	const concurrent: number[] = [];
	for (let run = 0; run < 3; run++) {
		ours.push(await alwaysOps(1, 1500));
		raw.push(rawFsyncOps(1500));
		rawAsync.push(await rawAsyncFsyncOps(1500));
		concurrent.push(await alwaysOps(64, 1500));
	}
	report({name: 'always, 1 producer, 1 record per post', unit: 'posts/s', value: median(ours), baselineName: 'raw write + async fdatasync loop', baseline: median(rawAsync), targetRatio: 0.8});
	report({name: 'always, 1 producer, 1 record per post', unit: 'posts/s', value: median(ours), baselineName: 'raw write + fdatasyncSync loop', baseline: median(raw), targetRatio: 0.8});
	report({name: 'always, 64 concurrent producers, 1 record per post', unit: 'posts/s', value: median(concurrent), baselineName: 'raw write + fdatasyncSync loop', baseline: median(raw), targetRatio: 16});
}

// 4 and 5. Cold polls and reopen, 10 K vs 1 M records (100-byte values).
async function buildLog(records: number): Promise<string> {
	const dir = freshDir();
	const queue = await open(dir, {sync: 'never'});
	const batch = Array.from({length: 1000}, (_, i) => ({key: `k${i}`, value: value(100, i)}));
	for (let i = 0; i < records; i += 1000) await queue.post('bench', batch);
	await queue.close();
	return dir;
}

async function coldPollMs(dir: string, records: number): Promise<{pollMs: number; reopenMs: number}> {
	const polls: number[] = [];
	const reopens: number[] = [];
	let seed = 12345;
	const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
	for (let i = 0; i < 15; i++) {
		let start = performance.now();
		const queue = await open(dir, {sync: 'never'}); // a fresh queue: an empty record cache
		reopens.push(performance.now() - start);
		const from = Math.floor(random() * (records - 1000));
		start = performance.now();
		const got = (await queue.poll('bench', {fromOffset: from, maxRecords: 1000})).records;
		polls.push(performance.now() - start);
		if (got.length !== 1000 || got[0]!.offset !== from) throw new Error('bad poll');
		await queue.close();
	}
	return {pollMs: median(polls), reopenMs: median(reopens)};
}

if (section(3)) {
	const small = await buildLog(10_000);
	const large = await buildLog(1_000_000);
	const s = await coldPollMs(small, 10_000);
	const l = await coldPollMs(large, 1_000_000);
	report({name: 'cold poll of 1000 records at a random offset, 1 M-record log', unit: 'ms', value: l.pollMs, baselineName: 'same on a 10 K-record log', baseline: s.pollMs, lowerIsBetter: true, targetRatio: 0.667, note: "target: 1 M within 1.5x of 10 K"});
	report({name: 'reopen after clean close, 1 M-record log', unit: 'ms', value: l.reopenMs, baselineName: 'same for a 10 K-record log', baseline: s.reopenMs, lowerIsBetter: true});
	// What a scan would cost instead: reading the whole log file once.
	const logFile = path.join(large, 'topics', Buffer.from('bench').toString('hex'), 'log');
	const start = performance.now();
	const fd = fs.openSync(logFile, 'r');
	const buf = Buffer.allocUnsafe(MiB);
	for (let pos = 0, n = 1; n > 0; pos += n) n = fs.readSync(fd, buf, 0, MiB, pos);
	fs.closeSync(fd);
	const scanMs = performance.now() - start;
	report({name: 'reopen after clean close, 1 M-record log', unit: 'ms', value: l.reopenMs, baselineName: `raw read of the whole ${Math.round(fs.statSync(logFile).size / MiB)} MiB log (what a scan costs at least)`, baseline: scanMs, lowerIsBetter: true});
}

// 6. RSS while writing then reading back a large log.
if (section(4)) {
	const volumeMiB = Number(process.env['FLASHQ_BENCH_RSS_MIB'] ?? 2048);
	globalThis.gc?.();
	const before = process.memoryUsage().rss;
	let peak = before;
	const sample = () => {
		peak = Math.max(peak, process.memoryUsage().rss);
	};
	const dir = freshDir();
	const queue = await open(dir, {sync: 'never'});
	const batch: RecordInput[] = Array.from({length: 500}, (_, i) => ({value: value(1024, i)}));
	const batches = Math.ceil((volumeMiB * 1024) / 500);
	for (let b = 0; b < batches; b++) {
		await queue.post('bench', batch);
		if (b % 50 === 0) sample();
	}
	for (let from = 0, polls = 0; from < batches * 500; polls++) {
		const {records, nextOffset} = await queue.poll('bench', {fromOffset: from, maxRecords: 1000});
		if (records.length === 0) throw new Error('short read');
		from = nextOffset;
		if (polls % 50 === 0) sample();
	}
	sample();
	await queue.close();
	report({
		name: `peak RSS writing then reading back ${volumeMiB} MiB`,
		unit: 'MiB',
		value: peak / MiB,
		baselineName: 'RSS before',
		baseline: before / MiB,
		lowerIsBetter: true,
		note: `target: < 200 MiB absolute; ${peak / MiB < 200 ? 'MET' : 'MISSED'}`,
	});
}
