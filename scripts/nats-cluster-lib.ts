/**
 * Local nats-server clusters (issue 14), the one place that writes their configs, picks ports, spawns
 * the nodes and waits for JetStream: `npm run nats:cluster` (scripts/nats-cluster.ts, fixed ports,
 * stops on Ctrl+C), the bench (bench/nats.bench.ts) and the tests (test/helpers/nats-cluster.ts:
 * temp dirs, free ports, kill / pause / restart of single nodes) all start theirs here.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {accessSync, closeSync, constants, mkdirSync, openSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {jetstreamManager, StorageType} from '@nats-io/jetstream';
import {connect} from '@nats-io/transport-node';

/** The server's default 1 MiB refuses a 1 MiB record once its headers are added. */
export const MAX_PAYLOAD = 4 * 1024 * 1024;

export interface NatsClusterOptions {
	/** Where each node keeps its store (DIR/n1...), config (DIR/n1.conf) and log (DIR/n1.log). */
	dir: string;
	/** 1 (a lone JetStream server) or 3 (a RAFT cluster: R3 streams survive one node's loss). */
	nodes?: number;
	/** Client port of n1; nN listens on port + N - 1 (default 4222). */
	port?: number;
	/** Route port of n1 (default 6222; unused with one node). */
	routePort?: number;
	maxPayload?: number;
	/** The nats-server binary (default $NATS_SERVER, else nats-server on PATH, else /usr/sbin/nats-server). */
	binary?: string;
	/** How long to wait for JetStream to answer (default 30 s). */
	readyTimeoutMs?: number;
	/** `stop` deletes `dir` too (tests). */
	removeDir?: boolean;
}

const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The nats-server binary, or null when none is installed. */
export function findNatsServer(explicit?: string): string | null {
	const candidates = [explicit, process.env['NATS_SERVER'], ...(process.env['PATH'] ?? '').split(path.delimiter).map((d) => path.join(d, 'nats-server')), '/usr/sbin/nats-server'];
	for (const c of candidates) {
		if (!c) continue;
		try {
			accessSync(c, constants.X_OK);
			return c;
		} catch {
			// Not there: try the next one.
		}
	}
	return null;
}

const portFree = (port: number) =>
	new Promise<boolean>((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, HOST, () => server.close(() => resolve(true)));
	});

/** A base port with `count` free ports after it (tests and benches; a user's own cluster may hold 4222..). */
export async function freeRange(count: number): Promise<number> {
	for (;;) {
		const base = 20_000 + Math.floor(Math.random() * 30_000);
		if ((await Promise.all(Array.from({length: count}, (_, i) => portFree(base + i)))).every(Boolean)) return base;
	}
}

type Layout = Required<Pick<NatsClusterOptions, 'dir' | 'nodes' | 'port' | 'routePort' | 'maxPayload'>>;

function config(i: number, o: Layout): string {
	const lines = [
		`server_name: n${i + 1}`,
		`host: ${HOST}`,
		`port: ${o.port + i}`,
		`max_payload: ${o.maxPayload}`,
		`jetstream {`,
		`  store_dir: ${JSON.stringify(path.resolve(o.dir, `n${i + 1}`))}`,
		`}`,
	];
	if (o.nodes > 1) {
		const routes = Array.from({length: o.nodes}, (_, j) => j)
			.filter((j) => j !== i)
			.map((j) => `nats-route://${HOST}:${o.routePort + j}`);
		lines.push(`cluster {`, `  name: flashq`, `  host: ${HOST}`, `  port: ${o.routePort + i}`, `  routes: [${routes.join(', ')}]`, `}`);
	}
	return lines.join('\n') + '\n';
}

/** 1 or N nats-server processes with JetStream on loopback; each node can be killed, paused and restarted on its store. */
export class NatsCluster {
	private readonly children: (ChildProcess | null)[];
	/** Nodes stopped on purpose (kill): `ready` does not wait for them. */
	private readonly down = new Set<number>();

	private constructor(
		private readonly o: Layout & {binary: string; readyTimeoutMs: number; removeDir: boolean},
	) {
		this.children = Array.from({length: o.nodes}, () => null);
	}

	/** Starts every node; resolves once JetStream answers on each (in a cluster: a meta leader is elected, ~0.3-0.8 s on loopback). */
	static async start(options: NatsClusterOptions): Promise<NatsCluster> {
		const binary = findNatsServer(options.binary);
		if (!binary) throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER');
		const o = options;
		const cluster = new NatsCluster({
			dir: o.dir,
			nodes: o.nodes ?? 3,
			port: o.port ?? 4222,
			routePort: o.routePort ?? 6222,
			maxPayload: o.maxPayload ?? MAX_PAYLOAD,
			readyTimeoutMs: o.readyTimeoutMs ?? 30_000,
			removeDir: o.removeDir ?? false,
			binary,
		});
		mkdirSync(options.dir, {recursive: true});
		try {
			for (let i = 0; i < cluster.o.nodes; i++) {
				mkdirSync(path.join(options.dir, `n${i + 1}`), {recursive: true});
				writeFileSync(path.join(options.dir, `n${i + 1}.conf`), config(i, cluster.o));
				cluster.spawn(i);
			}
			await cluster.ready();
		} catch (error) {
			await cluster.stop();
			throw error;
		}
		return cluster;
	}

