import React, {memo} from 'react';
import type {StorageInfo} from '../../engine/stats.js';
import {formatBytes, formatCount, formatPercent, sparkline} from '../format.js';
import type {TopicView} from '../store/tui-store.js';
import {Line, PaneFrame, contentColumns, contentRows} from './pane.js';

export interface CachePaneProps {
	width: number;
	height: number;
	focused?: boolean;
	highlighted?: boolean;
	storage: StorageInfo;
	topic: TopicView | null;
}

/** The selected topic's read cache: capacity, entries, hits, misses, hit rate (with sparkline), evictions. */
export const CachePane = memo(function CachePane({width, height, focused, highlighted, storage, topic}: CachePaneProps) {
	const rows = contentRows(height);
	const cols = contentColumns(width);
	const cache = topic?.storage.cache;
	let lines: {text: string; color?: string; dim?: boolean}[];
	if (storage.kind === 'memory') {
		lines = [
			{text: 'memory storage: no cache', color: 'yellow'},
			{text: 'every read is already from RAM.', dim: true},
		];
	} else if (!topic || !cache) {
		lines = [{text: `cache size ${storage.cacheSize ?? '-'}`}, {text: topic ? 'no cache for this topic' : 'no topic selected', dim: true}];
	} else {
		const label = 'hit rate/s ';
		lines = [
			{text: `capacity ${formatCount(cache.capacity)} rec / ${formatBytes(cache.maxBytes)}`},
			{text: `entries ${formatCount(cache.entries)}  (${formatBytes(cache.bytes)})`},
			{text: `hits ${formatCount(cache.hits)}  misses ${formatCount(cache.misses)}`},
			{text: `hit rate ${formatPercent(topic.hitRate)}  evictions ${formatCount(cache.evictions)}`, color: topic.hitRate !== null && topic.hitRate < 0.5 ? 'yellow' : undefined},
			{text: `${label}${sparkline(topic.hitRateHistory, Math.max(4, cols - label.length), 1)}`, color: 'green'},
		];
	}
	return (
		<PaneFrame id="cache" width={width} height={height} focused={focused} highlighted={highlighted} hint={topic ? topic.name : undefined}>
			{lines.slice(0, rows).map((line, i) => (
				<Line key={i} color={line.color} dim={line.dim}>
					{line.text}
				</Line>
			))}
		</PaneFrame>
	);
});
