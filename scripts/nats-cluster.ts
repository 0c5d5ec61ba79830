/**
 * `npm run nats:cluster [-- --dir DIR --nodes 3 --port 4222 --route-port 6222]`: a local NATS
 * JetStream cluster from the Debian `nats-server` package, for `--storage nats`. Three nodes (n1..n3)
 * listen on 127.0.0.1, clients on port..port+2 (4222, 4223, 4224), routes on route-port..+2; each
 * keeps its JetStream files in DIR/nN (default ./nats-data) and logs to DIR/nN.log; max_payload is
 * 4 MiB (the server's default 1 MiB refuses a 1 MiB record once headers are added). It prints the
 * --nats-url to give FlashQ once the cluster has elected its JetStream meta leader, and stops all
 * nodes on Ctrl+C. The bench (bench/nats.bench.ts) starts its clusters with startNatsCluster.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {accessSync, constants, mkdirSync, openSync, closeSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {jetstreamManager} from '@nats-io/jetstream';
import {connect} from '@nats-io/transport-node';

export const MAX_PAYLOAD = 4 * 1024 * 1024;

export interface NatsClusterOptions {
	/** Where each node keeps its store (DIR/n1...), config and log. */
	dir: string;
	/** 1 (a lone JetStream server) or 3 (a RAFT cluster: R3 streams survive one node's loss). */
	nodes?: number;
	/** Client port of n1; nN listens on port + N - 1 (default 4222). */
	port?: number;
	/** Route port of n1 (default 6222; unused with one node). */
	routePort?: number;
	/** The nats-server binary (default $NATS_SERVER, else nats-server on PATH, else /usr/sbin/nats-server). */
	binary?: string;
	/** How long to wait for the meta leader (default 30 s). */
	readyTimeoutMs?: number;
}

export interface NatsCluster {
	urls: string[];
	names: string[];
	pids: number[];
	/** Stops every node still running (SIGTERM, then SIGKILL after 10 s). Safe to call twice. */
	stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function findBinary(explicit?: string): string {
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
	throw new Error('nats-server not found: install it (apt-get install nats-server) or set NATS_SERVER');
}

function config(i: number, o: Required<Pick<NatsClusterOptions, 'dir' | 'nodes' | 'port' | 'routePort'>>): string {
	const routes = Array.from({length: o.nodes}, (_, j) => j)
		.filter((j) => j !== i)
		.map((j) => `nats-route://${HOST}:${o.routePort + j}`);
	const lines = [
		`server_name: n${i + 1}`,
		`host: ${HOST}`,
		`port: ${o.port + i}`,
		`max_payload: ${MAX_PAYLOAD}`,
		`jetstream {`,
		`  store_dir: ${JSON.stringify(path.resolve(o.dir, `n${i + 1}`))}`,
		`}`,
	];
	if (o.nodes > 1) lines.push(`cluster {`, `  name: flashq`, `  host: ${HOST}`, `  port: ${o.routePort + i}`, `  routes: [${routes.join(', ')}]`, `}`);
	return lines.join('\n') + '\n';
}

/** Resolves once something accepts TCP connections on `port`. */
async function waitForPort(port: number, until: number, alive: () => boolean): Promise<void> {
	for (;;) {
		const open = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, HOST);
			socket.once('connect', () => (socket.destroy(), resolve(true)));
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (!alive()) throw new Error(`nats-server for port ${port} exited (see its log)`);
		if (Date.now() > until) throw new Error(`nothing listens on ${HOST}:${port}`);
		await sleep(50);
	}
}

const portFree = (port: number) =>
	new Promise<boolean>((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});

/** A base port with `count` free ports after it (tests and benches; a user's own cluster may hold 4222..). */
export async function freeRange(count: number): Promise<number> {
	for (;;) {
		const base = 20_000 + Math.floor(Math.random() * 30_000);
		if ((await Promise.all(Array.from({length: count}, (_, i) => portFree(base + i)))).every(Boolean)) return base;
	}
}

