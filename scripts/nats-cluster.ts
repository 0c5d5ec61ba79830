/**
 * `npm run nats:cluster [-- --dir DIR --nodes 3 --port 4222 --route-port 6222]`: a local NATS
 * JetStream cluster from the Debian `nats-server` package, for `--storage nats`. Three nodes (n1..n3)
 * listen on 127.0.0.1, clients on port..port+2 (4222, 4223, 4224), routes on route-port..+2; each
 * keeps its JetStream files in DIR/nN (default ./nats-data) and logs to DIR/nN.log; max_payload is
 * 4 MiB (the server's default 1 MiB refuses a 1 MiB record once headers are added). It prints the
 * --nats-url to give FlashQ once the cluster has elected its JetStream meta leader, and stops all
 * nodes on Ctrl+C. The nodes are started by scripts/nats-cluster-lib.ts, as the bench's and the tests' are.
 */
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {NatsCluster} from './nats-cluster-lib.js';

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
	const cluster = await NatsCluster.start({dir, nodes, port, routePort});
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
