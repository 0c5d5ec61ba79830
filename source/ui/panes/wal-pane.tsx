import React, {memo} from 'react';
import type {StorageInfo} from '../../engine/stats.js';
import {formatBytes, formatCount, formatMs, formatRate} from '../format.js';
import type {TopicView} from '../store/tui-store.js';
import {Line, PaneFrame, contentRows} from './pane.js';

export interface WalPaneProps {
	width: number;
	height: number;
	focused?: boolean;
	highlighted?: boolean;
	storage: StorageInfo;
	topic: TopicView | null;
}

/** Write-ahead log of the selected topic: sync mode, threshold, pending, commits, fsyncs, sizes. */
export const WalPane = memo(function WalPane({width, height, focused, highlighted, storage, topic}: WalPaneProps) {
	const rows = contentRows(height);
	const wal = topic?.storage.wal;
	const fsync = topic?.storage.fsync;
	let lines: {text: string; color?: string; dim?: boolean}[];
	if (storage.kind === 'memory') {
		lines = [
			{text: 'memory storage: no WAL', color: 'yellow'},
			{text: 'records live in RAM only; no fsync,', dim: true},
			{text: 'nothing survives a restart.', dim: true},
			{text: `data held: ${formatBytes(topic?.storage.logBytes ?? 0)}`},
		];
	} else if (!topic) {
		lines = [{text: `sync ${storage.sync ?? '-'}, commit threshold ${storage.commitThreshold ?? '-'}`}, {text: 'no topic selected', dim: true}];
	} else {
		lines = [
			{text: `sync ${storage.sync ?? '-'}   commit threshold ${storage.commitThreshold ?? '-'} rec`},
			{text: wal ? `pending ${formatCount(wal.pendingRecords)} rec / ${formatBytes(wal.pendingBytes)}` : 'no WAL for this topic', color: wal && wal.pendingRecords > 0 ? 'yellow' : undefined},
			{text: wal ? `commits ${formatCount(wal.commits)}` : ''},
			{text: fsync ? `fsyncs ${formatCount(fsync.count)}  ${formatRate(topic.fsyncRate)}` : 'fsyncs -'},
			{text: `last fsync ${formatMs(fsync?.lastLatencyMs)}${fsync && fsync.count > 0 ? `  avg ${formatMs(fsync.totalLatencyMs / fsync.count)}` : ''}`},
			{text: `WAL ${formatBytes(wal?.walBytes ?? 0)}   log ${formatBytes(topic.storage.logBytes)}`},
		];
		if (topic.storage.failed) lines.unshift({text: `FAILED: ${topic.storage.failure ?? 'I/O error'}`, color: 'red'});
	}
	return (
		<PaneFrame id="wal" width={width} height={height} focused={focused} highlighted={highlighted} hint={topic ? topic.name : undefined}>
			{lines.slice(0, rows).map((line, i) => (
				<Line key={i} color={line.color} dim={line.dim}>
					{line.text}
				</Line>
			))}
		</PaneFrame>
	);
});