	get dir(): string {
		return this.o.dir;
	}

	get urls(): string[] {
		return this.children.map((_, i) => `nats://${HOST}:${this.o.port + i}`);
	}

	get names(): string[] {
		return this.children.map((_, i) => `n${i + 1}`);
	}

	/** Each node's pid (null while it is down). */
	get pids(): (number | null)[] {
		return this.children.map((child) => child?.pid ?? null);
	}

	private spawn(i: number): void {
		const log = openSync(path.join(this.o.dir, `n${i + 1}.log`), 'a');
		const child = spawn(this.o.binary, ['-c', path.join(this.o.dir, `n${i + 1}.conf`)], {stdio: ['ignore', log, log]});
		closeSync(log);
		this.down.delete(i);
		child.once('exit', () => {
			if (this.children[i] === child) this.children[i] = null;
		});
		this.children[i] = child;
	}

	/** Resolves once JetStream answers an account request on every running node. */
	async ready(timeoutMs = this.o.readyTimeoutMs): Promise<void> {
		const until = Date.now() + timeoutMs;
		for (const [i, url] of this.urls.entries()) {
			if (this.down.has(i)) continue;
			for (;;) {
				if (!this.children[i]) throw new Error(`nats-server n${i + 1} exited (see ${path.join(this.o.dir, `n${i + 1}.log`)})`);
				try {
					const nc = await connect({servers: url, reconnect: false, timeout: 1000});
					try {
						// Making the manager asks for account info, which needs the meta leader.
						await (await jetstreamManager(nc, {timeout: 1000})).getAccountInfo();
						break;
					} finally {
						await nc.close();
					}
				} catch (error) {
					if (Date.now() > until) throw new Error(`nats-server n${i + 1} not ready after ${timeoutMs} ms: ${(error as Error).message} (log in ${this.o.dir})`);
					await sleep(50);
				}
			}
		}
		if (this.down.size === 0 && this.o.nodes > 1) await this.placesOnAll(until);
	}

	/**
	 * Every node answering with a meta leader is not yet every node in the meta group: on a loaded
	 * machine a stream replicated on all nodes was refused "no suitable peers for placement" for a
	 * while after. Ready means such a stream can be made (a probe in memory, deleted at once).
	 */
	private async placesOnAll(until: number): Promise<void> {
		for (let attempt = 0; ; attempt++) {
			try {
				const nc = await connect({servers: this.urls, reconnect: false, timeout: 1000});
				try {
					const jsm = await jetstreamManager(nc, {timeout: 2000, checkAPI: false});
					const name = `ready_probe_${process.pid}_${attempt}`;
					await jsm.streams.add({name, subjects: [`_ready_probe.${process.pid}.${attempt}`], num_replicas: this.o.nodes, storage: StorageType.Memory});
					await jsm.streams.delete(name);
					return;
				} finally {
					await nc.close();
				}
			} catch (error) {
				if (Date.now() > until) throw new Error(`nats cluster cannot place a stream on all ${this.o.nodes} nodes: ${(error as Error).message} (logs in ${this.o.dir})`);
				await sleep(100);
			}
		}
	}

	/** Kills node `i` (kill -9 by default) and waits for it to exit. */
	async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
		const child = this.children[i];
		this.down.add(i);
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill(signal);
		// A paused node takes no SIGTERM until it runs again.
		child.kill('SIGCONT');
		await exited;
	}

	/** Freezes node `i` (SIGSTOP): it holds its sockets but answers nothing, like a hung machine. */
	pause(i: number): void {
		this.children[i]?.kill('SIGSTOP');
	}

	resume(i: number): void {
		this.children[i]?.kill('SIGCONT');
	}

	/**
	 * Starts killed nodes again, on their ports and stores; resolves once JetStream answers on every
	 * running node. Nodes that make a majority only together must be restarted in one call.
	 */
	async restart(...nodes: number[]): Promise<void> {
		for (const i of nodes) if (!this.children[i]) this.spawn(i);
		await this.ready();
	}

	/** Stops every node still running (SIGTERM, then SIGKILL after 10 s). Safe to call twice. */
	async stop(): Promise<void> {
		await Promise.all(
			this.children.map(async (_, i) => {
				const killer = setTimeout(() => this.children[i]?.kill('SIGKILL'), 10_000);
				await this.kill(i, 'SIGTERM');
				clearTimeout(killer);
			}),
		);
		if (this.o.removeDir) rmSync(this.o.dir, {recursive: true, force: true});
	}
}
