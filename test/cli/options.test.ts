/** parseArgs: every flag, both `--flag value` and `--flag=value`, and every bad value's message. */
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {parseArgs, UsageError} from '../../source/cli/options.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseArgs(argv, env, import.meta);
const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
	const parsed = parse(argv, env);
	if (parsed.kind !== 'run') throw new Error(`expected run, got ${parsed.kind}`);
	return parsed.options;
};
const usage = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
	try {
		parse(argv, env);
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		return (error as Error).message;
	}
	throw new Error('expected a usage error');
};

describe('defaults', () => {
	test('no flags: memory, no server, TUI', () => {
		expect(run([])).toEqual({storage: {storage: 'memory'}, maxTopics: 10_000, dataDir: null, serve: null, headless: false, once: false, tour: null});
	});

	test('--max-topics N / --max-topics=N, with either storage', () => {
		expect(run(['--max-topics', '5']).maxTopics).toBe(5);
		expect(run(['--data-dir', 'x', '--max-topics=300']).maxTopics).toBe(300);
	});

	test('--headless implies --serve on 8080, loopback, no token', () => {
		expect(run(['--headless']).serve).toEqual({host: '127.0.0.1', port: 8080, token: undefined});
	});

	test('--storage file: ./flashq-data, sync always, threshold 10, cache 1000', () => {
		expect(run(['--storage', 'file'])).toMatchObject({
			dataDir: './flashq-data',
			storage: {storage: 'file', dataDir: path.resolve('./flashq-data'), sync: 'always', commitThreshold: 10, cacheSize: 1000},
		});
	});

	test('--help and --version (and -h)', () => {
		expect(parse(['--help'])).toEqual({kind: 'help'});
		expect(parse(['-h'])).toEqual({kind: 'help'});
		expect(parse(['--version'])).toEqual({kind: 'version'});
		expect(parse(['--storage', 'memory', '--help'])).toEqual({kind: 'help'});
	});
});

describe('values', () => {
	test.each([
		[['--data-dir', '/tmp/x'], ['--data-dir=/tmp/x']],
		[['--storage', 'file', '--sync', 'never'], ['--storage=file', '--sync=never']],
		[['--data-dir', 'd', '--commit-threshold', '5', '--cache-size', '0'], ['--data-dir=d', '--commit-threshold=5', '--cache-size=0']],
		[['--serve', '9000', '--host', 'localhost', '--token', 't'], ['--serve=9000', '--host=localhost', '--token=t']],
		[['--port', '0'], ['--port=0']],
	])('%j equals %j', (spaced, equals) => {
		expect(run(spaced)).toEqual(run(equals));
	});

	test('--data-dir implies file storage; --repair is passed to it', () => {
		expect(run(['--data-dir', 'x', '--repair'])).toMatchObject({dataDir: 'x', storage: {storage: 'file', dataDir: path.resolve('x'), repair: true}});
		expect(run(['--storage', 'file', '--data-dir', 'x', '--sync', 'periodic', '--commit-threshold', '100', '--cache-size', '50']).storage).toMatchObject({
			sync: 'periodic',
			commitThreshold: 100,
			cacheSize: 50,
		});
	});

	test('bare --serve is 8080, also before another flag; --serve N and --port N', () => {
		expect(run(['--serve']).serve?.port).toBe(8080);
		expect(run(['--serve', '--storage', 'memory']).serve?.port).toBe(8080);
		expect(run(['--serve', '0']).serve?.port).toBe(0);
		expect(run(['--port', '9001']).serve?.port).toBe(9001);
		expect(run(['--serve', '--port', '9002']).serve?.port).toBe(9002);
		expect(run(['--headless', '--serve', '9003']).serve?.port).toBe(9003);
	});

	test('the last of a repeated flag wins', () => {
		expect(run(['--storage', 'file', '--storage', 'memory']).storage).toEqual({storage: 'memory'});
	});

	test('FLASHQ_TOKEN gives the token; --token wins over it', () => {
		expect(run(['--serve'], {FLASHQ_TOKEN: 'env'}).serve?.token).toBe('env');
		expect(run(['--serve', '--token', 'flag'], {FLASHQ_TOKEN: 'env'}).serve?.token).toBe('flag');
		expect(run(['--serve'], {FLASHQ_TOKEN: ''}).serve?.token).toBeUndefined();
	});

	test('loopback hosts need no token; others need one', () => {
		for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(run(['--serve', '--host', host]).serve?.host).toBe(host);
		expect(run(['--serve', '--host', '0.0.0.0', '--token', 't']).serve).toEqual({host: '0.0.0.0', port: 8080, token: 't'});
		expect(run(['--serve', '--host', '0.0.0.0'], {FLASHQ_TOKEN: 'e'}).serve?.token).toBe('e');
	});

	test('--once', () => {
		expect(run(['--once']).once).toBe(true);
	});
});

