import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {healthCommand, groupsCommand, topicsCommand} from './admin-commands.js';
import {
	type ClientIo,
	type Command,
	type CommandGroup,
	GLOBAL_OPTIONS_HELP,
	type OptionSpec,
	type OptionValues,
	type RunContext,
} from './command.js';
import {consumerGroup} from './consumer-commands.js';
import {exportCommand} from './export-command.js';
import {statsCommand, watchCommand} from './live-commands.js';
import {CommandFailure, UsageError} from './errors.js';
import type {ClientContext} from './http.js';
import {producerRecordsCommand} from './producer-commands.js';
import {topicGroup} from './topic-commands.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';
const DEFAULT_TIMEOUT_SECONDS = 10;
const PROGRAM = 'flashq-demo client';

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
	url: {type: 'string'},
	port: {type: 'string', short: 'p'},
	version: {type: 'boolean', short: 'V'},
	token: {type: 'string'},
	json: {type: 'boolean'},
	timeout: {type: 'string'},
	help: {type: 'boolean', short: 'h'},
};

const ROOT: CommandGroup = {
	kind: 'group',
	name: '',
	summary: 'talk to a FlashQ server over its REST API',
	children: [
		healthCommand,
		topicsCommand,
		topicGroup,
		groupsCommand,
		statsCommand,
		watchCommand,
		{kind: 'group', name: 'producer', summary: 'post records', children: [producerRecordsCommand]},
		consumerGroup,
		exportCommand,
	],
};

function commandLines(node: Command | CommandGroup, path: readonly string[]): [string, string][] {
	const here = [...path, node.name].filter((part) => part !== '');
	if (node.kind === 'group') return node.children.flatMap((child) => commandLines(child, here));
	const args = node.args.map((arg) => (arg.optional ? `[${arg.name}]` : `<${arg.name}>`));
	return [[[...here, ...args].join(' '), node.summary]];
}

function groupUsage(node: CommandGroup, path: readonly string[]): string {
	const lines = commandLines(node, path.slice(0, -1));
	const width = Math.max(...lines.map(([signature]) => signature.length));
	const prefix = [PROGRAM, ...path].join(' ');
	return `Usage: ${prefix} <command> [arguments] [options]

${path.length === 0 ? 'Talks to a FlashQ server over its REST API.\n\n' : ''}Commands:
${lines.map(([signature, summary]) => `  ${signature.padEnd(width)}  ${summary}`).join('\n')}

Run '${PROGRAM} <command> --help' for a command's options.
Exit status: 0 success; 1 server, connection or input-file error; 2 usage error.

${GLOBAL_OPTIONS_HELP}`;
}

/**
 * `--x`, `--x true|false`, `--x=...` and `--no-x` all become `--x=<value>` for options whose value
 * is a boolean, so both `--include-headers` and the spec's `--include-headers false` work.
 */
function normaliseBooleans(args: readonly string[], names: readonly string[]): string[] {
	const out: string[] = [];
	for (let index = 0; index < args.length; index++) {
		const arg = args[index]!;
		if (arg === '--') {
			out.push(...args.slice(index));
			break;
		}
		const name = arg.slice(2);
		if (arg.startsWith('--no-') && names.includes(arg.slice(5))) {
			out.push(`--${arg.slice(5)}=false`);
		} else if (arg.startsWith('--') && names.includes(name)) {
			const next = args[index + 1];
			// Other boolean-looking words are taken as the value so the user hears "must be true or
			// false" instead of a confusing "unexpected argument"; anything else stays positional.
			if (next !== undefined && /^(true|false|yes|no|on|off)$/i.test(next)) {
				out.push(`${arg}=${next}`);
				index++;
			} else {
				out.push(`${arg}=true`);
			}
		} else {
			out.push(arg);
		}
	}
	return out;
}

/**
 * `--timeout -1` becomes `--timeout=-1`: parseArgs refuses a value that starts with '-' ("argument
 * is ambiguous"), but for a value-taking option a negative number is plainly its value, and the
 * option's own check then says what is wrong with it.
 */
