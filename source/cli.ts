#!/usr/bin/env node
import {readFileSync, statSync} from 'node:fs';
import {onShutdownSignals} from './cli/lifecycle.js';
import {reportStorageNotices} from './cli/notices.js';
import type {CliOptions} from './cli/options.js';
import {USAGE, USAGE_HINT} from './cli/usage.js';
import type {FlashQ} from './engine/flashq.js';
import type {ServerLogger} from './server/server.js';
import type {ServerHandle} from './server/types.js';

const say = (line: string): void => void process.stderr.write(`${line}\n`);

/** The message of an error, without the engine's "Storage error: " prefix and never a stack. */
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error)).replace(/^Storage error: /, '');

function version(): string {
	try {
		return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string}).version;
	} catch {
		return 'unknown';
	}
}

/** `flashq-demo client ...`: loaded only when used, so the server and the TUI do not pay for it. */
async function runClientCommand(args: string[]): Promise<number> {
	const {runClient} = await import('./client/run-client.js');
	return runClient(args, process.env);
}

/** Why a data dir did not open, in words: mkdir's EEXIST/ENOTDIR mean a file is in the way. */
function dataDirReason(dataDir: string, error: unknown): string {
	const text = reason(error);
	if (!/\b(EEXIST|ENOTDIR)\b/.test(text)) return text;
	try {
		if (!statSync(dataDir).isDirectory()) return 'it is a file, not a directory (choose a directory with --data-dir DIR)';
	} catch {
		// Not there: a part of the path above it is the file.
	}
	return 'a part of the path is a file, not a directory (choose a directory with --data-dir DIR)';
}

function listenError(error: unknown, host: string, port: number): string {
	switch ((error as NodeJS.ErrnoException).code) {
		case 'EADDRINUSE':
			return `port ${port} on ${host} is already in use (choose another with --serve PORT)`;
		case 'EACCES':
			return `permission denied to listen on ${host}:${port} (ports below 1024 need privileges)`;
		case 'EADDRNOTAVAIL':
		case 'ENOTFOUND':
			return `cannot listen on ${host}: no such local address`;
		default:
			return `cannot listen on ${host}:${port}: ${reason(error)}`;
	}
}

/** `--tour`: the guided tour, on engines the tour opens itself (no --serve). */
async function runTour(options: CliOptions, tour: NonNullable<CliOptions['tour']>): Promise<number> {
	const settings = {seed: tour.seed, storage: tour.storage, ...(tour.dataDir ? {dataDir: tour.dataDir} : {})};
	if (options.once) {
		// No TTY needed: the transcript is plain text (a handout, a rehearsal, a test).
		const [{tourTranscript}, {LESSONS}] = await Promise.all([import('./ui/tour/transcript.js'), import('./ui/tour/lessons/index.js')]);
		process.stdout.write(`${await tourTranscript(LESSONS, settings)}\n`);
		return 0;
	}
	if (!(process.stdin.isTTY && process.stdout.isTTY)) {
		say('flashq-demo: not a terminal (stdin/stdout is not a TTY), so the tour cannot start; use --tour --once to print it as text');
		return 2;
	}
	const {runTui} = await import('./ui/run-tui.js');
	return runTui({queue: null, server: null, tour: {...settings, start: true}});
}

/** `--connect URL`: the app on a queue served elsewhere; this process opens no engine and serves nothing. */
async function runConnected(options: CliOptions, connect: NonNullable<CliOptions['connect']>): Promise<number> {
	if (!options.once && !(process.stdin.isTTY && process.stdout.isTTY)) {
		say('flashq-demo: not a terminal (stdin/stdout is not a TTY), so the TUI cannot start; use --connect URL --once to print one frame');
		return 2;
	}
	const {RemoteQueue} = await import('./remote/remote-queue.js');
	let remote: Awaited<ReturnType<typeof RemoteQueue.connect>>;
	try {
		remote = await RemoteQueue.connect(connect.url, connect.token === undefined ? {} : {token: connect.token});
	} catch (error) {
		say(`flashq-demo: ${reason(error)}`);
		return 1;
	}
	try {
		const {runTui} = await import('./ui/run-tui.js');
		// Nothing here to flush or unlock: a signal ends the app as q does.
		return await runTui({queue: remote, server: remote.serverSource(), once: options.once, endOnSignals: true, tour: {seed: 1}});
	} finally {
		remote.close();
	}
}

