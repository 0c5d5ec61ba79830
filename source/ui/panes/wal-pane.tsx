import React, {memo} from 'react';
import {formatBytes, formatCount, formatMs, formatRate} from '../format.js';
import {type TextLine, type TopicStoragePaneProps, TopicTextPane} from './pane.js';

export type WalPaneProps = TopicStoragePaneProps;

/** Write-ahead log of the selected topic: sync mode, threshold, pending, commits, fsyncs, sizes. */
export const WalPane = memo(function WalPane({width, height, focused, highlighted, storage, topic}: WalPaneProps) {
	const wal = topic?.storage.wal;
	const fsync = topic?.storage.fsync;
	let lines: TextLine[];
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
	return <TopicTextPane id="wal" width={width} height={height} focused={focused} highlighted={highlighted} topic={topic} lines={lines} />;
});
