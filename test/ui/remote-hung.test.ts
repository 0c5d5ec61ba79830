import {afterEach, describe, expect, it, vi} from 'vitest';
import {RemoteQueue} from '../../source/remote/remote-queue.js';
import {client, type ServerProcess, startServerProcess} from '../server/process.js';

/**
 * Issue 13, attacked with SIGSTOP: a server that hangs (its socket stays open, nothing arrives) is
 * "gone" for a connected app as much as one that died. The app must say so, keep the last data,
 * and pick up again when the server continues.
 */
describe('a connected app and a hung server (SIGSTOP)', () => {
	let server: ServerProcess | null = null;
	let remote: RemoteQueue | null = null;

	afterEach(async () => {
		remote?.close();
		if (server) {
			server.proc.kill('SIGCONT');
			await server.stop('SIGKILL');
		}
		server = null;
		remote = null;
	});

	it('says it is retrying while the server is stopped, keeps the last figures, and resumes after SIGCONT', async () => {
		server = await startServerProcess();
		const api = client(server.url);
		await api('POST', '/topics/before/records', {json: {records: [{value: 'a'}]}});
		remote = await RemoteQueue.connect(server.url, {silenceMs: 3000, timeoutMs: 2000});
		await vi.waitFor(() => expect(remote!.connection().state).toBe('connected'), {timeout: 10_000});
		server.proc.kill('SIGSTOP');
		await vi.waitFor(() => expect(remote!.connection().state).toBe('retrying'), {timeout: 20_000, interval: 100});
		expect(remote.connection().error).toMatch(/no answer|timeout/);
		// The last data stays readable.
		expect(remote.stats().topics.map((t) => t.name)).toEqual(['before']);
		server.proc.kill('SIGCONT');
		await vi.waitFor(() => expect(remote!.connection().state).toBe('connected'), {timeout: 20_000, interval: 100});
		await api('POST', '/topics/after/records', {json: {records: [{value: 'b'}]}});
		await vi.waitFor(() => expect(remote!.stats().topics.map((t) => t.name).sort()).toEqual(['after', 'before']), {timeout: 10_000});
	}, 60_000);
});
