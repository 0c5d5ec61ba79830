import {Box, Text} from 'ink';
import React, {memo, type ReactNode} from 'react';
import type {StorageInfo} from '../../core/stats.js';
import {formatRate, formatUptime} from '../format.js';

export interface HeaderProps {
	width: number;
	storage: StorageInfo;
	serverUrl: string | null;
	uptimeMs: number;
	appendRate: number;
	/** Room for a caller's status (the guided tour shows "Lesson N/M  Step i/k" here). */
	extra?: ReactNode;
}

/** One line: storage, data dir, its lock (file storage), sync mode, server address, uptime. */
export const Header = memo(function Header({width, storage, serverUrl, uptimeMs, appendRate, extra}: HeaderProps) {
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text wrap="truncate">
				<Text bold color="cyan">
					FlashQ
				</Text>
				<Text> storage </Text>
				<Text bold>{storage.kind}</Text>
				<Text> dir </Text>
				<Text bold>{storage.dataDir ?? '-'}</Text>
				{storage.kind === 'file' ? <Text> lock </Text> : null}
				{storage.kind === 'file' ? <Text bold>{storage.locked ? 'held' : 'not held'}</Text> : null}
				<Text> sync </Text>
				<Text bold>{storage.sync ?? '-'}</Text>
				<Text> server </Text>
				<Text bold>{serverUrl ?? 'off'}</Text>
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
