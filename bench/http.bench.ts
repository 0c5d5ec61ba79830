/**
 * HTTP benchmarks (issue 4). The FlashQ server and the baseline run as child processes (the
 * real `node dist/cli.js --headless --serve 0`, memory storage; a bare node:http server answering
 * a fixed JSON); autocannon runs here, in the bench process, with the same settings for both.
 * Each figure is the median of several alternating rounds, each on a fresh server process.
 *
 *   1. single-record produce, 50 connections: req/s vs the bare server (target >= 70%)
 *   2. batches of 100 x 100 B records: records/s (target >= 300,000), vs the bare server fed the
 *      same bodies (its req/s x 100: the HTTP-only ceiling on this machine)
 *
 * On a shared two-core machine req/s swings with whatever else runs, so each case also reports
 * the server process's CPU time per request (user + system, from /proc), which load elsewhere
 * disturbs far less: the ratio of the two CPU costs is the server's own overhead.
 *
 * Settings: BENCH_HTTP_SECONDS (default 4) per round, BENCH_HTTP_ROUNDS (default 3).
 */
import {type ChildProcess, execFileSync, spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import autocannon from 'autocannon';
import {figure, report, value} from './lib.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.env['BENCH_HTTP_SECONDS'] ?? 4);
const rounds = Number(process.env['BENCH_HTTP_ROUNDS'] ?? 3);
const CONNECTIONS = 50;

const BARE_SERVER = `
const http = require('node:http');
const reply = JSON.stringify({offsets: [{offset: 0, timestamp: '2026-01-01T00:00:00.000Z'}]});
http.createServer((req, res) => {
	// Read the body like the real server does, then answer the fixed JSON.
	req.on('data', () => {});
	req.on('end', () => {
		res.writeHead(200, {'content-type': 'application/json', 'content-length': Buffer.byteLength(reply)});
		res.end(reply);
	});
}).listen(0, '127.0.0.1', function () {
	console.log('FlashQ listening on http://127.0.0.1:' + this.address().port);
});
`;

async function start(args: string[]): Promise<{url: string; proc: ChildProcess}> {
	const proc = spawn(process.execPath, args, {cwd: root, stdio: ['ignore', 'pipe', 'inherit']});
	const url = await new Promise<string>((resolve, reject) => {
		let out = '';
		proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
			out += d;
			const match = /listening on (http:\/\/\S+)/.exec(out);
			if (match) resolve(match[1]!);
		});
		proc.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
	});
	return {url, proc};
}

async function stop(proc: ChildProcess): Promise<void> {
	const exited = new Promise((resolve) => proc.on('exit', resolve));
	proc.kill('SIGTERM');
	await exited;
}

const flashq = () => start([path.join(root, 'dist/cli.js'), '--headless', '--serve', '0']);
const bare = () => start(['-e', BARE_SERVER]);

/** CPU time (user + system) the process has used, in microseconds; null where /proc is missing. */
function cpuMicros(pid: number | undefined): number | null {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms
	} catch {
		return null;
	}
}

interface Measured {
	rps: number;
	cpuPerRequestUs: number | null;
}

/** Requests/s over one run and the server's CPU per request; fails loudly if anything but 200 came back. */
async function load(url: string, body: string, pid: number | undefined): Promise<Measured> {
	const cpuBefore = cpuMicros(pid);
	const result = await autocannon({
		url: `${url}/topics/bench/records`,
		method: 'POST',
		headers: {'content-type': 'application/json'},
		body,
		connections: CONNECTIONS,
		duration: seconds,
	});
	if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
	const cpuAfter = cpuMicros(pid);
	return {
		rps: result.requests.average,
		cpuPerRequestUs: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / result.requests.total,
	};
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Alternating rounds (fresh server each), with a short warm-up; returns the medians. */
async function compare(body: string): Promise<{server: Measured; baseline: Measured}> {
	const server: Measured[] = [];
	const baseline: Measured[] = [];
	for (let round = 0; round < rounds; round++) {
		for (const [make, into] of [
			[bare, baseline],
			[flashq, server],
		] as const) {
			const {url, proc} = await make();
			try {
				await autocannon({url: `${url}/topics/bench/records`, method: 'POST', headers: {'content-type': 'application/json'}, body, connections: CONNECTIONS, duration: 1});
				into.push(await load(url, body, proc.pid));
			} finally {
				await stop(proc);
			}
		}
	}
	const summary = (runs: Measured[]): Measured => ({
		rps: median(runs.map((r) => r.rps)),
		cpuPerRequestUs: runs.some((r) => r.cpuPerRequestUs === null) ? null : median(runs.map((r) => r.cpuPerRequestUs!)),
	});
	return {server: summary(server), baseline: summary(baseline)};
}

function reportCpu(name: string, measured: {server: Measured; baseline: Measured}, perRequest: number): void {
	if (measured.server.cpuPerRequestUs === null || measured.baseline.cpuPerRequestUs === null) return;
	report({
		name: `${name}: server CPU per ${perRequest === 1 ? 'request' : `${perRequest} records`}`,
		unit: 'us',
		value: measured.server.cpuPerRequestUs,
		baselineName: 'bare node:http',
		baseline: measured.baseline.cpuPerRequestUs,
		lowerIsBetter: true,
		note: 'user + system time of the server process',
	});
}

if (!existsSync(path.join(root, 'dist/cli.js'))) execFileSync('npm', ['run', 'build'], {cwd: root, stdio: 'inherit'});

const note = `${CONNECTIONS} connections, ${seconds} s x ${rounds} rounds, median; server and baseline in child processes, autocannon in this process`;

const single = await compare(JSON.stringify({records: [{value: value(100)}]}));
report({
	name: 'HTTP produce, 1 record of 100 B',
	unit: 'req/s',
	value: single.server.rps,
	baselineName: 'bare node:http fixed JSON',
	baseline: single.baseline.rps,
	targetRatio: 0.7,
	note,
});
reportCpu('HTTP produce, 1 record', single, 1);

const BATCH = 100;
const batchBody = JSON.stringify({records: Array.from({length: BATCH}, (_, i) => ({value: value(100, i)}))});
const batch = await compare(batchBody);
report({
	name: `HTTP produce, batches of ${BATCH} x 100 B`,
	unit: 'records/s',
	value: batch.server.rps * BATCH,
	baselineName: 'bare node:http fixed JSON, same bodies',
	baseline: batch.baseline.rps * BATCH,
	note,
});
reportCpu('HTTP produce, batches of 100', batch, BATCH);
const recordsPerSecond = batch.server.rps * BATCH;
figure(`HTTP produce, batches of ${BATCH} x 100 B: target >= 300,000 records/s`, recordsPerSecond, 'records/s', recordsPerSecond >= 300_000 ? 'MET' : 'MISSED');
if (batch.server.cpuPerRequestUs !== null) {
	// What one core of this server would sustain with nothing else on the machine.
	figure('HTTP produce, batches of 100: records/s per server core (CPU-bound estimate)', (1e6 / batch.server.cpuPerRequestUs) * BATCH, 'records/s');
}
