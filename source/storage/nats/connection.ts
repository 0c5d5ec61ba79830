import {readFile} from 'node:fs/promises';
import {connect, credsAuthenticator, type NatsConnection} from '@nats-io/transport-node';
import type {EventHub} from '../../core/event-hub.js';
import type {FlashQEvent} from '../../core/events.js';

/** Connects to the cluster (any of `servers`), reconnecting forever once connected; fails at once if none answers now. */
export async function connectCluster(servers: string[], credsFile: string | undefined): Promise<NatsConnection> {
	const authenticator = credsFile ? credsAuthenticator(await readFile(credsFile)) : undefined;
	try {
		return await connect({servers, authenticator, name: 'flashq', maxReconnectAttempts: -1, reconnectTimeWait: 250});
	} catch (error) {
		throw new Error(`cannot connect to NATS at ${servers.join(', ')}: ${(error as Error).message}`, {cause: error});
	}
}

/** Reports drops and returns of the connection as `nats.connection` events; `onChange` hears them too. */
export function watchConnection(nc: NatsConnection, events: EventHub<FlashQEvent>, onChange: (server: string | null) => void): void {
	void (async () => {
		for await (const status of nc.status()) {
			if (status.type !== 'disconnect' && status.type !== 'reconnect') continue;
			const server = status.type === 'reconnect' ? nc.getServer() : null;
			onChange(server);
			if (events.active) events.emit({type: 'nats.connection', at: Date.now(), state: status.type === 'disconnect' ? 'disconnected' : 'reconnected', server: status.server ?? server});
		}
	})().catch(() => undefined);
}
