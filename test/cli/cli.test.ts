/** The flashq-demo executable: exit codes, usage on stderr, startup failures as one clear line. */
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {tempDir} from '../helpers/backends.js';
import {spawnCli, startServerProcess, type ServerProcess} from '../server/process.js';

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
	const {out, exited} = spawnCli(args, env);
	const code = await exited;
	return {code, stdout: out.stdout, stderr: out.stderr};
}

/** One line of error, then (for usage errors) the usage text; never a stack trace. */
function expectCleanError(stderr: string, message: RegExp): void {
	const [first] = stderr.split('\n');
	expect(first).toMatch(/^flashq-demo: /);
	expect(first).toMatch(message);
	expect(stderr).not.toMatch(/^\s+at /m);
}

describe('usage', () => {
	test('--help prints the usage on stdout and exits 0', async () => {
		const {code, stdout} = await cli(['--help']);
		expect(code).toBe(0);
		for (const flag of ['--storage memory|file', '--data-dir DIR', '--sync always|periodic|never', '--commit-threshold N', '--cache-size N', '--serve [PORT]', '--host HOST', '--token TOKEN', '--headless', '--version', '--tour', '--seed N']) {
			expect(stdout).toContain(flag);
		}
	});

	test('--version prints the package version', async () => {
		const {code, stdout} = await cli(['--version']);
		expect(code).toBe(0);
		expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
	});

	test.each([
		[['--bogus'], /unknown flag --bogus/],
		[['--storage', 'disk'], /--storage must be memory, file or nats/],
		[['--sync=sometimes', '--data-dir', 'x'], /--sync must be one of always, periodic, never/],
		[['--serve', '99999'], /--serve must be a port number 0\.\.65535/],
		[['--headless', '--host', '0.0.0.0'], /needs --token TOKEN/],
		[['--tour', '--seed', 'x'], /--seed must be a non-negative integer, got 'x'/],
		[['--tour', '--seed=-3'], /--seed must be a non-negative integer, got '-3'/],
		[['--seed', '4'], /--seed applies only with --tour/],
		[['--tour', '--serve'], /--serve does not apply with --tour/],
		[['--serve', 'notaport'], /--serve must be a port number 0\.\.65535, got 'notaport'/],
		[['--sync', 'bogus'], /--sync must be one of always, periodic, never, got 'bogus'/],
		[['--serve', '0', '--once'], /--serve does not apply with --once/],
	])('%j: one-line error naming the flag and one line pointing at --help (fits a 24-row screen), exit 2', async (args, message) => {
		const {code, stdout, stderr} = await cli(args);
		expect(code).toBe(2);
		expect(stdout).toBe('');
		expectCleanError(stderr, message);
		expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message), 'Run flashq-demo --help for the flags.']);
	});

	test('without a TTY and without --headless: says so, suggests --headless, exit 2', async () => {
		const {code, stderr} = await cli([]);
		expect(code).toBe(2);
		expectCleanError(stderr, /not a terminal.*--headless/);
	});

	test('--tour without a TTY: says so, suggests --tour --once, exit 2', async () => {
		const {code, stderr} = await cli(['--tour']);
		expect(code).toBe(2);
		expectCleanError(stderr, /not a terminal.*--tour --once/);
	});

	test('--tour --once --seed 7 prints the whole tour as a transcript and leaves no lesson directory', async () => {
		const {dir, cleanup} = await tempDir();
		try {
			const {code, stdout, stderr} = await cli(['--tour', '--once', '--seed', '7', '--data-dir', dir]);
			expect(stderr).toBe('');
			expect(code).toBe(0);
			for (let lesson = 1; lesson <= 8; lesson++) expect(stdout).toContain(`Lesson ${lesson}/8: `);
			expect(stdout).toContain('Lesson 4/8: Crash and recovery');
			expect(stdout).toMatch(/Predict: After a crash with sync=never, how many of these 10 records survive\?/);
			expect(stdout).toContain("=> Topics shows 'never-crash' with 0 records");
			expect(stdout).not.toContain('This step failed');
			const {readdir} = await import('node:fs/promises');
			expect(await readdir(dir)).toEqual([]);
		} finally {
			await cleanup();
		}
	}, 120_000);

	test('--once runs without a TTY and exits 0', async () => {
		const {code} = await cli(['--once']);
		expect(code).toBe(0);
	});
});

describe('startup failures', () => {
	let first: ServerProcess;
	beforeAll(async () => {
		first = await startServerProcess();
	});
	afterAll(async () => {
		await first?.stop();
	});

	test('port in use: one clear line, exit 1', async () => {
		const port = new URL(first.url).port;
		const {code, stderr} = await cli(['--headless', '--serve', port]);
		expect(code).toBe(1);
		expectCleanError(stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
	});

	test('a data dir that is a file: one clear line, exit 1', async () => {
		const {dir, cleanup} = await tempDir('flashq-cli-');
		try {
			const file = path.join(dir, 'not-a-dir');
			await writeFile(file, 'x');
			const {code, stderr} = await cli(['--headless', '--serve', '0', '--data-dir', file]);
			expect(code).toBe(1);
			expectCleanError(stderr, /cannot open data dir \S+not-a-dir: it is a file, not a directory/);
			expect(stderr).not.toMatch(/EEXIST|mkdir/);
			expect(stderr.trim().split('\n')).toHaveLength(1);
			// A file higher up the path: said in words too.
			const below = await cli(['--headless', '--serve', '0', '--data-dir', path.join(file, 'data')]);
			expect(below.code).toBe(1);
			expectCleanError(below.stderr, /cannot open data dir \S+data: a part of the path is a file, not a directory/);
		} finally {
			await cleanup();
		}
	});

	test('a data dir locked by a running server: one clear line, exit 1; free again after it stops', async () => {
		const {dir, cleanup} = await tempDir('flashq-cli-');
		try {
			const owner = await startServerProcess(['--data-dir', dir]);
			const {code, stderr} = await cli(['--headless', '--serve', '0', '--data-dir', dir]);
			expect(code).toBe(1);
			expectCleanError(stderr, /cannot open data dir .*lock/i);
			expect(stderr.trim().split('\n')).toHaveLength(1);
			expect(await owner.stop()).toBe(0);
			const next = await startServerProcess(['--data-dir', dir]);
			expect(await next.stop()).toBe(0);
		} finally {
			await cleanup();
		}
	});

	test('the listening line names storage and data dir', async () => {
		const {dir, cleanup} = await tempDir('flashq-cli-');
		try {
			const server = await startServerProcess(['--data-dir', dir, '--sync', 'never']);
			expect(server.stdout()).toMatch(new RegExp(`^FlashQ listening on http://127\\.0\\.0\\.1:\\d+ \\(storage: file, data dir: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)\\n$`));
			await server.stop();
		} finally {
			await cleanup();
		}
	});

	test('memory: the listening line says so', () => {
		expect(first.stdout()).toMatch(/^FlashQ listening on http:\/\/127\.0\.0\.1:\d+ \(storage: memory, data dir: none\)\n$/);
	});
});

describe('client dispatch', () => {
	test('flashq-demo client ... runs the client with the args after "client"', async () => {
		const server = await startServerProcess();
		try {
			const {code, stdout} = await cli(['client', '--url', server.url, 'health']);
			expect(code).toBe(0);
			expect(stdout).toMatch(/healthy/i);
			const failed = await cli(['client', '--url', 'http://127.0.0.1:1', 'health']);
			expect(failed.code).not.toBe(0);
		} finally {
			await server.stop();
		}
	});

});
