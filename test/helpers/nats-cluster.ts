import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {jetstreamManager} from '@nats-io/jetstream';
import {connect} from '@nats-io/transport-node';
import {findNatsServer, freeRange, NatsCluster} from '../../scripts/nats-cluster-lib.js';

export {NatsCluster};

/** As is-in-ci reads it: CI set, and not to 0 or false. In CI a missing nats-server fails the nats tests instead of skipping them. */
export const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '0' && process.env['CI'] !== 'false';

/** Throws where the nats tests must run (CI) but cannot; elsewhere says whether they can. */
export function natsAvailable(): boolean {
	if (findNatsServer()) return true;
	if (inCi) throw new Error('nats-server is not installed, and CI is set: the nats storage tests must run (apt-get install -y nats-server)');
	return false;
}

/**
 * 1 or 3 nats-server nodes (scripts/nats-cluster-lib.ts) on free ports, stores in a temp dir that
 * `stop` deletes, max_payload 4 MB unless told (the default 1 MiB cannot carry a 1 MiB value plus its
 * metadata). Resolves once JetStream answers on every node.
 */
export async function testCluster(nodes: 1 | 3 = 1, {maxPayload}: {maxPayload?: number} = {}): Promise<NatsCluster> {
	const dir = await mkdtemp(path.join(tmpdir(), 'flashq-nats-'));
	return NatsCluster.start({dir, nodes, port: await freeRange(nodes), routePort: await freeRange(nodes), maxPayload, removeDir: true, readyTimeoutMs: 20_000});
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
