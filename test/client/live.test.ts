/**
 * `client stats` and `client watch` against real server processes (GET /stats, GET /events), with
 * a read token as a classroom's students would use it.
 */
import {createServer, type Server, type Socket, connect} from 'node:net';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {waitFor} from '../helpers/wait-for.js';
import {client, type ServerProcess, spawnCli, startServerProcess} from '../server/process.js';
import {type RunningCli, runCli, startCli} from './run-cli.js';

const TEACHER = 'teacher-token';
const STUDENT = 'student-token';
const CLOCK = String.raw`\d\d:\d\d:\d\d\.\d{3}`;

describe('client stats', () => {
	let server: ServerProcess;
	beforeAll(async () => {
		server = await startServerProcess(['--token', TEACHER, '--read-token', STUDENT]);
		const teacher = client(server.url, TEACHER);
		expect((await teacher('POST', '/topics/lesson/records', {json: {records: [{value: 'a'}, {value: 'b'}, {value: 'c'}]}})).status).toBe(200);
		expect((await teacher('POST', '/consumer/class')).status).toBe(200);
		expect((await teacher('POST', '/consumer/class/topics/lesson/offset', {json: {offset: 1}})).status).toBe(200);
	});
	afterAll(async () => {
		await server?.stop();
	});

	test('prints storage, totals, one line per topic and per group with its lag (a read token is enough)', async () => {
		const result = await runCli(['stats', '--url', server.url, '--token', STUDENT]);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.lines).toContainEqual(expect.stringMatching(/^Server: {3}http:\/\/127\.0\.0\.1:\d+, \d+ requests/));
		expect(result.lines).toContain('Storage:  memory');
		expect(result.lines).toContainEqual(expect.stringMatching(/^Totals: {3}1 topic, 1 group, 3 records \(\d+ B\), 1 append, 0 polls, 0 records read$/));
		expect(result.lines).toContainEqual(expect.stringMatching(/^Events: {3}last id [0-9a-f]+-\d+/));
		expect(result.lines).toContainEqual(expect.stringMatching(/^TOPIC\s+HWM\s+RECORDS\s+BYTES/));
		expect(result.lines).toContainEqual(expect.stringMatching(/^lesson\s+3\s+3\s+\d+ B\s+1\s+0\s/));
		expect(result.lines).toContainEqual(expect.stringMatching(/^GROUP\s+TOPIC\s+COMMITTED\s+HWM\s+LAG$/));
		expect(result.lines).toContainEqual(expect.stringMatching(/^class\s+lesson\s+1\s+3\s+2$/));
	});

	test('--json prints the GET /stats body as received', async () => {
		const result = await runCli(['stats', '--url', server.url, '--token', STUDENT, '--json']);
		expect(result.code).toBe(0);
		const body = JSON.parse(result.stdout);
		expect(body.engine.totals).toMatchObject({topics: 1, groups: 1, records: 3});
		expect(body.groups).toEqual([{groupId: 'class', offsets: [expect.objectContaining({topic: 'lesson', committedOffset: 1, lag: 2})]}]);
		expect(body.events.lastEventId).toMatch(/^[0-9a-f]+-\d+$/);
	});

	test('a wrong token exits 1 with the server\'s 401', async () => {
		const result = await runCli(['stats', '--url', server.url, '--token', 'nope']);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^Failed to read stats: unauthorized/);
	});
});