async function run(options: CliOptions): Promise<number> {
	if (options.tour) return runTour(options, options.tour);
	if (options.connect) return runConnected(options, options.connect);
	// Checked before storage opens: no TTY means the TUI could never start.
	if (!options.headless && !options.once && !(process.stdin.isTTY && process.stdout.isTTY)) {
		say('flashq-demo: not a terminal (stdin/stdout is not a TTY), so the TUI cannot start; use --headless to run the server alone');
		return 2;
	}
	let queue: FlashQ;
	try {
		const {FlashQ} = await import('./engine/flashq.js');
		queue = await FlashQ.open({...options.storage, maxTopics: options.maxTopics});
	} catch (error) {
		say(options.dataDir === null ? `flashq-demo: cannot open storage: ${reason(error)}` : `flashq-demo: cannot open data dir ${options.dataDir}: ${dataDirReason(options.dataDir, error)}`);
		return 1;
	}
	let server: ServerHandle | null = null;
	// Under the TUI, server log lines would tear the screen: keep them until it closes.
	const deferredLog: string[] = [];
	let tuiRunning = false;
	// Recovery actions and a lock takeover are printed now; a lost lock when it happens (the TUI shows it in Events).
	const stopNotices = reportStorageNotices(queue, (line) => {
		if (!tuiRunning) say(line);
		else if (deferredLog.length < 100) deferredLog.push(line);
	});
	const logger: ServerLogger | undefined = options.headless
		? undefined
		: {
				error(message, error) {
					if (deferredLog.length < 100) deferredLog.push(`flashq-demo server: ${message}${error instanceof Error ? `: ${error.message}` : ''}`);
				},
			};
	if (options.serve) {
		const {host, port, token, readToken} = options.serve;
		try {
			// Loaded only with --serve: the server and prom-client are a third of the CLI's code.
			const {startServer} = await import('./server/server.js');
			server = await startServer({queue, host, port, token, readToken, logger});
		} catch (error) {
			say(`flashq-demo: ${listenError(error, host, port)}`);
			await queue.close().catch(() => undefined);
			return 1;
		}
	}
	// Handlers go in before the listening line: whoever reads that line may signal at once.
	const removeSignals = onShutdownSignals(queue, server, say);
	if (server) {
		const dataDir = options.storage.storage === 'file' ? options.storage.dataDir : 'none';
		process.stdout.write(
			`FlashQ listening on ${server.url} (storage: ${options.storage.storage}, data dir: ${dataDir}${server.auth ? ', token required' : ''})\n`,
		);
	}
	if (options.headless) {
		// A stray rejection must not take the server down; requests already turn errors into 500s.
		process.on('unhandledRejection', (error) => say(`flashq-demo: unhandled rejection: ${reason(error)}`));
		return new Promise<number>(() => undefined); // the signal handler exits
	}
	try {
		// Loaded only for the TUI: a headless server does not pay for React and Ink at startup.
		const {runTui} = await import('./ui/run-tui.js');
		tuiRunning = true;
		// `t` in the app starts a tour on its own engines (file storage in the temp dir, seed 1).
		return await runTui({queue, server, once: options.once, tour: {seed: 1}});
	} finally {
		tuiRunning = false;
		stopNotices();
		removeSignals();
		await server?.close();
		await queue.close();
		for (const line of deferredLog) say(line);
	}
}

async function main(argv: string[]): Promise<number> {
	if (argv[0] === 'client') return runClientCommand(argv.slice(1));
	// Loaded after the client check: meow and the engine's limits are not the client's to pay for.
	const {UsageError, parseArgs} = await import('./cli/options.js');
	let parsed;
	try {
		parsed = parseArgs(argv, process.env, import.meta);
	} catch (error) {
		if (error instanceof UsageError) {
			// The error and one pointer: the full usage would scroll the error off a 24-row screen.
			say(`flashq-demo: ${error.message}`);
			say(USAGE_HINT);
			return 2;
		}
		throw error;
	}
	if (parsed.kind === 'help') {
		process.stdout.write(USAGE);
		return 0;
	}
	if (parsed.kind === 'version') {
		process.stdout.write(`${version()}\n`);
		return 0;
	}
	return run(parsed.options);
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	// Never a stack trace for the user; the message says what went wrong.
	say(`flashq-demo: ${reason(error)}`);
	process.exitCode = 1;
}
