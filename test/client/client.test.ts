import {execFile} from 'node:child_process';
import {createServer as createHttpServer} from 'node:http';
import {createServer as createNetServer, type Server, type Socket} from 'node:net';
import type {AddressInfo} from 'node:net';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import {startServer} from '../../source/server/server.js';
import {clientSuite, type Target} from './client.suite.js';
import {type FakeServer, startFakeServer} from './fake-server.js';
import {runCli} from './run-cli.js';

describe('client against the fake server (HTTP contract double)', () => {
	clientSuite(startFakeServer);
});

async function startLive(options: {token?: string} = {}): Promise<Target> {
	const queue = await FlashQ.open({storage: 'memory'});
	const server = await startServer({queue, host: '127.0.0.1', port: 0, ...options});
	return {
		url: server.url,
		async close() {
			await server.close();
			await queue.close();
		},
	};
}

describe('client against the real server and engine', () => {
	clientSuite(() => startLive());

	describe('with a token', () => {
		let live: Target;
		beforeEach(async () => {
			live = await startLive({token: 's3cret'});
		});
		afterEach(async () => {
			await live.close();
		});

		it('401 without the token exits 1 with a hint; --token and FLASHQ_TOKEN work; health needs none', async () => {
			const denied = await runCli(['consumer', 'create', 'g', '--url', live.url]);
			expect(denied.code).toBe(1);
			expect(denied.stderr).toMatch(/^Failed to create consumer group: unauthorized.*FLASHQ_TOKEN/);
			const health = await runCli(['health', '--url', live.url]);
			expect({code: health.code, lines: health.lines}).toEqual({code: 0, lines: ['Server Status: healthy']});
			expect((await runCli(['health', '--url', live.url, '--token', 's3cret'])).lines[1]).toBe('Service: flashq');
			expect((await runCli(['consumer', 'create', 'g', '--url', live.url, '--token', 's3cret'])).code).toBe(0);
			const viaEnv = await runCli(['groups'], {FLASHQ_URL: live.url, FLASHQ_TOKEN: 's3cret'});
			expect(viaEnv.code).toBe(0);
			expect(viaEnv.lines[1]).toMatch(/^g\s/);
		});
	});

	describe('through the flashq-demo executable', () => {
		let live: Target;
		beforeEach(async () => {
			live = await startLive();
		});
		afterEach(async () => {
			await live.close();
		});

		const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
		const cliSource = fileURLToPath(new URL('../../source/cli.ts', import.meta.url));
		const exec = (args: string[]) =>
			new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) => {
				execFile(tsx, [cliSource, 'client', ...args], {env: {...process.env, FLASHQ_URL: live.url, FLASHQ_TOKEN: ''}}, (error, stdout, stderr) =>
					resolve({code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr}),
				);
			});

		it('exits 0, 1 and 2 as documented', async () => {
			const ok = await exec(['producer', 'records', 't', 'hello']);
			expect(ok).toMatchObject({code: 0, stdout: "Posted record to topic 't' with offset: 0\n"});
			const failed = await exec(['consumer', 'fetch', 'nobody', 't']);
			expect(failed.code).toBe(1);
			expect(failed.stderr).toMatch(/^Failed to fetch records: group_not_found/);
			const usage = await exec(['consumer', 'fetch', 'nobody']);
			expect(usage.code).toBe(2);
			expect(usage.stderr).toContain('missing argument TOPIC');
		});
	});
});

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('client requests (checked on the fake server)', () => {
	let fake: FakeServer;
	beforeEach(async () => {
		fake = await startFakeServer({token: 's3cret'});
	});
	afterEach(async () => {
		await fake.close();
	});

	it('sends the token from --token or FLASHQ_TOKEN as a bearer token; 401 exits 1 with a hint', async () => {
		const denied = await runCli(['topics', '--url', fake.url]);
		expect(denied.code).toBe(1);
		expect(denied.stderr).toMatch(/^Failed to list topics: unauthorized .*FLASHQ_TOKEN/);
		expect((await runCli(['topics', '--url', fake.url, '--token', 's3cret'])).code).toBe(0);
		expect((await runCli(['topics'], {FLASHQ_URL: fake.url, FLASHQ_TOKEN: 's3cret'})).code).toBe(0);
		expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer s3cret');
	});

	it('sends exactly the documented request bodies and encoded paths', async () => {
		const auth = ['--url', fake.url, '--token', 's3cret'];
		await runCli(['producer', 'records', 'my.topic', 'v', '-k', 'k', '--header', 'a=b', ...auth]);
		expect(fake.requests.at(-1)).toMatchObject({method: 'POST', url: '/topics/my.topic/records'});
		expect(fake.requests.at(-1)!.headers['content-type']).toBe('application/json');
		expect(JSON.parse(fake.requests.at(-1)!.body)).toEqual({records: [{value: 'v', key: 'k', headers: {a: 'b'}}]});
		await runCli(['consumer', 'create', 'g', ...auth]);
		expect(fake.requests.at(-1)).toMatchObject({method: 'POST', url: '/consumer/g', body: ''});
		await runCli(['consumer', 'offset', 'commit', 'g', 'my.topic', '1', '--metadata', 'm', ...auth]);
		// --metadata is accepted and not sent (the server ignores it).
		expect(JSON.parse(fake.requests.at(-1)!.body)).toEqual({offset: 1});
		await runCli(['consumer', 'fetch', 'g', 'my.topic', '--max-records', '5', '--from-offset', '0', '--no-include-headers', ...auth]);
		expect(fake.requests.at(-1)!.url).toBe('/consumer/g/topics/my.topic?max_records=5&from_offset=0&include_headers=false');
		await runCli(['consumer', 'poll', 'my.topic', '--max-bytes', '4096', ...auth]);
		expect(fake.requests.at(-1)!.url).toBe('/topics/my.topic/records?max_bytes=4096');
		await runCli(['consumer', 'create', 'a b?#/', ...auth]);
		expect(fake.requests.at(-1)!.url).toBe('/consumer/a%20b%3F%23%2F');
	});

	it('shows the raw status when an error body is not JSON, and keeps a --url path prefix', async () => {
		const result = await runCli(['health', '--url', `${fake.url}/prefix/`, '--token', 's3cret']);
		expect(fake.requests.at(-1)!.url).toBe('/prefix/health');
		expect(result.code).toBe(1);
		expect(result.stderr.trim()).toBe('Failed to check health: HTTP 404 Not Found');
	});
});

