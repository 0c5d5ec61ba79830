import {type ChildProcess, spawn, spawnSync} from 'node:child_process';
import {createWriteStream} from 'node:fs';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {jetstreamManager} from '@nats-io/jetstream';
import {connect} from '@nats-io/transport-node';

/** As is-in-ci reads it: CI set, and not to 0 or false. In CI a missing nats-server fails the nats tests instead of skipping them. */
export const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '0' && process.env['CI'] !== 'false';

/** The nats-server binary (Debian package `nats-server`), or null when it is not installed. */
export function natsServerBinary(): string | null {
	const found = spawnSync('sh', ['-c', 'command -v nats-server'], {encoding: 'utf8'});
	return found.status === 0 ? found.stdout.trim() : null;
}

/** Throws where the nats tests must run (CI) but cannot; elsewhere says whether they can. */
export function natsAvailable(): boolean {
	if (natsServerBinary()) return true;
	if (inCi) throw new Error('nats-server is not installed, and CI is set: the nats storage tests must run (apt-get install -y nats-server)');
	return false;
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

interface Node {
	name: string;
	port: number;
	clusterPort: number;
	config: string;
	process: ChildProcess | null;
}

/**
 * 1 or 3 nats-server processes with JetStream on loopback, store dirs in one temp dir, free ports,
 * routes between the 3, max_payload 4 MB (the default 1 MiB cannot carry a 1 MiB value plus its
 * metadata). `start` resolves once JetStream answers (in a cluster: once a meta leader is elected).
 */
export class NatsCluster {
	private constructor(
		readonly dir: string,
		private readonly nodes: Node[],
		private readonly binary: string,
	) {}

	get urls(): string[] {
		return this.nodes.map((node) => `nats://127.0.0.1:${node.port}`);
	}

	get names(): string[] {
		return this.nodes.map((node) => node.name);
	}

	static async start(size: 1 | 3 = 1, {maxPayload = 4 * 1024 * 1024}: {maxPayload?: number} = {}): Promise<NatsCluster> {
		const binary = natsServerBinary();
		if (!binary) throw new Error('nats-server is not installed (apt-get install -y nats-server)');
		const dir = await mkdtemp(path.join(tmpdir(), 'flashq-nats-'));
		const nodes: Node[] = [];
		for (let i = 1; i <= size; i++) nodes.push({name: `n${i}`, port: await freePort(), clusterPort: await freePort(), config: path.join(dir, `n${i}.conf`), process: null});
		for (const node of nodes) {
			const store = path.join(dir, node.name);
			await mkdir(store);
			const lines = [`server_name: ${node.name}`, `listen: 127.0.0.1:${node.port}`, `max_payload: ${maxPayload}`, `jetstream {store_dir: "${store}"}`];
			if (size > 1) {
				const routes = nodes.filter((other) => other !== node).map((other) => `nats-route://127.0.0.1:${other.clusterPort}`);
				lines.push(`cluster {name: flashq-test, listen: 127.0.0.1:${node.clusterPort}, routes: [${routes.join(', ')}]}`);
			}
			await writeFile(node.config, `${lines.join('\n')}\n`);
		}
		const cluster = new NatsCluster(dir, nodes, binary);
		try {
			for (let i = 0; i < size; i++) cluster.spawn(i);
			await cluster.ready();
		} catch (error) {
			await cluster.stop();
			throw error;
		}
		return cluster;
	}

	private spawn(index: number): void {
		const node = this.nodes[index]!;
		const child = spawn(this.binary, ['-c', node.config], {stdio: ['ignore', 'ignore', 'pipe']});
		child.stderr!.pipe(createWriteStream(path.join(this.dir, `${node.name}.log`), {flags: 'a'}));
		node.process = child;
	}

	/** Resolves once JetStream answers an account request on every running node (a meta leader exists). */
	async ready(timeoutMs = 20_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		for (const [index, node] of this.nodes.entries()) {
			if (!node.process) continue;
			for (;;) {
				try {
					const nc = await connect({servers: this.urls[index], reconnect: false, timeout: 1000});
					try {
						await (await jetstreamManager(nc, {timeout: 1000})).getAccountInfo();
						break;
					} finally {
						await nc.close();
					}
				} catch (error) {
					if (Date.now() > deadline) throw new Error(`nats-server ${node.name} not ready after ${timeoutMs} ms: ${(error as Error).message} (log in ${this.dir})`);
					await new Promise((resolve) => setTimeout(resolve, 50));
				}
			}
		}
	}

	/** Kills node `index` (kill -9 by default) and waits for it to exit. */
	async kill(index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
		const child = this.nodes[index]!.process;
		if (!child) return;
		this.nodes[index]!.process = null;
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill(signal);
		await exited;
	}

	/** Starts a killed node again, on its old ports and store. */
	async restart(index: number): Promise<void> {
		this.spawn(index);
		await this.ready();
	}

	async stop(): Promise<void> {
		await Promise.all(this.nodes.map((_, index) => this.kill(index, 'SIGTERM')));
		await rm(this.dir, {recursive: true, force: true});
	}
}

let counter = 0;
/** A prefix no other test uses (JetStream warns when a stream name is deleted and made again). */
export const uniquePrefix = (): string => `t${process.pid.toString(36)}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** Deletes every stream of a prefix (its topics and its KV bucket), so a shared server stays small. */
export async function deletePrefix(servers: string[], prefix: string): Promise<void> {
	const nc = await connect({servers, reconnect: false});
	try {
		const jsm = await jetstreamManager(nc);
		const names: string[] = [];
		for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`) || name === `KV_${prefix}_flashq`) names.push(name);
		await Promise.all(names.map((name) => jsm.streams.delete(name).catch(() => false)));
	} finally {
		await nc.close();
	}
}