describe('errors name the flag and the allowed values', () => {
	test.each([
		[['--bogus'], /unknown flag --bogus/],
		[['-x'], /unknown flag -x/],
		[['stray'], /unexpected argument 'stray'/],
		[['--storage', 'disk'], /--storage must be memory, file or nats, got 'disk'/],
		[['--storage'], /--storage needs a value \(memory, file or nats\)/],
		[['--storage='], /--storage must be memory, file or nats, got ''/],
		[['--data-dir', 'x', '--sync', 'sometimes'], /--sync must be one of always, periodic, never, got 'sometimes'/],
		[['--data-dir', 'x', '--commit-threshold', '0'], /--commit-threshold must be an integer >= 1, got '0'/],
		[['--data-dir', 'x', '--commit-threshold', 'ten'], /--commit-threshold must be an integer >= 1, got 'ten'/],
		[['--data-dir', 'x', '--cache-size', '-1'], /--cache-size needs a value|--cache-size must be an integer >= 0/],
		[['--data-dir', 'x', '--cache-size', '1.5'], /--cache-size must be an integer >= 0, got '1.5'/],
		[['--max-topics', '0'], /--max-topics must be an integer >= 1, got '0'/],
		[['--max-topics', 'many'], /--max-topics must be an integer >= 1, got 'many'/],
		[['--serve', '70000'], /--serve must be a port number 0..65535, got '70000'/],
		[['--port', 'http'], /--port must be a port number 0..65535, got 'http'/],
		[['--serve', 'abc'], /--serve must be a port number 0..65535, got 'abc'/],
		[['--serve', 'notaport', '--data-dir', 'x'], /--serve must be a port number 0..65535, got 'notaport'/],
		// The bad value is named even without file storage (its fix comes first).
		[['--sync', 'bogus'], /--sync must be one of always, periodic, never, got 'bogus'/],
		[['--cache-size', 'lots'], /--cache-size must be an integer >= 0, got 'lots'/],
		// --once prints a frame and exits: nothing would be served.
		[['--serve', '--once'], /--serve does not apply with --once/],
		[['--once', '--port', '9000'], /--port does not apply with --once/],
		[['--once', '--headless'], /--headless does not apply with --once/],
		[['--sync', 'never'], /--sync applies only to file storage/],
		[['--commit-threshold', '5'], /--commit-threshold applies only to file storage/],
		[['--storage', 'memory', '--data-dir', 'x'], /--data-dir implies --storage file/],
		[['--serve', '--host', '0.0.0.0'], /--host 0.0.0.0 is not a loopback address: it needs --token TOKEN \(or FLASHQ_TOKEN\)/],
		[['--host', '127.0.0.1'], /--host applies only with --serve/],
		[['--headless=yes'], /--headless takes no value/],
		[['--serve', '--token='], /--token needs a value/],
	])('%j', (argv, message) => {
		expect(usage(argv)).toMatch(message);
	});

	test('each message is one line', () => {
		expect(usage(['--storage', 'disk'])).not.toContain('\n');
	});
});

describe('--storage nats', () => {
	const url = 'nats://127.0.0.1:4222';

	test('--storage nats --nats-url URL[,URL...]: the servers, defaults left to the backend', () => {
		expect(run(['--storage', 'nats', '--nats-url', `${url},nats://10.0.0.2:4222`])).toMatchObject({
			dataDir: null,
			storage: {storage: 'nats', servers: [url, 'nats://10.0.0.2:4222']},
		});
		expect(run(['--storage', 'nats', '--nats-url', url]).storage).toEqual({storage: 'nats', servers: [url]});
	});

	test('--nats-url implies --storage nats; replicas, prefix and creds', () => {
		expect(run([`--nats-url=${url}`, '--nats-replicas', '3', '--nats-prefix', 'orders-eu', '--nats-creds', 'x.creds']).storage).toEqual({
			storage: 'nats',
			servers: [url],
			replicas: 3,
			prefix: 'orders-eu',
			credsFile: path.resolve('x.creds'),
		});
	});

	test('FLASHQ_NATS_URL stands in for --nats-url with --storage nats (the flag wins)', () => {
		expect(run(['--storage', 'nats'], {FLASHQ_NATS_URL: url}).storage).toEqual({storage: 'nats', servers: [url]});
		expect(run(['--storage', 'nats', '--nats-url', 'nats://b:4222'], {FLASHQ_NATS_URL: url}).storage).toEqual({storage: 'nats', servers: ['nats://b:4222']});
		// The variable alone does not switch a run to nats storage.
		expect(run([], {FLASHQ_NATS_URL: url}).storage).toEqual({storage: 'memory'});
	});

	test.each([
		[['--storage', 'nats'], /--storage nats needs --nats-url URL/],
		[['--storage', 'nats', '--nats-url', 'http://x:80'], /--nats-url must be nats:\/\/host:port URLs separated by commas, got 'http:\/\/x:80'/],
		[['--nats-url', url, '--data-dir', 'x'], /--data-dir does not apply to nats storage/],
		[['--nats-url', url, '--sync', 'always'], /--sync does not apply to nats storage/],
		[['--nats-url', url, '--commit-threshold', '5'], /--commit-threshold does not apply to nats storage/],
		[['--nats-url', url, '--cache-size', '5'], /--cache-size does not apply to nats storage/],
		[['--nats-url', url, '--nats-replicas', '0'], /--nats-replicas must be an integer 1..5, got '0'/],
		[['--nats-url', url, '--nats-prefix', 'a_b'], /--nats-prefix must be 1-32 letters, digits or -, got 'a_b'/],
		[['--nats-replicas', '3'], /--nats-replicas applies only to nats storage \(add --storage nats\)/],
		[['--data-dir', 'x', '--nats-prefix', 'p'], /--nats-prefix applies only to nats storage/],
		[['--storage', 'file', '--nats-url', url], /--nats-url applies only to nats storage/],
		[['--tour', '--nats-url', url], /--tour runs its lessons on memory or file storage, not nats/],
		[['--connect', 'http://h:8080', '--nats-url', url], /--nats-url does not apply with --connect/],
	])('%j', (argv, message) => {
		expect(usage(argv)).toMatch(message);
	});
});