describe('client failures without a working server', () => {
	const closers: (() => void)[] = [];
	afterEach(() => {
		for (const close of closers.splice(0)) close();
	});

	it('connection refused: "Failed to connect to server", exit 1', async () => {
		const server = createNetServer();
		const url = await listen(server);
		await new Promise((resolve) => server.close(resolve));
		for (const args of [['health'], ['producer', 'records', 't', 'v'], ['consumer', 'fetch', 'g', 't']]) {
			const result = await runCli([...args, '--url', url]);
			expect(result.code).toBe(1);
			expect(result.stderr).toMatch(/^Failed to connect to server: .*ECONNREFUSED/);
			expect(result.stdout).toBe('');
		}
	});

	it('a server that never answers: gives up after --timeout, exit 1', async () => {
		const sockets: Socket[] = [];
		const server = createNetServer((socket) => sockets.push(socket));
		const url = await listen(server);
		closers.push(() => {
			for (const socket of sockets) socket.destroy();
			server.close();
		});
		const result = await runCli(['health', '--url', url, '--timeout', '0.2']);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^Failed to connect to server: no response from .* within 200 ms/);
	});

	it('an https:// URL on a plain-HTTP server: one line that says so, exit 1', async () => {
		const server = createHttpServer((_req, res) => res.end('{}'));
		const url = await listen(server);
		closers.push(() => server.close());
		const result = await runCli(['health', '--url', url.replace('http://', 'https://')]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^Failed to connect to server: https:\/\/\S+ does not speak TLS .*Try --url http:\/\/\S+\n$/);
		expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
	});

	it('health exits 1 when the server reports a status other than healthy, also with --json', async () => {
		const body = '{"status":"degraded","service":"flashq","timestamp":1}';
		const server = createHttpServer((_req, res) => res.writeHead(200, {'content-type': 'application/json'}).end(body));
		const url = await listen(server);
		closers.push(() => server.close());
		const text = await runCli(['health', '--url', url]);
		expect(text.code).toBe(1);
		expect(text.lines[0]).toBe('Server Status: degraded');
		expect(text.stderr).toContain("status 'degraded'");
		const json = await runCli(['health', '--url', url, '--json']);
		expect(json.code).toBe(1);
		expect(json.stdout).toBe(`${body}\n`);
	});

	it('a 2xx answer of the wrong shape is a failure, not a crash', async () => {
		const server = createHttpServer((_req, res) => res.writeHead(200, {'content-type': 'application/json'}).end('{"nope":1}'));
		const url = await listen(server);
		closers.push(() => server.close());
		const result = await runCli(['health', '--url', url]);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^Failed to check health: unexpected response from server \('status' is not a string\)/);
		const fetch = await runCli(['consumer', 'fetch', 'g', 't', '--url', url]);
		expect(fetch.code).toBe(1);
		expect(fetch.stdout).toBe('');
	});
});

