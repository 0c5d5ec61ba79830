import {Box, Text} from 'ink';
import React, {memo, type ReactNode} from 'react';
import type {Connection} from '../../engine/live-queue.js';
import type {StorageInfo} from '../../core/stats.js';
import {formatRate, formatUptime} from '../format.js';

export interface HeaderProps {
	width: number;
	storage: StorageInfo;
	serverUrl: string | null;
	uptimeMs: number;
	appendRate: number;
	/** The queue is in another process (--connect): where, and whether it answers. */
	connection?: Connection | null;
	/** Room for a caller's status (the guided tour shows "Lesson N/M  Step i/k" here). */
	extra?: ReactNode;
}

/** One line: where the queue is (connected app), storage, data dir, its lock (file storage), sync mode (NATS: prefix, replicas, server), server address, uptime. */
export const Header = memo(function Header({width, storage, serverUrl, uptimeMs, appendRate, connection, extra}: HeaderProps) {
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text wrap="truncate">
				<Text bold color="cyan">
					FlashQ
				</Text>
				{connection ? <ConnectionState connection={connection} /> : null}
				<Text> storage </Text>
				<Text bold>{storage.kind}</Text>
				{storage.kind === 'nats' ? (
					<NatsState storage={storage} />
				) : (
					<>
						<Text> dir </Text>
						<Text bold>{storage.dataDir ?? '-'}</Text>
						{storage.kind === 'file' ? <Text> lock </Text> : null}
						{storage.kind === 'file' ? <Text bold>{storage.locked ? 'held' : 'not held'}</Text> : null}
						<Text> sync </Text>
						<Text bold>{storage.sync ?? '-'}</Text>
					</>
				)}
				{/* Connected, the server is the one named first. */}
				{connection ? null : (
					<>
						<Text> server </Text>
						<Text bold>{serverUrl ?? 'off'}</Text>
					</>
				)}
				<Text> up </Text>
				<Text bold>{formatUptime(uptimeMs)}</Text>
				<Text> in </Text>
				<Text bold>{formatRate(appendRate)}</Text>
				{extra ? <Text> </Text> : null}
				{extra}
			</Text>
		</Box>
	);
});

/** NATS storage has no directory or sync mode: its prefix, replication factor and the server it talks to. */
function NatsState({storage}: {storage: StorageInfo}) {
	const nats = storage.nats;
	return (
		<>
			<Text> </Text>
			<Text bold>{nats?.prefix ?? '-'}</Text>
			<Text bold> R{nats?.replicas ?? '-'}</Text>
			{nats?.connectedTo ? (
				<>
					<Text> connected </Text>
					<Text bold color="green">
						{nats.connectedTo}
					</Text>
				</>
			) : (
				<Text bold color="yellow">
					{' '}
					not connected
				</Text>
			)}
		</>
	);
}

function ConnectionState({connection}: {connection: Connection}) {
	if (connection.state === 'connected') {
		return (
			<>
				<Text> connected </Text>
				<Text bold color="green">
					{connection.url}
				</Text>
			</>
		);
	}
	// The panes keep the last data the server sent; this says it is not live.
	return (
		<>
			<Text> </Text>
			<Text bold color="yellow">
				disconnected, retrying ({connection.error ?? 'connection lost'})
			</Text>
			<Text> {connection.url}</Text>
		</>
	);
}