describe('client watch', () => {
	let server: ServerProcess;
	let watcher: RunningCli | undefined;
	beforeAll(async () => {
		server = await startServerProcess(['--token', TEACHER, '--read-token', STUDENT]);
	});
	afterEach(async () => {
		await watcher?.stop();
		watcher = undefined;
	});
	afterAll(async () => {
		await server?.stop();
	});

	const watching = async (running: RunningCli): Promise<RunningCli> => {
		watcher = running;
		await waitFor(() => running.stderr().includes('Watching'), 10_000, 'the watch to connect');
		return running;
	};

	test('prints one readable line per event posted meanwhile (time, type, topic, figures), until stopped', async () => {
		const running = await watching(startCli(['watch', '--url', server.url, '--token', STUDENT]));
		const teacher = client(server.url, TEACHER);
		await teacher('POST', '/topics/watched/records', {json: {records: [{value: 'one'}, {value: 'two'}]}});
		await teacher('POST', '/consumer/watchers');
		await waitFor(() => running.stdout().includes('group.create'), 10_000, 'the events to arrive');
		const result = await running.stop();
		watcher = undefined;
		expect(result.code).toBe(0);
		expect(result.lines).toContainEqual(expect.stringMatching(new RegExp(`^${CLOCK}  topic\\.create\\s+watched\\s+created$`)));
		expect(result.lines).toContainEqual(expect.stringMatching(new RegExp(`^${CLOCK}  append\\s+watched\\s+offsets 0\\.\\.1, 2 records, \\d+ B$`)));
		expect(result.lines).toContainEqual(expect.stringMatching(new RegExp(`^${CLOCK}  group\\.create\\s+watchers\\s+created$`)));
		// Request events only with --requests.
		expect(result.stdout).not.toContain('POST /topics');
		expect(result.stderr).toContain(`Watching ${server.url} events (Ctrl+C to stop)`);
	});

	test('--json prints one JSON object per line, the events as the server sent them; --topic filters', async () => {
		const running = await watching(startCli(['watch', '--url', server.url, '--token', STUDENT, '--json', '--topic', 'wanted', '--requests']));
		const teacher = client(server.url, TEACHER);
		await teacher('POST', '/topics/unwanted/records', {json: {records: [{value: 'x'}]}});
		await teacher('POST', '/topics/wanted/records', {json: {records: [{value: 'y'}]}});
		await waitFor(() => running.stdout().includes('"append"'), 10_000, 'the append event');
		const {lines} = await running.stop();
		watcher = undefined;
		const events = lines.map((line) => JSON.parse(line));
		expect(events).toContainEqual(expect.objectContaining({type: 'append', topic: 'wanted', baseOffset: 0, count: 1, at: expect.any(Number)}));
		expect(events.every((event) => event.topic === 'wanted')).toBe(true);
	});

	test('--requests adds the server\'s request lines', async () => {
		const running = await watching(startCli(['watch', '--url', server.url, '--token', STUDENT, '--requests']));
		await client(server.url, STUDENT)('POST', '/consumer/nope');
		await waitFor(() => running.stdout().includes('POST /consumer/nope 403'), 10_000, 'the request event');
		expect(running.stdout()).toMatch(new RegExp(`${CLOCK}  request\\s+-\\s+POST /consumer/nope 403 in `));
	});

	test('a wrong token exits 1 at once with the 401', async () => {
		const result = await startCli(['watch', '--url', server.url, '--token', 'nope']).done;
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^Failed to watch events: unauthorized/);
	});

	test('no server: exits 1 like the other commands', async () => {
		const result = await startCli(['watch', '--url', 'http://127.0.0.1:1']).done;
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^Failed to connect to server/);
	});

	test('the executable runs until Ctrl+C (SIGINT), then exits 0', async () => {
		const {proc, out, exited} = spawnCli(['client', 'watch', '--url', server.url, '--token', STUDENT]);
		await waitFor(() => out.stderr.includes('Watching'), 10_000, 'the watch to connect');
		await client(server.url, TEACHER)('POST', '/topics/sigint/records', {json: {records: [{value: 'x'}]}});
		await waitFor(() => out.stdout.includes('append'), 10_000, 'the append line');
		proc.kill('SIGINT');
		expect(await exited).toBe(0);
		expect(out.stdout).toMatch(new RegExp(`^${CLOCK}  topic\\.create\\s+sigint`, 'm'));
	});
});

