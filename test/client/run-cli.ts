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
