/**
 * `npm run bench startup`: time from process start (spawn) to the first frame of the built CLI
 * (dist/cli.js, built by `npm run build`), median of BENCH_STARTUP_RUNS runs (default 15), each
 * round running every case once so a busy machine slows them alike; `node -e 0` in the same
 * rounds is the floor no CLI can beat.
 *
 *   - `--once`: until the frame's first line is on stdout (and until the process has exited).
 *   - the app in a terminal (`script` gives it a pseudo-terminal): until the first frame is drawn.
 *   - `--help` and `client --help`: until exit.
 *
 * Targets (issue 16): the first frame within 0.5 s, `--help` and `client` within 0.25 s.
 */
import {spawn, spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli.js');
const runs = Number(process.env['BENCH_STARTUP_RUNS'] ?? 15);

interface Timing {
	/** ms from spawn to the first sight of `marker` on stdout (or to exit without a marker). */
	frame: number;
	exit: number;
}

/** Spawns `command`; resolves when it exits (or, with `stopAfterMarker`, is stopped once the marker showed). */
function time(command: string, args: string[], marker: string | null, stopAfterMarker = false): Promise<Timing> {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
		const child = spawn(command, args, {cwd: root, stdio: ['pipe', 'pipe', 'ignore'], env: {...process.env, COLUMNS: '160', LINES: '45'}});
		let out = '';
		let frame: number | null = null;
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk: string) => {
			if (frame !== null || marker === null) return;
			out += chunk;
			if (!out.includes(marker)) return;
			frame = ms();
			if (stopAfterMarker) child.stdin.end('q');
		});
		child.on('error', reject);
		child.on('exit', () => {
			const exit = ms();
			resolve({frame: frame ?? exit, exit});
		});
	});
}

const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

if (!existsSync(cli)) spawnSync('npm', ['run', 'build'], {cwd: root, stdio: 'inherit'});
const haveScript = spawnSync('script', ['--version']).status === 0;

const cases: Array<{name: string; run: () => Promise<Timing>; use: 'frame' | 'exit'; target: number | null}> = [
	{name: 'node -e 0 (floor)', run: () => time(process.execPath, ['-e', '0'], null), use: 'exit', target: null},
	{name: '--help', run: () => time(process.execPath, [cli, '--help'], null), use: 'exit', target: 250},
	{name: 'client --help', run: () => time(process.execPath, [cli, 'client', '--help'], null), use: 'exit', target: 250},
	{name: '--once, first frame', run: () => time(process.execPath, [cli, '--once'], 'Topics'), use: 'frame', target: 500},
	{name: '--once, exit', run: () => time(process.execPath, [cli, '--once'], null), use: 'exit', target: null},
];
// A client command's whole run against a live server (one request and its answer).
const server = spawn(process.execPath, [cli, '--headless', '--serve', '0'], {cwd: root, stdio: ['ignore', 'pipe', 'ignore']});
const serverUrl = await new Promise<string>((resolve, reject) => {
	let out = '';
	server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		out += chunk;
		const match = /listening on (http:\/\/\S+)/.exec(out);
		if (match) resolve(match[1]!);
	});
	server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
cases.push(
	{name: 'client health (a live server)', run: () => time(process.execPath, [cli, 'client', '--url', serverUrl, 'health'], null), use: 'exit', target: 250},
	{name: 'client producer records', run: () => time(process.execPath, [cli, 'client', '--url', serverUrl, 'producer', 'records', 'startup', 'hello'], null), use: 'exit', target: 250},
);
if (haveScript) {
	const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
	cases.push(
		{name: 'pty floor (script + node -e 0)', run: () => time('script', ['-qfec', `${quote(process.execPath)} -e 0`, '/dev/null'], null), use: 'exit', target: null},
		{
			name: 'app in a pty, first frame',
			run: () => time('script', ['-qfec', `${quote(process.execPath)} ${quote(cli)}`, '/dev/null'], 'Topics', true),
			use: 'frame',
			target: 500,
		},
	);
}

const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let round = 0; round < runs; round++) {
	for (const c of cases) {
		const t = await c.run();
		samples.get(c.name)!.push(t[c.use]);
	}
}

const floor = median(samples.get(cases[0]!.name)!);
console.log(`startup, median of ${runs} runs (ms from spawn); node -e 0 = ${floor.toFixed(0)} ms in the same rounds`);
for (const c of cases) {
	const m = median(samples.get(c.name)!);
	const verdict = c.target === null ? '' : m <= c.target ? `  ok (target <= ${c.target})` : `  OVER target ${c.target}`;
	console.log(`  ${c.name.padEnd(34)} ${m.toFixed(0).padStart(5)} ms  (+${(m - floor).toFixed(0)} over node -e 0)${verdict}`);
}
server.kill();