/** A TCP proxy to `target` whose connections can be cut (a network blip). */
async function startProxy(target: URL): Promise<{url: string; cut(): void; close(): Promise<void>}> {
	const sockets = new Set<Socket>();
	const server: Server = createServer((inbound) => {
		const outbound = connect(Number(target.port), target.hostname);
		for (const socket of [inbound, outbound]) {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
			socket.on('error', () => undefined);
		}
		inbound.pipe(outbound).pipe(inbound);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	return {
		url: `http://127.0.0.1:${port}`,
		cut() {
			for (const socket of sockets) socket.destroy();
		},
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
}

describe('client watch across a dropped connection', () => {
	test('resumes after the last event seen: what happened meanwhile is printed once, nothing twice', async () => {
		const server = await startServerProcess(['--token', TEACHER, '--read-token', STUDENT]);
		const proxy = await startProxy(new URL(server.url));
		// Another student stays connected, as in a classroom: the server keeps numbering events.
		const classmate = startCli(['watch', '--url', server.url, '--token', STUDENT]);
		const running = startCli(['watch', '--url', proxy.url, '--token', STUDENT]);
		try {
			await waitFor(() => running.stderr().includes('Watching') && classmate.stderr().includes('Watching'), 10_000, 'both watches to connect');
			const teacher = client(server.url, TEACHER);
			await teacher('POST', '/topics/blip/records', {json: {records: [{value: 'before'}]}});
			await waitFor(() => /append\s+blip\s+offset 0,/.test(running.stdout()), 10_000, 'the first append');
			proxy.cut();
			await waitFor(() => running.stderr().includes('lost'), 10_000, 'the watch to notice');
			// Posted while the watch is away (it retries after 1 s).
			await teacher('POST', '/topics/blip/records', {json: {records: [{value: 'during'}]}});
			await waitFor(() => /append\s+blip\s+offset 1,/.test(classmate.stdout()), 10_000, 'the classmate to see it');
			await waitFor(() => /append\s+blip\s+offset 1,/.test(running.stdout()), 10_000, 'the resumed watch to see it');
			const {lines, stderr} = await running.stop();
			expect(lines.filter((line) => /append\s+blip\s+offset 0,/.test(line))).toHaveLength(1);
			expect(lines.filter((line) => /append\s+blip\s+offset 1,/.test(line))).toHaveLength(1);
			expect(lines.some((line) => /-- (reset|missed)/.test(line))).toBe(false);
			expect(stderr).toMatch(/Reconnected to .*, resuming after [0-9a-f]+-\d+/);
		} finally {
			await running.stop();
			await classmate.stop();
			await proxy.close();
			await server.stop();
		}
	});
});

describe('client watch across a server restart', () => {
	test('prints the reset notice, reconnects, and shows records posted to the new server', async () => {
		let server = await startServerProcess(['--token', TEACHER, '--read-token', STUDENT]);
		const port = new URL(server.url).port;
		const running = startCli(['watch', '--url', server.url, '--token', STUDENT]);
		try {
			await waitFor(() => running.stderr().includes('Watching'), 10_000, 'the watch to connect');
			await client(server.url, TEACHER)('POST', '/topics/before/records', {json: {records: [{value: 'x'}]}});
			await waitFor(() => running.stdout().includes('append'), 10_000, 'the first append');
			expect(await server.stop()).toBe(0);
			await waitFor(() => running.stderr().includes('lost'), 10_000, 'the watch to notice');
			server = await startServerProcess(['--serve', port, '--token', TEACHER, '--read-token', STUDENT]);
			await waitFor(() => running.stdout().includes('reset'), 20_000, 'the reset notice');
			await client(server.url, TEACHER)('POST', '/topics/after/records', {json: {records: [{value: 'y'}]}});
			await waitFor(() => /append\s+after/.test(running.stdout()), 10_000, 'the append after the restart');
			const {code, lines, stderr} = await running.stop();
			expect(code).toBe(0);
			const reset = lines.findIndex((line) => new RegExp(`^${CLOCK}  -- reset\\s+-\\s+the server restarted`).test(line));
			const before = lines.findIndex((line) => /append\s+before/.test(line));
			const after = lines.findIndex((line) => /append\s+after/.test(line));
			expect(before).toBeGreaterThanOrEqual(0);
			expect(reset).toBeGreaterThan(before);
			expect(after).toBeGreaterThan(reset);
			expect(stderr).toMatch(/Connection to http:\/\/127\.0\.0\.1:\d+ lost .*, retrying/);
			expect(stderr).toMatch(/Reconnected to http:\/\/127\.0\.0\.1:\d+, resuming after [0-9a-f]+-\d+/);
		} finally {
			await running.stop();
			await server.stop();
		}
	});

	test('--json prints the reset notice as an object', async () => {
		let server = await startServerProcess();
		const port = new URL(server.url).port;
		const running = startCli(['watch', '--url', server.url, '--json']);
		try {
			await waitFor(() => running.stderr().includes('Watching'), 10_000, 'the watch to connect');
			await server.stop();
			server = await startServerProcess(['--serve', port]);
			await waitFor(() => running.stdout().includes('reset'), 20_000, 'the reset notice');
			const {lines} = await running.stop();
			expect(lines.map((line) => JSON.parse(line))).toContainEqual({type: 'reset', reason: expect.stringContaining('restarted')});
		} finally {
			await running.stop();
			await server.stop();
		}
	});
});

describe('help', () => {
	test.each([
		['watch', /Usage: flashq-demo client watch .*\n[\s\S]*Last-Event-ID[\s\S]*--topic TOPIC[\s\S]*--requests/],
		['stats', /Usage: flashq-demo client stats\n[\s\S]*GET \/stats/],
	])('client %s --help', async (command, usage) => {
		const result = await runCli([command, '--help']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(usage);
	});

	test('the command list names both', async () => {
		const result = await runCli(['--help']);
		expect(result.stdout).toMatch(/^ {2}stats\s+print the server's stats snapshot/m);
		expect(result.stdout).toMatch(/^ {2}watch\s+print the server's events as they happen, until Ctrl\+C/m);
	});
});
