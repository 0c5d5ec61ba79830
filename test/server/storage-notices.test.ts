/**
 * Storage events a user must hear about, on the real server process: a restart right after a
 * kill -9 takes the dead holder's lock at once and says so; a lost lock stops every write and is
 * told on stderr, /health (503) and /metrics; recovery actions at open are printed to stderr and
 * listed in /health and /metrics.
 */
import {createHash} from 'node:crypto';
import {appendFileSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {encodeName} from '../../source/storage/file/names.js';
import {LOCK_NAME} from '../../source/storage/lock.js';
import {tempDir} from '../helpers/backends.js';
import {waitFor} from '../helpers/wait-for.js';
import {client, spawnCli, startServerProcess, type ServerProcess} from './process.js';

/** Every file under `dir` (the lock aside) and its SHA-256: any write shows. */
function digests(dir: string): Record<string, string> {
	const out: Record<string, string> = {};
	const walk = (d: string): void => {
		for (const entry of readdirSync(d, {withFileTypes: true})) {
			const full = path.join(d, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.name !== LOCK_NAME) out[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
		}
	};
	walk(dir);
	return out;
}

const ten = (value: string) => ({records: Array.from({length: 10}, (_, i) => ({value: `${value}${i}`}))});

describe('storage notices on the server', () => {
	const servers: ServerProcess[] = [];
	const cleanups: Array<() => Promise<void>> = [];
	const start = async (args: string[]) => {
		const server = await startServerProcess(args);
		servers.push(server);
		return server;
	};
	const dataDir = async () => {
		const {dir, cleanup} = await tempDir('flashq-notices-');
		cleanups.push(cleanup);
		return dir;
	};
	afterEach(async () => {
		for (const server of servers.splice(0)) await server.stop('SIGKILL');
		for (const cleanup of cleanups.splice(0)) await cleanup();
	});

	test('a restart right after kill -9 takes the dead holder\'s lock at once and says so', async () => {
		const dir = await dataDir();
		const first = await start(['--data-dir', dir]);
		expect((await client(first.url)('POST', '/topics/t/records', {json: ten('a')})).status).toBe(200);
		const pid = first.proc.pid;
		await first.stop('SIGKILL');
		const second = await start(['--data-dir', dir]);
		expect(second.stderr()).toMatch(new RegExp(`lock info: took over the lock on .* from pid ${pid} on .*: process ${pid} is gone`));
		const health = await client(second.url)('GET', '/health');
		expect(health.status).toBe(200);
		expect(health.json.storage).toMatchObject({kind: 'file', locked: true, notices: [expect.objectContaining({kind: 'lock', level: 'info'})]});
		const polled = await client(second.url)('GET', '/topics/t/records?offset=0&max_records=100');
		expect(polled.json.records).toHaveLength(10);
	}, 60_000);

	test('a server whose lock is taken stops acknowledging, says so on stderr, /health and /metrics, and never writes again', async () => {
		const dir = await dataDir();
		const server = await start(['--data-dir', dir]);
		const api = client(server.url);
		expect((await api('POST', '/topics/t/records', {json: ten('a')})).status).toBe(200);
		expect((await api('POST', '/consumer/g')).status).toBe(200);
		const before = digests(dir);
		// Another host's FlashQ took the directory over (as after this one stalled past the stale time).
		const stranger = JSON.stringify({pid: 4242, host: 'elsewhere', startTime: null, bootId: null, pidNs: null, nonce: 'stranger', acquiredAt: Date.now()});
		writeFileSync(path.join(dir, LOCK_NAME), stranger);
		await waitFor(async () => (await api('GET', '/health')).status === 503, 20_000, '/health 503');
		const health = await api('GET', '/health');
		expect(health.json).toMatchObject({status: 'unhealthy', service: 'flashq', reason: expect.stringMatching(/lost the lock/)});
		expect(health.json.storage).toMatchObject({locked: false, notices: [expect.objectContaining({kind: 'lock', level: 'warning', message: expect.stringMatching(/now names pid 4242 on elsewhere/)})]});
		await waitFor(() => server.stderr().includes('lock warning: lost the lock on data directory'), 20_000, 'the lost-lock warning');
		const post = await api('POST', '/topics/t/records', {json: ten('b')});
		expect(post.status).toBe(500);
		expect(post.json.message).toMatch(/lost the lock/);
		expect((await api('POST', '/topics/new/records', {json: ten('c')})).status).toBe(500);
		expect((await api('POST', '/consumer/g/topics/t/offset', {json: {offset: 5}})).status).toBe(500);
		const metrics = (await api('GET', '/metrics')).text;
		expect(metrics).toMatch(/^flashq_storage_locked 0$/m);
		expect(metrics).toMatch(/^flashq_storage_notices_total\{kind="lock",level="warning"\} 1$/m);
		await server.stop('SIGTERM');
		// Not a byte written after the loss, not even at close; the new holder's lock is untouched.
		expect(digests(dir)).toEqual(before);
		expect(readFileSync(path.join(dir, LOCK_NAME), 'utf8')).toBe(stranger);
	}, 60_000);

	test('a torn tail cut at open is printed to stderr, listed in /health and counted in /metrics', async () => {
		const dir = await dataDir();
		const first = await start(['--data-dir', dir, '--sync', 'always']);
		// Ten records (the commit threshold) go straight to the log.
		expect((await client(first.url)('POST', '/topics/t/records', {json: ten('a')})).status).toBe(200);
		await first.stop('SIGKILL');
		const log = path.join(dir, 'topics', encodeName('t'), 'log');
		const size = statSync(log).size;
		appendFileSync(log, Buffer.alloc(5, 0xab)); // a frame that never finished
		const second = await start(['--data-dir', dir]);
		expect(second.stderr()).toMatch(new RegExp(`recovery warning: .*\\[topic 't', file ${log.replace(/[/\\.]/g, '\\$&')}, byte ${size}, 5 bytes dropped\\]`));
		const health = await client(second.url)('GET', '/health');
		expect(health.json.storage.notices).toContainEqual(expect.objectContaining({kind: 'recovery', level: 'warning', topic: 't', file: log, position: size, bytes_dropped: 5}));
		const metrics = (await client(second.url)('GET', '/metrics')).text;
		expect(metrics).toMatch(/^flashq_storage_notices_total\{kind="recovery",level="warning"\} 1$/m);
		expect(metrics).toMatch(/^flashq_storage_locked 1$/m);
	}, 60_000);

	test('damage after a kill -9: the restart refuses, naming file and byte; --repair prints the copy it kept and /health lists it', async () => {
		const dir = await dataDir();
		const first = await start(['--data-dir', dir, '--sync', 'always']);
		for (const batch of ['a', 'b', 'c']) expect((await client(first.url)('POST', '/topics/t/records', {json: ten(batch)})).status).toBe(200);
		await first.stop('SIGKILL');
		const log = path.join(dir, 'topics', encodeName('t'), 'log');
		const bytes = readFileSync(log);
		bytes[40]! ^= 0xff; // inside the first frame's records: two valid frames follow
		writeFileSync(log, bytes);
		const refused = spawnCli(['--headless', '--serve', '0', '--data-dir', dir]);
		expect(await refused.exited).toBe(1);
		expect(refused.out.stderr).toMatch(new RegExp(`corrupt frame in ${log.replace(/[/\\.]/g, '\\$&')} at byte 0 .*offsets 0\\.\\.29 would be lost.*--repair`));
		const repaired = await start(['--data-dir', dir, '--repair']);
		expect(repaired.stderr()).toMatch(/recovery warning: repaired: .* copied to .*log\.damaged-\d+/);
		const health = await client(repaired.url)('GET', '/health');
		const notice = health.json.storage.notices.find((n: {copy?: string}) => n.copy);
		expect(notice).toMatchObject({kind: 'recovery', level: 'warning', topic: 't', file: log, position: 0, records_dropped: 30});
		expect(readFileSync(notice.copy)).toEqual(bytes);
		expect((await client(repaired.url)('GET', '/topics/t/records')).json.high_water_mark).toBe(0);
	}, 60_000);
});