function joinNegativeValues(args: readonly string[], options: Record<string, OptionSpec>): string[] {
	const takesValue = new Set<string>();
	for (const [name, spec] of Object.entries(options)) {
		if (spec.type !== 'string') continue;
		takesValue.add(`--${name}`);
		if (spec.short !== undefined) takesValue.add(`-${spec.short}`);
	}
	const out: string[] = [];
	for (let index = 0; index < args.length; index++) {
		const arg = args[index]!;
		if (arg === '--') {
			out.push(...args.slice(index));
			break;
		}
		const next = args[index + 1];
		if (takesValue.has(arg) && next !== undefined && /^-\.?\d/.test(next)) {
			// `-p-1` for a short option: parseArgs would read `-p=-1` as the value "=-1".
			out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`);
			index++;
		} else {
			out.push(arg);
		}
	}
	return out;
}

function parseErrorMessage(error: unknown): string {
	const err = error as Error & {code?: string};
	const unknown = /^Unknown option '([^']+)'/.exec(err.message);
	// parseArgs reads "-1" as short options; say what the user most likely meant.
	if (unknown && /^-\d/.test(unknown[1]!)) return `negative numbers are not allowed ('${unknown[1]}')`;
	if (unknown) return `unknown option '${unknown[1]}'`;
	return err.message.replace(/\s*\n\s*/g, ' ');
}

type Parsed =
	| {kind: 'text'; text: string}
	| {kind: 'run'; command: Command; args: Record<string, string>; values: OptionValues};

/** Global options before the command; their values are known, so the command word can be found. */
function scanLeading(argv: readonly string[]): {leading: string[]; next: number; help: boolean; version?: boolean} {
	const leading: string[] = [];
	let help = false;
	let index = 0;
	while (index < argv.length) {
		const arg = argv[index]!;
		if (arg === '--') {
			index++;
			break;
		}
		if (!arg.startsWith('-') || arg === '-') break;
		const short: Record<string, string> = {'-h': 'help', '-V': 'version', '-p': 'port'};
		const name = short[arg] ?? (arg.startsWith('--') ? arg.slice(2).split('=')[0]! : '');
		const spec = GLOBAL_OPTIONS[name];
		if (spec === undefined) {
			throw new UsageError(`unknown option '${arg}' (command options go after the command)`, groupUsage(ROOT, []));
		}
		if (name === 'help') help = true;
		if (name === 'version') return {leading, next: index, help, version: true};
		leading.push(arg);
		if (spec.type === 'string' && !arg.includes('=')) {
			if (index + 1 >= argv.length) throw new UsageError(`option '${arg}' needs a value`, groupUsage(ROOT, []));
			leading.push(argv[++index]!);
		}
		index++;
	}
	return {leading, next: index, help};
}

function parseCommandLine(argv: readonly string[]): Parsed {
	const {leading, next, help, version} = scanLeading(argv);
	if (version) return {kind: 'text', text: clientVersion()};
	let index = next;
	let node: Command | CommandGroup = ROOT;
	const path: string[] = [];
	// `client help consumer fetch` is the same as `client consumer fetch --help`.
	const helpWord = argv[index] === 'help';
	if (helpWord) index++;
	while (node.kind === 'group') {
		const word: string | undefined = argv[index];
		if (word === undefined || word.startsWith('-')) {
			if (help || helpWord || word === '-h' || word === '--help') return {kind: 'text', text: groupUsage(node, path)};
			throw new UsageError(
				word === undefined ? 'missing command' : `expected a command before '${word}'`,
				groupUsage(node, path),
			);
		}
		const child: Command | CommandGroup | undefined = node.children.find((candidate) => candidate.name === word);
		if (child === undefined) throw new UsageError(`unknown command '${[...path, word].join(' ')}'`, groupUsage(node, path));
		path.push(word);
		node = child;
		index++;
	}
	const command: Command = node;
	if (helpWord) return {kind: 'text', text: command.usage};
	const rest = normaliseBooleans(argv.slice(index), command.booleanValued ?? []);
	let parsed: ReturnType<typeof parseArgs>;
	try {
		const options = {...GLOBAL_OPTIONS, ...command.options};
		parsed = parseArgs({
			args: joinNegativeValues([...leading, ...rest], options),
			options,
			allowPositionals: true,
			strict: true,
		});
	} catch (error) {
		throw new UsageError(parseErrorMessage(error), command.usage);
	}
	const values = parsed.values as OptionValues;
	if (values.help === true) return {kind: 'text', text: command.usage};
	if (values.version === true) return {kind: 'text', text: clientVersion()};
	const required = command.args.filter((arg) => !arg.optional);
	if (parsed.positionals.length < required.length) {
		throw new UsageError(`missing argument ${required[parsed.positionals.length]!.name}`, command.usage);
	}
	if (parsed.positionals.length > command.args.length) {
		throw new UsageError(`unexpected argument '${parsed.positionals[command.args.length]!}'`, command.usage);
	}
	const args: Record<string, string> = {};
	command.args.forEach((arg, position) => {
		const value = parsed.positionals[position];
		if (value !== undefined) args[arg.name] = value;
	});
	for (const name of command.booleanValued ?? []) {
		const value = values[name];
		if (value !== undefined && value !== 'true' && value !== 'false') {
			throw new UsageError(`--${name} must be true or false, got '${String(value)}'`, command.usage);
		}
	}
	return {kind: 'run', command, args, values};
}

function clientVersion(): string {
	try {
		// Same relative place from source/client/ and dist/client/.
		const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version?: string};
		return `${PROGRAM} ${pkg.version ?? 'unknown'}`;
	} catch {
		return `${PROGRAM} unknown`;
	}
}

function clientContext(values: OptionValues, env: NodeJS.ProcessEnv, usage: string): ClientContext {
	const fromFlag = typeof values.url === 'string';
	const urlText = fromFlag ? (values.url as string) : env.FLASHQ_URL || DEFAULT_URL;
	const source = fromFlag ? '--url' : env.FLASHQ_URL ? 'FLASHQ_URL' : 'the default URL';
	let baseUrl: URL;
	try {
		// "localhost:8080" is what people type; a scheme-less address means http.
		baseUrl = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(urlText) ? urlText : `http://${urlText}`);
	} catch {
		throw new UsageError(`${source} is not a valid URL: '${urlText}'`, usage);
	}
	if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') {
		throw new UsageError(`${source} must be an http:// or https:// URL, got '${urlText}'`, usage);
	}
	if (typeof values.port === 'string') {
		const port = Number(values.port);
		if (!/^\d+$/.test(values.port) || port < 1 || port > 65_535) {
			throw new UsageError(`--port must be a port number (1-65535), got '${values.port}'`, usage);
		}
		baseUrl.port = values.port;
	}
	const token = typeof values.token === 'string' ? values.token : env.FLASHQ_TOKEN;
	let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
	if (typeof values.timeout === 'string') {
		timeoutSeconds = Number(values.timeout);
		// setTimeout's ceiling (~24.8 days) bounds AbortSignal.timeout as well.
		if (values.timeout.trim() === '' || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 2_000_000) {
			throw new UsageError(`--timeout must be a positive number of seconds, got '${values.timeout}'`, usage);
		}
	}
	return {baseUrl, token: token === '' ? undefined : token, timeoutMs: Math.max(1, Math.round(timeoutSeconds * 1000))};
}