describe('client usage errors (exit 2, message naming the problem, usage on stderr)', () => {
	const usage = async (args: string[], message: string) => {
		const result = await runCli(args);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain(message);
		expect(result.stderr).toContain('Usage: flashq-demo client');
	};

	it('rejects missing and unknown commands', async () => {
		await usage([], 'missing command');
		await usage(['nope'], "unknown command 'nope'");
		await usage(['consumer'], 'missing command');
		await usage(['consumer', 'offset', 'rewind'], "unknown command 'consumer offset rewind'");
	});

	it('rejects unknown options, missing values and bad values, naming the flag', async () => {
		await usage(['consumer', 'fetch', 'g', 't', '--bogus'], "unknown option '--bogus'");
		await usage(['--bogus', 'health'], "unknown option '--bogus'");
		await usage(['consumer', 'fetch', 'g', 't', '--max-records', 'abc'], "--max-records must be a non-negative integer, got 'abc'");
		await usage(['consumer', 'fetch', 'g', 't', '--from-offset=1.5'], '--from-offset must be a non-negative integer');
		await usage(['consumer', 'fetch', 'g', 't', '--include-headers=maybe'], "--include-headers must be true or false, got 'maybe'");
		await usage(['consumer', 'poll', 't', '--include-headers', 'yes'], "--include-headers must be true or false, got 'yes'");
		await usage(['producer', 'records', 't', 'v', '--key'], '--key');
		await usage(['health', '--url', 'ftp://x'], "--url must be an http:// or https:// URL, got 'ftp://x'");
		await usage(['health', '--url', 'not a url'], '--url is not a valid URL');
		await usage(['health', '--timeout', '0'], '--timeout must be a positive number of seconds');
		await usage(['health', '--port', '70000'], "--port must be a port number (1-65535), got '70000'");
		await usage(['consumer', 'offset', 'commit', 'g', 't', '-5'], "negative numbers are not allowed ('-5')");
	});

	it('a negative number after a value-taking option is its value, checked like any other', async () => {
		await usage(['consumer', 'fetch', 'g', 't', '--max-records', '-1'], "--max-records must be a non-negative integer, got '-1'");
		await usage(['health', '--timeout', '-1'], "--timeout must be a positive number of seconds, got '-1'");
		await usage(['--timeout', '-0.5', 'health'], "--timeout must be a positive number of seconds, got '-0.5'");
		await usage(['health', '-p', '-1'], "--port must be a port number (1-65535), got '-1'");
		for (const args of [['health', '--timeout', '-1'], ['consumer', 'fetch', 'g', 't', '--max-records', '-1']]) {
			expect((await runCli(args)).stderr).not.toContain('ambiguous');
		}
	});

	it('rejects missing, extra and empty arguments', async () => {
		await usage(['consumer', 'fetch', 'g'], 'missing argument TOPIC');
		await usage(['consumer', 'create', 'g', 'extra'], "unexpected argument 'extra'");
		await usage(['consumer', 'create', ''], 'GROUP must not be empty');
		await usage(['consumer', 'poll', '..'], "TOPIC '..' is not a valid name");
	});

	it('names FLASHQ_URL when the environment holds a bad URL', async () => {
		const result = await runCli(['health'], {FLASHQ_URL: 'http://bad host'});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("FLASHQ_URL is not a valid URL: 'http://bad host'");
	});
});

describe('client help', () => {
	it('--help prints the command list, per-command help and exits 0', async () => {
		const top = await runCli(['--help']);
		expect(top.code).toBe(0);
		for (const command of ['health', 'topics', 'groups', 'producer records', 'consumer fetch', 'consumer poll', 'consumer offset get']) {
			expect(top.stdout).toContain(`  ${command}`);
		}
		const fetch = await runCli(['consumer', 'fetch', '--help']);
		expect(fetch.code).toBe(0);
		expect(fetch.stdout).toContain('Usage: flashq-demo client consumer fetch <GROUP> <TOPIC>');
		expect(fetch.stdout).toContain('--include-headers');
		const commit = await runCli(['help', 'consumer', 'offset', 'commit']);
		expect(commit.stdout).toMatch(/--metadata TEXT\s+accepted for compatibility but IGNORED/);
		expect((await runCli(['consumer', '-h'])).stdout).toContain('consumer offset commit <GROUP> <TOPIC> <OFFSET>');
		const version = await runCli(['--version']);
		expect(version.code).toBe(0);
		expect(version.stdout).toMatch(/^flashq-demo client \d+\.\d+\.\d+/);
	});
});
