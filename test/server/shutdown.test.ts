/**
 * Graceful shutdown of the real server process: SIGTERM/SIGINT finish in-flight requests and
 * exit 0; a second signal exits at once; under load on file storage (sync always) no
 * acknowledged record is lost.
 */
import net from 'node:net';
import {describe, expect, test} from 'vitest';
import {client, startServerProcess, type ServerProcess} from './process.js';
import {tempDir} from '../helpers/backends.js';
import {waitFor} from '../helpers/wait-for.js';

/**
 * Opens a POST whose body has not fully arrived: the request stays in flight until `finish()`.
 * `started` resolves once the server is handling it: the request asks for `100 Continue`, which
 * node:http sends just before it hands the request to the server's handler.
 */
function partialPost(server: ServerProcess, topic: string): {finish(): void; started: Promise<void>; response: Promise<string>} {
	const {hostname, port} = new URL(server.url);
	const body = JSON.stringify({records: [{value: 'in-flight'}]});
	const socket = net.connect(Number(port), hostname);
	let data = '';
	socket.setEncoding('utf8');
	socket.on('data', (d) => (data += d));
	// The answer after the interim 100 Continue.
	const answer = (): string => data.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
	const response = new Promise<string>((resolve) => {
		socket.on('close', () => resolve(answer()));
		socket.on('error', () => resolve(answer()));
	});
	const started = waitFor(() => data.startsWith('HTTP/1.1 100 Continue'), 10_000, '100 Continue');
	socket.write(
		`POST /topics/${topic}/records HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 5)}`,
	);
	return {finish: () => socket.write(body.slice(5)), started, response};
}

describe('graceful shutdown', () => {
	test.each(['SIGTERM', 'SIGINT'] as const)('%s: exit 0, says so', async (signal) => {
		const server = await startServerProcess();
		expect(await server.stop(signal)).toBe(0);
		expect(server.stderr()).toContain(`${signal}, shutting down`);
	});

	test('an in-flight request finishes with 200 after SIGTERM, then the process exits 0', async () => {
		const server = await startServerProcess();
		const pending = partialPost(server, 'inflight');
		await pending.started;
		server.proc.kill('SIGTERM');
		await waitFor(() => server.stderr().includes('shutting down'), 10_000, "'shutting down' on stderr");
		// New connections are refused while the old one is still served.
		await expect(client(server.url)('GET', '/health')).rejects.toThrow();
		pending.finish();
		const response = await pending.response;
		expect(response).toMatch(/^HTTP\/1\.1 200/);
		expect(response).toContain('"offsets":[{"offset":0');
		expect(await server.exited).toBe(0);
	});

	test('a second signal exits at once', async () => {
		const server = await startServerProcess();
		await partialPost(server, 'stuck').started; // holds the graceful shutdown open
		server.proc.kill('SIGTERM');
		await waitFor(() => server.stderr().includes('shutting down'), 10_000, "'shutting down' on stderr");
		server.proc.kill('SIGTERM');
		expect(await server.exited).toBe(143);
		expect(server.stderr()).toContain('again, exiting now');
	});
});

describe('shutdown under load on file storage (sync always)', () => {
	test('SIGTERM during load loses no acknowledged record; the lock is released; timestamps survive the restart', async () => {
		const {dir, cleanup} = await tempDir('flashq-shutdown-');
		try {
			const server = await startServerProcess(['--data-dir', dir, '--sync', 'always']);
			const api = client(server.url);
			const acked = new Map<string, Array<{offset: number; value: string; timestamp: string}>>();
			let stop = false;
			const producer = async (id: number): Promise<void> => {
				const topic = `load-${id % 4}`;
				for (let n = 0; !stop; n++) {
					const value = `p${id}-${n}`;
					try {
						const reply = await api('POST', `/topics/${topic}/records`, {json: {records: [{value}]}});
						if (reply.status !== 200) return;
						const list = acked.get(topic) ?? [];
						list.push({offset: reply.json.offsets[0].offset, value, timestamp: reply.json.offsets[0].timestamp});
						acked.set(topic, list);
					} catch {
						return; // connection refused or closed: shutting down
					}
				}
			};
			const producers = Array.from({length: 8}, (_, id) => producer(id));
			await waitFor(() => [...acked.values()].reduce((n, l) => n + l.length, 0) >= 200, 20_000);
			server.proc.kill('SIGTERM');
			expect(await server.exited).toBe(0);
			stop = true;
			await Promise.all(producers);

			// Same directory again: the lock was released, and every acknowledged record is there.
			const again = await startServerProcess(['--data-dir', dir]);
			try {
				const reader = client(again.url);
				let total = 0;
				for (const [topic, list] of acked) {
					const poll = await reader('GET', `/topics/${topic}/records`);
					type Stored = {offset: number; value: string; timestamp: string};
					const byOffset = new Map<number, Stored>(poll.json.records.map((r: Stored) => [r.offset, r]));
					for (const {offset, value, timestamp} of list) {
						// The value, and the timestamp the produce answered with (stored, not made up on read).
						expect(byOffset.get(offset), `${topic}@${offset}`).toMatchObject({value, timestamp});
					}
					total += list.length;
				}
				expect(total).toBeGreaterThanOrEqual(200);
			} finally {
				expect(await again.stop()).toBe(0);
			}
		} finally {
			await cleanup();
		}
	});
});
