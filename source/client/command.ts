import {CommandFailure, UsageError} from './errors.js';
import type {ApiResponse, ClientContext} from './http.js';
import {ShapeError} from './shape.js';

export interface Output {
	write(chunk: string): unknown;
	/** process.stdout/stderr have it: progress lines are shown only on a terminal. */
	isTTY?: boolean;
}

export interface ClientIo {
	stdout: Output;
	stderr: Output;
	/** Ends a command that runs until stopped (watch); without it, SIGINT or SIGTERM does. */
	signal?: AbortSignal;
}

export interface OptionSpec {
	type: 'string' | 'boolean';
	short?: string;
	multiple?: boolean;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface RunContext {
	api: ClientContext;
	/** `--json`: print the raw response body instead of the human lines. */
	json: boolean;
	print(line: string): void;
	warn(line: string): void;
	/** See ClientIo.signal. */
	signal?: AbortSignal | undefined;
	/** The raw streams, for commands that write in bulk (export) or show progress. */
	io: ClientIo;
}

export interface CommandInput {
	/** Positional arguments by name (absent optional ones are missing). */
	args: Record<string, string>;
	values: OptionValues;
	/** This command's help text, for usage errors raised while running. */
	usage: string;
}

export interface Command {
	kind: 'command';
	name: string;
	summary: string;
	usage: string;
	args: readonly {name: string; optional?: boolean}[];
	options: Record<string, OptionSpec>;
	/** Options written `--x`, `--x true|false`, `--x=true|false` or `--no-x`. */
	booleanValued?: readonly string[];
	run(context: RunContext, input: CommandInput): Promise<void>;
}

export interface CommandGroup {
	kind: 'group';
	name: string;
	summary: string;
	children: readonly (Command | CommandGroup)[];
}

export const GLOBAL_OPTIONS_HELP = `Global options (before or after the command):
  --url URL          server address (default http://127.0.0.1:8080; env FLASHQ_URL)
  -p, --port PORT    server port on the --url host (the original client's flag)
  --token TOKEN      send "Authorization: Bearer TOKEN" (env FLASHQ_TOKEN; the env var
                     keeps the token out of the process list)
  --json             print the server's raw JSON response instead of text (error bodies
                     too); the exit status still tells success from failure
  --timeout SECONDS  give up waiting for the server after this long (default 10)
  -h, --help         show help for the command
  -V, --version      print the version`;

/** A positional that names a topic or group: checked only where the URL would change meaning. */
export function nameArgument(input: CommandInput, argName: string): string {
	const value = input.args[argName]!;
	if (value === '') throw new UsageError(`${argName} must not be empty`, input.usage);
	// URL parsers treat "." and ".." segments as path navigation, so the request would reach a
	// different route; the server rejects such names anyway (names made only of dots).
	if (value === '.' || value === '..') throw new UsageError(`${argName} '${value}' is not a valid name`, input.usage);
	return value;
}

/** A non-negative integer given as a flag or argument (the server checks the allowed range). */
export function nonNegativeInteger(raw: string, what: string, usage: string): number {
	const value = Number(raw);
	if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
		throw new UsageError(`${what} must be a non-negative integer, got '${raw}'`, usage);
	}
	return value;
}

export function optionalInteger(input: CommandInput, flag: string): number | undefined {
	const raw = input.values[flag];
	return typeof raw === 'string' ? nonNegativeInteger(raw, `--${flag}`, input.usage) : undefined;
}

/** Value of an option listed in `booleanValued` (already normalised to 'true' | 'false'). */
export function optionalBoolean(input: CommandInput, flag: string): boolean | undefined {
	const raw = input.values[flag];
	return typeof raw === 'string' ? raw === 'true' : undefined;
}

/**
 * Prints the response: raw body under `--json`, otherwise `render` reads it. A body of the wrong
 * shape is reported as a failure, never a crash.
 */
export function show(context: RunContext, operation: string, response: ApiResponse, render: (body: unknown) => void): void {
	if (context.json) {
		if (response.text !== '') context.print(response.text.replace(/\n$/, ''));
		return;
	}
	try {
		render(response.json);
	} catch (error) {
		if (error instanceof ShapeError) {
			throw new CommandFailure(`Failed to ${operation}: unexpected response from server (${error.message}): ${response.text.slice(0, 500)}`);
		}
		throw error;
	}
}