/**
 * The CLI client: `flashq-demo client <argv...>`. Never exits the process; returns the exit code
 * (0 success, 1 failure reported by the server / connection / input file, 2 usage error).
 */
export async function runClient(
	argv: string[],
	env: NodeJS.ProcessEnv,
	io: ClientIo = {stdout: process.stdout, stderr: process.stderr},
): Promise<number> {
	const print = (line: string) => void io.stdout.write(`${line}\n`);
	const warn = (line: string) => void io.stderr.write(`${line}\n`);
	let json = false;
	try {
		const parsed = parseCommandLine(argv);
		if (parsed.kind === 'text') {
			print(parsed.text);
			return 0;
		}
		json = parsed.values.json === true;
		const context: RunContext = {api: clientContext(parsed.values, env, parsed.command.usage), json, print, warn, signal: io.signal, io};
		await parsed.command.run(context, {args: parsed.args, values: parsed.values, usage: parsed.command.usage});
		return 0;
	} catch (error) {
		if (error instanceof UsageError) {
			warn(`${PROGRAM}: ${error.message}`);
			warn('');
			warn(error.usage);
			return 2;
		}
		if (error instanceof CommandFailure) {
			// Scripts using --json still get the server's error object on stdout.
			if (json && error.jsonBody !== undefined) print(error.jsonBody.replace(/\n$/, ''));
			warn(error.message);
			return 1;
		}
		warn(`${PROGRAM}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		return 1;
	}
}
