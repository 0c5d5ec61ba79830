import {runClient} from '../../source/client/run-client.js';

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
	/** Non-empty stdout lines. */
	lines: string[];
}

/** Runs the client in-process with captured output; `env` replaces the real environment. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
	let stdout = '';
	let stderr = '';
	const code = await runClient(args, env, {
		stdout: {write: (chunk: string) => (stdout += chunk)},
		stderr: {write: (chunk: string) => (stderr += chunk)},
	});
	return {code, stdout, stderr, lines: stdout.split('\n').filter((line) => line !== '')};
}

export interface RunningCli {
	/** Output so far. */
	stdout(): string;
	stderr(): string;
	/** Like Ctrl+C: aborts the command's signal and resolves with its result. */
	stop(): Promise<CliResult>;
	/** Settles when the command ends by itself. */
	done: Promise<CliResult>;
}

/** Starts a command that runs until stopped (client watch) in-process, with captured output. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
	let stdout = '';
	let stderr = '';
	const controller = new AbortController();
	const done = runClient(args, env, {
		stdout: {write: (chunk: string) => (stdout += chunk)},
		stderr: {write: (chunk: string) => (stderr += chunk)},
		signal: controller.signal,
	}).then((code) => ({code, stdout, stderr, lines: stdout.split('\n').filter((line) => line !== '')}));
	return {
		stdout: () => stdout,
		stderr: () => stderr,
		done,
		stop() {
			controller.abort();
			return done;
		},
	};
}