describe('--tour and --seed', () => {
	test('--tour: seed 1, file storage, lesson dirs in the temp dir, no server', () => {
		expect(run(['--tour'])).toMatchObject({tour: {seed: 1, storage: 'file', dataDir: undefined}, serve: null, headless: false, once: false});
	});

	test('--seed N and --seed=N; --once; --data-dir; --storage memory', () => {
		expect(run(['--tour', '--seed', '7']).tour?.seed).toBe(7);
		expect(run(['--seed=0', '--tour']).tour?.seed).toBe(0);
		expect(run(['--tour', '--once']).once).toBe(true);
		expect(run(['--tour', '--data-dir', 'lessons']).tour).toEqual({seed: 1, storage: 'file', dataDir: path.resolve('lessons')});
		expect(run(['--tour', '--storage', 'memory']).tour?.storage).toBe('memory');
	});

	test.each(['-1', '1.5', 'seven', '', '1e3', String(2 ** 53)])('--seed %j: must be a non-negative integer', (value) => {
		expect(usage(['--tour', `--seed=${value}`])).toBe(`--seed must be a non-negative integer, got '${value}'`);
	});

	test('--seed without --tour', () => {
		expect(usage(['--seed', '3'])).toBe('--seed applies only with --tour');
	});

	test('--tour takes no value', () => {
		expect(usage(['--tour=yes'])).toBe('--tour takes no value');
	});

	test.each([['--serve'], ['--headless'], ['--port', '1'], ['--sync', 'never'], ['--commit-threshold', '3'], ['--cache-size', '5'], ['--max-topics', '5'], ['--repair']])(
		'--tour with %s is refused',
		(...args) => {
			expect(usage(['--tour', ...args])).toMatch(new RegExp(`^${args[0]} does not apply with --tour`));
		},
	);
});

describe('--connect URL', () => {
	test('opens the app on a served queue, with --token or FLASHQ_TOKEN, and --once', () => {
		expect(run(['--connect', 'http://teacher:8080']).connect).toEqual({url: 'http://teacher:8080', token: undefined});
		expect(run(['--connect=http://127.0.0.1:8080/', '--token', 'abc']).connect).toEqual({url: 'http://127.0.0.1:8080', token: 'abc'});
		expect(run(['--connect', 'https://q.example/flashq'], {FLASHQ_TOKEN: 'env-token'}).connect).toEqual({url: 'https://q.example/flashq', token: 'env-token'});
		const once = run(['--connect', 'http://h:1', '--once']);
		expect(once).toMatchObject({once: true, serve: null, tour: null, headless: false});
	});

	test('the queue is the remote one: flags that make or serve a queue here are refused', () => {
		for (const argv of [
			['--storage', 'file'],
			['--data-dir', 'd'],
			['--sync', 'never'],
			['--commit-threshold', '5'],
			['--cache-size', '5'],
			['--max-topics', '5'],
			['--repair'],
			['--serve'],
			['--port', '80'],
			['--host', '0.0.0.0'],
			['--headless'],
			['--tour'],
		]) {
			expect(usage(['--connect', 'http://h:1', ...argv])).toBe(`${argv[0]} does not apply with --connect (the queue, its storage and its server are the remote one's)`);
		}
	});

	test('a URL that is not http(s), or a bad token, is a usage error', () => {
		expect(usage(['--connect', 'teacher'])).toBe("--connect must be a server URL such as http://127.0.0.1:8080, got 'teacher'");
		expect(usage(['--connect', 'ftp://h/'])).toBe("--connect must be an http:// or https:// URL, got 'ftp://h/'");
		expect(usage(['--connect'])).toBe('--connect needs a value (a server URL such as http://127.0.0.1:8080)');
		expect(usage(['--connect', 'http://h:1', '--token', 'has space'])).toMatch(/^--token is not a valid bearer token/);
	});
});
