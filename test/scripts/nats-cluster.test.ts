/**
 * scripts/nats-cluster.ts, as a user runs it (issue 14): three nats-server nodes come up, elect a
 * JetStream meta leader, accept a 3-replica stream and 4 MiB messages, and all stop on Ctrl+C.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {jetstream, jetstreamManager} from '@nats-io/jetstream';
import {connect} from '@nats-io/transport-node';
import {afterEach, expect, it} from 'vitest';
import {freeRange} from '../../scripts/nats-cluster-lib.js';
import {waitFor} from '../helpers/wait-for.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const accepts = (port: number) =>
	new Promise<boolean>((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.once('connect', () => (socket.destroy(), resolve(true)));
		socket.once('error', () => resolve(false));
	});

const alive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const c of cleanups.splice(0).reverse()) c();
});

it('starts a 3-node JetStream cluster, takes an R3 stream and 4 MiB messages, and stops every node on Ctrl+C', {timeout: 60_000}, async () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'flashq-nats-script-'));
	cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
	const port = await freeRange(3);
	const routePort = await freeRange(3);
	const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/nats-cluster.ts', '--dir', dir, '--port', String(port), '--route-port', String(routePort)], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let out = '';
	child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
	child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	cleanups.push(() => void (child.exitCode === null && child.kill('SIGKILL')));

	// It prints the flag to give FlashQ once the meta leader is elected.
	await waitFor(() => /--nats-url \S+ --nats-replicas 3/.test(out) || child.exitCode !== null, 40_000, 'the --nats-url line');
	const urls = /--nats-url (\S+) --nats-replicas 3/.exec(out)?.[1]?.split(',');
	expect(urls, out).toEqual([0, 1, 2].map((i) => `nats://127.0.0.1:${port + i}`));
	const pids = [...out.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
	expect(pids).toHaveLength(3);

	const nc = await connect({servers: urls});
	try {
		expect(nc.info?.max_payload).toBe(4 * 1024 * 1024);
		const jsm = await jetstreamManager(nc);
		const info = await jsm.streams.add({name: 'probe', subjects: ['probe.>'], num_replicas: 3});
		expect(info.config.num_replicas).toBe(3);
		// A leader and two followers: the stream really has three replicas on three nodes.
		const names = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)];
		expect(names.sort()).toEqual(['n1', 'n2', 'n3']);
		const ack = await jetstream(nc).publish('probe.x', new Uint8Array(3 * 1024 * 1024));
		expect(ack.seq).toBe(1);
	} finally {
		await nc.close();
	}

	child.kill('SIGINT');
	expect(await exited).toBe(0);
	expect(out).toContain('stopped');
	for (const pid of pids) expect(alive(pid)).toBe(false);
	for (let i = 0; i < 3; i++) expect(await accepts(port + i)).toBe(false);
});
