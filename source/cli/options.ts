import path from 'node:path';
import meow from 'meow';
import type {SyncMode} from '../engine/types.js';
import {SYNC_MODES} from '../engine/types.js';
import {DEFAULT_MAX_TOPICS} from '../engine/flashq.js';
import type {FileStorageOptions, NatsStorageOptions, StorageOptions} from '../storage/types.js';
import {bearerTokenProblem, isLoopback} from '../server/auth.js';
import {USAGE} from './usage.js';

/** A bad flag or value: the CLI prints the message and a pointer to --help on stderr and exits 2. */
export class UsageError extends Error {
	override name = 'UsageError';
}

export interface CliOptions {
	storage: StorageOptions;
	/** `--max-topics N`: the engine refuses to create topics past it (409 topic_limit_reached). */
	maxTopics: number;
	/** The data dir as given (for messages); null for memory storage. */
	dataDir: string | null;
	/** null: no server. */
	serve: {host: string; port: number; token: string | undefined; readToken?: string | undefined} | null;
	headless: boolean;
	once: boolean;
	/** `--tour [--seed N]`: the guided tour on its own engines (lesson directories inside `dataDir`, default the temp dir). */
	tour: {seed: number; storage: 'file' | 'memory'; dataDir: string | undefined} | null;
	/** `--connect URL [--token T]`: the app on a queue served elsewhere (no engine of its own). */
	connect?: {url: string; token: string | undefined} | null;
}

export type ParsedArgs = {kind: 'help'} | {kind: 'version'} | {kind: 'run'; options: CliOptions};

const DEFAULT_PORT = 8080;
const DEFAULT_DATA_DIR = './flashq-data';
const STRING_FLAGS = ['storage', 'data-dir', 'sync', 'commit-threshold', 'cache-size', 'max-topics', 'serve', 'port', 'host', 'token', 'read-token', 'seed', 'connect', 'nats-url', 'nats-replicas', 'nats-prefix', 'nats-creds'] as const;
const BOOLEAN_FLAGS = ['headless', 'once', 'repair', 'tour', 'help', 'version'] as const;
const KNOWN = new Set<string>([...STRING_FLAGS, ...BOOLEAN_FLAGS]);

/**
 * Normalises argv before meow sees it: rejects unknown flags by name (meow's own message names
 * none of the allowed values), lets `--serve` stand alone (meow has no optional values), and turns
 * `-h` into `--help`.
 */
