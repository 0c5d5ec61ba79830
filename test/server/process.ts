/**
 * Test helpers: spawn the real CLI (dist/, built by test/global-setup.ts) as a server process on
 * an ephemeral port, and make requests against it.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {tempDir} from '../helpers/backends.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist/cli.js');

export interface ServerProcess {
	url: string;
	proc: ChildProcess;
	stdout(): string;
	stderr(): string;
	/** Sends the signal and resolves with the exit code (or 128+n when killed by a signal). */
	stop(signal?: NodeJS.Signals): Promise<number>;
	exited: Promise<number>;
}

const SIGNALS: Record<string, number> = {SIGINT: 2, SIGKILL: 9, SIGTERM: 15};

/** Spawns `node dist/cli.js ARGS` and waits for the listening line (or the exit). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): {proc: ChildProcess; out: {stdout: string; stderr: string}; exited: Promise<number>} {
	const proc = spawn(process.execPath, [CLI, ...args], {
		cwd: ROOT,
		env: {...process.env, FLASHQ_TOKEN: '', ...env},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const out = {stdout: '', stderr: ''};
	proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out.stdout += d));
	proc.stderr!.setEncoding('utf8').on('data', (d: string) => (out.stderr += d));
	const exited = new Promise<number>((resolve) =>
		proc.on('exit', (code, signal) => resolve(code ?? 128 + (SIGNALS[signal ?? ''] ?? 0))),
	);
	return {proc, out, exited};
}

export async function startServerProcess(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
	const {proc, out, exited} = spawnCli(['--headless', '--serve', '0', ...args], env);
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start: ${out.stderr}`)), 20_000);
		const onData = (): void => {
			const match = /FlashQ listening on (http:\/\/\S+)/.exec(out.stdout);
			if (match) {
				clearTimeout(timer);
				proc.stdout!.off('data', onData);
				resolve(match[1]!);
			}
		};
		proc.stdout!.on('data', onData);
		void exited.then((code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}: ${out.stderr}`));
		});
	});
	return {
		url,
		proc,
		stdout: () => out.stdout,
		stderr: () => out.stderr,
		exited,
		async stop(signal = 'SIGTERM') {
			if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
			return exited;
		},
	};
}

export interface Reply {
	status: number;
	headers: Headers;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read reply bodies of every shape; unknown would need a cast at each use
	json: any;
}

export interface RequestOptions {
	json?: unknown;
	body?: string | Uint8Array;
	headers?: Record<string, string>;
}

/** A request against a base URL; `json` sets the JSON content type. */
export function client(base: string, token?: string) {
	return async (method: string, path: string, options: RequestOptions = {}): Promise<Reply> => {
		const headers: Record<string, string> = {...options.headers};
		if (token !== undefined) headers['authorization'] ??= `Bearer ${token}`;
		let body: string | Uint8Array | undefined = options.body;
		if (options.json !== undefined) {
			body = JSON.stringify(options.json);
			headers['content-type'] ??= 'application/json';
		}
		const response = await fetch(base + path, {method, headers, body});
		const text = await response.text();
		let json: unknown = undefined;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON (metrics, or a failure the test will show)
		}
		return {status: response.status, headers: response.headers, text, json};
	};
}

export interface BackendRun {
	name: string;
	/** Extra CLI args for this backend (a fresh data dir for file). */
	args(): Promise<{args: string[]; dataDir: string | null; cleanup(): Promise<void>}>;
}

export const memoryRun: BackendRun = {
	name: 'memory',
	args: async () => ({args: [], dataDir: null, cleanup: async () => undefined}),
};

export const fileRun = (sync: 'always' | 'periodic' | 'never' = 'always'): BackendRun => ({
	name: `file/${sync}`,
	async args() {
		const {dir, cleanup} = await tempDir('flashq-server-');
		return {args: ['--data-dir', dir, '--sync', sync], dataDir: dir, cleanup};
	},
});

/** The backends the HTTP tests run on. */
export const backendRuns: readonly BackendRun[] = [memoryRun, fileRun('always')];

let counter = 0;
/** A name no other test (or earlier run against the same server) uses. */
export const unique = (prefix: string): string => `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