/** Resolves once JetStream answers account info, which needs the meta leader (elected in ~0.3-0.8 s on loopback). */
async function waitForMetaLeader(urls: string[], until: number): Promise<void> {
	const nc = await connect({servers: urls, reconnect: true});
	try {
		for (;;) {
			try {
				// Making the manager asks for account info already (and fails the same way before the election).
				const jsm = await jetstreamManager(nc, {timeout: 1000});
				await jsm.getAccountInfo();
				return;
			} catch (error) {
				if (Date.now() > until) throw new Error(`JetStream did not elect a meta leader: ${(error as Error).message}`);
				await sleep(100);
			}
		}
	} finally {
		await nc.close();
	}
}

export async function startNatsCluster(options: NatsClusterOptions): Promise<NatsCluster> {
	const o = {nodes: 3, port: 4222, routePort: 6222, readyTimeoutMs: 30_000, ...options};
	const binary = findBinary(o.binary);
	mkdirSync(o.dir, {recursive: true});
	const children: ChildProcess[] = [];
	const exited = new Set<number>();
	const stop = async () => {
		await Promise.all(
			children.map(async (child, i) => {
				if (exited.has(i) || child.exitCode !== null || child.signalCode !== null) return;
				const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
				child.kill('SIGTERM');
				const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
				await gone;
				clearTimeout(killer);
			}),
		);
	};
	try {
		for (let i = 0; i < o.nodes; i++) {
			const conf = path.join(o.dir, `n${i + 1}.conf`);
			writeFileSync(conf, config(i, o));
			const log = openSync(path.join(o.dir, `n${i + 1}.log`), 'a');
			const child = spawn(binary, ['-c', conf], {stdio: ['ignore', log, log]});
			closeSync(log);
			child.once('exit', () => exited.add(i));
			children.push(child);
		}
		const until = Date.now() + o.readyTimeoutMs;
		const urls = children.map((_, i) => `nats://${HOST}:${o.port + i}`);
		await Promise.all(children.map((_, i) => waitForPort(o.port + i, until, () => !exited.has(i))));
		await waitForMetaLeader(urls, until);
		return {urls, names: children.map((_, i) => `n${i + 1}`), pids: children.map((c) => c.pid!), stop};
	} catch (error) {
		await stop();
		throw error;
	}
}

async function main(): Promise<void> {
	const {values, positionals} = parseArgs({
		allowPositionals: true,
		options: {
			dir: {type: 'string'},
			nodes: {type: 'string', default: '3'},
			port: {type: 'string', default: '4222'},
			'route-port': {type: 'string', default: '6222'},
		},
	});
	const dir = path.resolve(values.dir ?? positionals[0] ?? 'nats-data');
	const nodes = Number(values.nodes);
	const port = Number(values.port);
	const routePort = Number(values['route-port']);
	if (!Number.isInteger(nodes) || nodes < 1 || !Number.isInteger(port) || !Number.isInteger(routePort)) throw new Error('--nodes, --port and --route-port take whole numbers');
	console.log(`starting ${nodes} nats-server node${nodes > 1 ? 's' : ''}, JetStream files under ${dir}`);
	const cluster = await startNatsCluster({dir, nodes, port, routePort});
	const replicas = Math.min(3, nodes);
	cluster.names.forEach((name, i) => console.log(`  ${name}  ${cluster.urls[i]}  pid ${cluster.pids[i]}  log ${path.join(dir, `${name}.log`)}`));
	console.log(`JetStream ready (meta leader elected). Point FlashQ at it:`);
	console.log(`  flashq-demo --storage nats --nats-url ${cluster.urls.join(',')} --nats-replicas ${replicas}`);
	if (nodes > 1) console.log(`Kill one node (kill -9 <pid>) to watch an election; Ctrl+C stops them all.`);
	else console.log('Ctrl+C stops it.');
	let stopping = false;
	const shutdown = () => {
		if (stopping) return;
		stopping = true;
		console.log('stopping the nodes...');
		void cluster.stop().then(() => {
			console.log('stopped');
			process.exit(0);
		});
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main().catch((error: unknown) => {
		console.error((error as Error).message);
		process.exit(1);
	});
}