function preprocess(argv: readonly string[]): string[] {
	// Applied left to right: a repeated flag's last value wins (meow would refuse the repeat).
	const values = new Map<string, string>();
	const switches = new Set<string>();
	for (let index = 0; index < argv.length; index++) {
		const token = argv[index]!;
		if (token === '-h') {
			switches.add('help');
			continue;
		}
		if (token.startsWith('--')) {
			const equals = token.indexOf('=');
			const name = equals === -1 ? token.slice(2) : token.slice(2, equals);
			if (!KNOWN.has(name)) throw new UsageError(`unknown flag --${name} (see --help for the flags)`);
			if ((BOOLEAN_FLAGS as readonly string[]).includes(name)) {
				if (equals !== -1) throw new UsageError(`--${name} takes no value`);
				switches.add(name);
				continue;
			}
			if (equals !== -1) {
				values.set(name, token.slice(equals + 1));
				continue;
			}
			const next = argv[index + 1];
			// flashq-demo takes no positional argument: a word after --serve is its (perhaps bad) port.
			if (name === 'serve' && (next === undefined || next.startsWith('-'))) {
				values.set('serve', ''); // bare --serve: the default port
				continue;
			}
			if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value${allowed(name)}`);
			values.set(name, next);
			index++;
			continue;
		}
		if (token.startsWith('-') && token.length > 1) throw new UsageError(`unknown flag ${token} (see --help for the flags)`);
		throw new UsageError(`unexpected argument '${token}' (flashq-demo takes only flags; the client is 'flashq-demo client ...')`);
	}
	return [...[...values].map(([name, value]) => `--${name}=${value}`), ...[...switches].map((name) => `--${name}`)];
}

function allowed(name: string): string {
	switch (name) {
		case 'storage':
			return ' (memory, file or nats)';
		case 'nats-url':
			return ' (nats://host:4222, several separated by commas)';
		case 'nats-replicas':
			return ' (an integer 1..5)';
		case 'nats-prefix':
			return ' (1-32 letters, digits or -)';
		case 'nats-creds':
			return ' (a NATS credentials file)';
		case 'sync':
			return ` (${SYNC_MODES.join(', ')})`;
		case 'serve':
		case 'port':
			return ' (a port number 0..65535)';
		case 'commit-threshold':
			return ' (an integer >= 1)';
		case 'cache-size':
			return ' (an integer >= 0)';
		case 'max-topics':
			return ' (an integer >= 1)';
		case 'data-dir':
			return ' (a directory)';
		case 'seed':
			return ' (a non-negative integer)';
		case 'host':
			return ' (an address such as 127.0.0.1)';
		case 'connect':
			return ' (a server URL such as http://127.0.0.1:8080)';
		default:
			return '';
	}
}

const last = (value: unknown): string | undefined => value as string | undefined;
const camel = (name: string): string => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

function integer(flag: string, raw: string, min: number, max: number): number {
	const n = Number(raw);
	if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
		throw new UsageError(`--${flag} must be ${allowed(flag).slice(2, -1)}, got '${raw}'`);
	}
	return n;
}

/** Parses flashq-demo's flags (without `client ...`, which the caller dispatches first). */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, importMeta: ImportMeta): ParsedArgs {
	const cli = meow(USAGE, {
		importMeta,
		argv: preprocess(argv),
		autoHelp: false,
		autoVersion: false,
		allowUnknownFlags: false,
		flags: {
			storage: {type: 'string'},
			dataDir: {type: 'string'},
			sync: {type: 'string'},
			commitThreshold: {type: 'string'},
			cacheSize: {type: 'string'},
			maxTopics: {type: 'string'},
			serve: {type: 'string'},
			port: {type: 'string'},
			host: {type: 'string'},
			token: {type: 'string'},
			readToken: {type: 'string'},
			seed: {type: 'string'},
			connect: {type: 'string'},
			natsUrl: {type: 'string'},
			natsReplicas: {type: 'string'},
			natsPrefix: {type: 'string'},
			natsCreds: {type: 'string'},
			tour: {type: 'boolean', default: false},
			headless: {type: 'boolean', default: false},
			once: {type: 'boolean', default: false},
			repair: {type: 'boolean', default: false},
			help: {type: 'boolean', default: false},
			version: {type: 'boolean', default: false},
		},
	});
	const flags = cli.flags as Record<string, unknown>;
	if (flags['help']) return {kind: 'help'};
	if (flags['version']) return {kind: 'version'};

	const connectFlag = last(flags['connect']);
	if (connectFlag !== undefined) return {kind: 'run', options: connectOptions(connectFlag, flags, env)};

	const storageFlag = last(flags['storage']);
	const dataDirFlag = last(flags['dataDir']);
	if (storageFlag !== undefined && storageFlag !== 'memory' && storageFlag !== 'file' && storageFlag !== 'nats') {
		throw new UsageError(`--storage must be memory, file or nats, got '${storageFlag}'`);
	}
	if (dataDirFlag === '') throw new UsageError('--data-dir needs a value (a directory)');
	if (storageFlag === 'memory' && dataDirFlag !== undefined) {
		throw new UsageError('--data-dir implies --storage file, but --storage memory was given');
	}
	const natsUrlFlag = last(flags['natsUrl']);
	// --nats-url implies nats storage as --data-dir implies file storage.
	const kind = storageFlag ?? (natsUrlFlag !== undefined ? 'nats' : dataDirFlag !== undefined ? 'file' : 'memory');
	if (kind !== 'nats') {
		const natsOnly = (['nats-url', 'nats-replicas', 'nats-prefix', 'nats-creds'] as const).find((name) => flags[camel(name)] !== undefined);
		if (natsOnly) throw new UsageError(`--${natsOnly} applies only to nats storage (add --storage nats)`);
	}

	const tourFlag = flags['tour'] === true;
	const seedFlag = last(flags['seed']);
	if (seedFlag !== undefined && !tourFlag) throw new UsageError('--seed applies only with --tour');
	if (tourFlag) {
		if (kind === 'nats') throw new UsageError('--tour runs its lessons on memory or file storage, not nats');
		// Each lesson opens its own engines with the options it teaches, and nothing else runs.
		const clash = (['sync', 'commit-threshold', 'cache-size', 'max-topics', 'repair', 'serve', 'port', 'host', 'token', 'read-token', 'headless'] as const).find((name) => {
			const camel = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
			const value = flags[camel];
			return value !== undefined && value !== false;
		});
		if (clash) throw new UsageError(`--${clash} does not apply with --tour (each lesson sets its own storage options and no server runs)`);
		const seed = seedFlag === undefined ? 1 : integer('seed', seedFlag, 0, Number.MAX_SAFE_INTEGER);
		return {
			kind: 'run',
			options: {
				storage: {storage: 'memory'},
				maxTopics: DEFAULT_MAX_TOPICS,
				dataDir: dataDirFlag ?? null,
				serve: null,
				headless: false,
				once: flags['once'] === true,
				tour: {seed, storage: storageFlag === 'memory' ? 'memory' : 'file', dataDir: dataDirFlag === undefined ? undefined : path.resolve(dataDirFlag)},
			},
		};
	}

	const syncFlag = last(flags['sync']);
	const thresholdFlag = last(flags['commitThreshold']);
	const cacheFlag = last(flags['cacheSize']);
	const repair = flags['repair'] === true;
	// A bad value is named first, whatever the storage: its fix comes before "file storage only".
	if (syncFlag !== undefined && !(SYNC_MODES as readonly string[]).includes(syncFlag)) {
		throw new UsageError(`--sync must be one of ${SYNC_MODES.join(', ')}, got '${syncFlag}'`);
	}
	const threshold = thresholdFlag === undefined ? 10 : integer('commit-threshold', thresholdFlag, 1, 1_000_000);
	const cacheSize = cacheFlag === undefined ? 1000 : integer('cache-size', cacheFlag, 0, 100_000_000);
	let storage: StorageOptions;
	let dataDir: string | null = null;
	if (kind === 'nats') {
		storage = natsOptions(flags, env, {'data-dir': dataDirFlag, sync: syncFlag, 'commit-threshold': thresholdFlag, 'cache-size': cacheFlag, repair: repair ? 'true' : undefined});
	} else if (kind === 'file') {
		dataDir = dataDirFlag ?? DEFAULT_DATA_DIR;
		const file: FileStorageOptions = {storage: 'file', dataDir: path.resolve(dataDir), sync: 'always'};
		if (syncFlag !== undefined) file.sync = syncFlag as SyncMode;
		file.commitThreshold = threshold;
		file.cacheSize = cacheSize;
		if (repair) file.repair = true;
		storage = file;
	} else {
		const fileOnly = [
			['sync', syncFlag],
			['commit-threshold', thresholdFlag],
			['cache-size', cacheFlag],
			['repair', repair ? 'true' : undefined],
		].find(([, value]) => value !== undefined);
		if (fileOnly) throw new UsageError(`--${fileOnly[0]} applies only to file storage (add --storage file or --data-dir DIR)`);
		storage = {storage: 'memory'};
	}

	const maxTopicsFlag = last(flags['maxTopics']);
	const maxTopics = maxTopicsFlag === undefined ? DEFAULT_MAX_TOPICS : integer('max-topics', maxTopicsFlag, 1, 100_000_000);

	const headless = flags['headless'] === true;
	if (flags['once'] === true) {
		// --once prints a frame and exits: a server would bind a port that nothing can reach.
		const serving = (['serve', 'port', 'host', 'token', 'read-token', 'headless'] as const).find((name) => flags[camel(name)] !== undefined && flags[camel(name)] !== false);
		if (serving) throw new UsageError(`--${serving} does not apply with --once (it prints one frame and exits; nothing would be served)`);
	}
	const serveFlag = last(flags['serve']);
	const portFlag = last(flags['port']);
	let port: number | null = null;
	if (portFlag !== undefined) port = integer('port', portFlag, 0, 65_535);
	else if (serveFlag !== undefined && serveFlag !== '') port = integer('serve', serveFlag, 0, 65_535);
	else if (serveFlag !== undefined || headless) port = DEFAULT_PORT;

	const hostFlag = last(flags['host']);
	const tokenFlag = last(flags['token']);
	if (hostFlag === '') throw new UsageError('--host needs a value (an address such as 127.0.0.1)');
	if (tokenFlag === '') throw new UsageError('--token needs a value (a secret string)');
	const token = tokenFlag ?? (env['FLASHQ_TOKEN'] || undefined);
	const tokenProblem = token === undefined ? undefined : bearerTokenProblem(token);
	if (tokenProblem !== undefined) throw new UsageError(`${tokenFlag === undefined ? 'FLASHQ_TOKEN' : '--token'} ${tokenProblem}`);
	const readTokenFlag = last(flags['readToken']);
	if (readTokenFlag === '') throw new UsageError('--read-token needs a value (a secret string)');
	const readToken = readTokenFlag ?? (env['FLASHQ_READ_TOKEN'] || undefined);
	const readTokenProblem = readToken === undefined ? undefined : bearerTokenProblem(readToken);
	if (readTokenProblem !== undefined) throw new UsageError(`${readTokenFlag === undefined ? 'FLASHQ_READ_TOKEN' : '--read-token'} ${readTokenProblem}`);
	if (readToken !== undefined && readToken === token) throw new UsageError('--read-token must differ from --token (the read token may only read)');
	const host = hostFlag ?? '127.0.0.1';
	if (port === null && (hostFlag !== undefined || tokenFlag !== undefined || readTokenFlag !== undefined)) {
		throw new UsageError(`--${hostFlag !== undefined ? 'host' : tokenFlag !== undefined ? 'token' : 'read-token'} applies only with --serve [PORT] or --headless`);
	}
	// Either token will do: a server only a read token opens serves watchers and takes no writes over HTTP.
	if (port !== null && !isLoopback(host) && token === undefined && readToken === undefined) {
		throw new UsageError(`--host ${host} is not a loopback address: it needs --token TOKEN (or FLASHQ_TOKEN) or --read-token TOKEN (or FLASHQ_READ_TOKEN)`);
	}

	return {
		kind: 'run',
		options: {
			storage,
			maxTopics,
			dataDir,
			serve: port === null ? null : {host, port, token, ...(readToken === undefined ? {} : {readToken})},
			headless,
			once: flags['once'] === true,
			tour: null,
		},
	};
}

/**
 * `--storage nats`: the cluster's URLs (`--nats-url`, else FLASHQ_NATS_URL), replicas, prefix and
 * credentials. File storage's flags mean nothing there (the cluster keeps the data and decides when
 * it reaches disk), so they are refused rather than ignored.
 */
function natsOptions(flags: Record<string, unknown>, env: NodeJS.ProcessEnv, fileFlags: Record<string, string | undefined>): NatsStorageOptions {
	const fileOnly = Object.entries(fileFlags).find(([, value]) => value !== undefined);
	if (fileOnly) {
		throw new UsageError(`--${fileOnly[0]} does not apply to nats storage (the NATS cluster keeps the data and decides when it is synced; drop --${fileOnly[0]})`);
	}
	const urlFlag = last(flags['natsUrl']);
	const raw = urlFlag ?? (env['FLASHQ_NATS_URL'] || undefined);
	if (raw === undefined || raw === '') throw new UsageError('--storage nats needs --nats-url URL[,URL...] (or FLASHQ_NATS_URL), e.g. nats://127.0.0.1:4222');
	const servers = raw.split(',').map((url) => url.trim());
	for (const server of servers) {
		let url: URL | null = null;
		try {
			url = new URL(server.includes('://') ? server : `nats://${server}`);
		} catch {
			// reported below
		}
		if (!url || !['nats:', 'tls:'].includes(url.protocol) || url.hostname === '') {
			throw new UsageError(`${urlFlag === undefined ? 'FLASHQ_NATS_URL' : '--nats-url'} must be nats://host:port URLs separated by commas, got '${server}'`);
		}
	}
	const options: NatsStorageOptions = {storage: 'nats', servers};
	const replicasFlag = last(flags['natsReplicas']);
	if (replicasFlag !== undefined) options.replicas = integer('nats-replicas', replicasFlag, 1, 5);
	const prefixFlag = last(flags['natsPrefix']);
	if (prefixFlag !== undefined) {
		if (!/^[A-Za-z0-9-]{1,32}$/.test(prefixFlag)) throw new UsageError(`--nats-prefix must be ${allowed('nats-prefix').slice(2, -1)}, got '${prefixFlag}'`);
		options.prefix = prefixFlag;
	}
	const credsFlag = last(flags['natsCreds']);
	if (credsFlag !== undefined) {
		if (credsFlag === '') throw new UsageError('--nats-creds needs a value (a NATS credentials file)');
		options.credsFile = path.resolve(credsFlag);
	}
	return options;
}

