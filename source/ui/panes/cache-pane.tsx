import React, {memo} from 'react';
import {formatBytes, formatCount, formatPercent, sparkline} from '../format.js';
import {contentColumns, type TextLine, type TopicStoragePaneProps, TopicTextPane} from './pane.js';

export type CachePaneProps = TopicStoragePaneProps;

/** The selected topic's read cache: capacity, entries, hits, misses, hit rate (with sparkline), evictions. */
export const CachePane = memo(function CachePane({width, height, focused, highlighted, storage, topic}: CachePaneProps) {
	const cols = contentColumns(width);
	const cache = topic?.storage.cache;
	let lines: TextLine[];
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
			// The Records pane reads with FlashQ.peek: looking at the queue does not move these figures.
			{text: "counts consumer reads, not this app's", dim: true},
		];
	}
	return <TopicTextPane id="cache" width={width} height={height} focused={focused} highlighted={highlighted} topic={topic} lines={lines} />;
});
