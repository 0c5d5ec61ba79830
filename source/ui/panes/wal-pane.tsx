import React, {memo} from 'react';
import type {StorageInfo} from '../../core/stats.js';
import {formatBytes, formatCount, formatMs, formatRate} from '../format.js';
import type {TopicView} from '../store/snapshot.js';
import {type TextLine, type TopicStoragePaneProps, TopicTextPane} from './pane.js';

export type WalPaneProps = TopicStoragePaneProps;

/**
 * NATS storage has no WAL: the topic is a replicated stream. What an ack means comes first (the
 * same honesty the file WAL pane gives with its sync mode). Lines fit the 25 columns the pane gets
 * at 80x24; nats-server syncs its files every 2 minutes (2.9 cannot fsync per ack).
 */
export function streamLines(storage: StorageInfo, topic: TopicView | null): TextLine[] {
	const js = topic?.storage.jetstream;
	const replicas = js?.replicas ?? storage.nats?.replicas ?? 1;
	const majority = Math.floor(replicas / 2) + 1;
	const lines: TextLine[] = [
		{text: `ack: in memory on ${majority} of ${replicas}`, color: 'yellow'},
		{text: 'fsync to disk every 2 min', dim: true},
	];
	if (!topic) return [...lines, {text: 'no topic selected', dim: true}];
	if (!js) return [...lines, {text: 'no stream info yet', dim: true}];
	// An empty stream reports last < first (after a purge) or 0..0 (new).
	const empty = js.lastSeq === 0 || js.lastSeq < js.firstSeq;
	lines.push(
		{text: `stream ${js.stream} R${js.replicas}`},
		{text: `${empty ? 'seq -' : `seq ${js.firstSeq}..${js.lastSeq}`}  ${formatBytes(js.bytes)}`},
		{text: `in flight ${formatCount(js.inFlight)}  resends ${formatCount(js.resends)}`, color: js.resends > 0 ? 'yellow' : undefined},
		// A duplicate is a resend the stream already had: the first send was stored, the answer lost.
		{text: `duplicates ${formatCount(js.duplicates)} (already stored)`},
		{text: `subject ${js.subject}`, dim: true},
		// What the ack buys (shown where the pane has the rows): a minority may die; fsync is periodic.
		{text: `acked records survive the loss of ${replicas - majority} node${replicas - majority === 1 ? '' : 's'}`, dim: true},
		{text: `power loss on ${majority} within 2 min can lose them`, dim: true},
	);
	if (topic.storage.failed) lines.unshift({text: `FAILED: ${topic.storage.failure ?? 'I/O error'}`, color: 'red'});
	return lines;
}

/** Write-ahead log of the selected topic: sync mode, threshold, pending, commits, fsyncs, sizes (NATS: its stream). */
export const WalPane = memo(function WalPane({width, height, focused, highlighted, storage, topic}: WalPaneProps) {
	const wal = topic?.storage.wal;
	const fsync = topic?.storage.fsync;
	let lines: TextLine[];
	if (storage.kind === 'nats') {
		lines = streamLines(storage, topic);
	} else if (storage.kind === 'memory') {
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
	return <TopicTextPane id="wal" kind={storage.kind} width={width} height={height} focused={focused} highlighted={highlighted} topic={topic} lines={lines} />;
});