/** Flags that make or serve a queue here: with --connect the queue is the server's. */
const NOT_WITH_CONNECT = ['storage', 'data-dir', 'sync', 'commit-threshold', 'cache-size', 'max-topics', 'repair', 'serve', 'port', 'host', 'headless', 'tour', 'seed', 'read-token', 'nats-url', 'nats-replicas', 'nats-prefix', 'nats-creds'] as const;

/** `--connect URL [--token T] [--once]`: the app on the queue a `flashq-demo --serve` runs elsewhere. */
function connectOptions(raw: string, flags: Record<string, unknown>, env: NodeJS.ProcessEnv): CliOptions {
	const clash = NOT_WITH_CONNECT.find((name) => {
		const value = flags[name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())];
		return value !== undefined && value !== false;
	});
	if (clash === 'read-token') throw new UsageError('--read-token applies with --serve; to connect with a read token, pass it as --token');
	if (clash) throw new UsageError(`--${clash} does not apply with --connect (the queue, its storage and its server are the remote one's)`);
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new UsageError(`--connect must be a server URL such as http://127.0.0.1:8080, got '${raw}'`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--connect must be an http:// or https:// URL, got '${raw}'`);
	const tokenFlag = last(flags['token']);
	if (tokenFlag === '') throw new UsageError('--token needs a value (the token the server was started with)');
	const token = tokenFlag ?? (env['FLASHQ_TOKEN'] || undefined);
	const tokenProblem = token === undefined ? undefined : bearerTokenProblem(token);
	if (tokenProblem !== undefined) throw new UsageError(`${tokenFlag === undefined ? 'FLASHQ_TOKEN' : '--token'} ${tokenProblem}`);
	return {
		storage: {storage: 'memory'},
		maxTopics: DEFAULT_MAX_TOPICS,
		dataDir: null,
		serve: null,
		headless: false,
		once: flags['once'] === true,
		tour: null,
		connect: {url: url.href.replace(/\/$/, ''), token},
	};
}
