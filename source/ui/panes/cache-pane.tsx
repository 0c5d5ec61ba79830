import React, {memo} from 'react';
import type {StorageInfo} from '../../core/stats.js';
import {formatBytes, formatClock, formatCount, formatPercent, sparkline} from '../format.js';
import type {TopicView} from '../store/snapshot.js';
import {contentColumns, type TextLine, type TopicStoragePaneProps, TopicTextPane} from './pane.js';

export type CachePaneProps = TopicStoragePaneProps;

/** `12ms`, `1.2s`, `3m`: how long ago the leader heard from a follower, short enough for 25 columns. */
const ago = (ms: number): string => (ms < 1000 ? `${Math.round(ms)}ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 60_000)}m`);

/**
 * NATS storage has no read cache: this pane shows the stream's replicas instead, the leader, each
 * follower (caught up or behind, by how many operations, last heard from) and whether a majority is
 * current, which is what an ack needs.
 */
export function replicaLines(storage: StorageInfo, topic: TopicView | null): TextLine[] {
	const js = topic?.storage.jetstream;
	if (!topic) return [{text: `replicas ${storage.nats?.replicas ?? '-'}`}, {text: 'no topic selected', dim: true}];
	if (!js) return [{text: 'no stream info yet', dim: true}];
	const lines: TextLine[] =
		js.leader === null
			? [
					{text: 'leader: none (election)', color: 'red'},
					{text: 'writes wait for a leader', dim: true},
				]
			: [{text: `leader ${js.leader}`, color: 'green'}];
	if (js.replicas <= 1) {
		lines.push({text: 'R1: no followers'}, {text: "the node's loss stops it", dim: true});
	} else {
		for (const f of js.followers)
			lines.push({text: `${f.name} ${f.current ? 'current' : 'behind'} lag ${formatCount(f.lag)} ${ago(f.activeMs)} ago`, color: f.current ? undefined : 'yellow'});
		const current = (js.leader === null ? 0 : 1) + js.followers.filter((f) => f.current).length;
		const majority = Math.floor(js.replicas / 2) + 1;
		lines.push({text: `${current} of ${js.replicas} current, need ${majority}`, color: current < majority ? 'red' : current < js.replicas ? 'yellow' : undefined});
	}
	if (js.infoAt !== null) lines.push({text: `info at ${formatClock(js.infoAt)}`, dim: true});
	return lines;
}

/** The selected topic's read cache: capacity, entries, hits, misses, hit rate (with sparkline), evictions. */
export const CachePane = memo(function CachePane({width, height, focused, highlighted, storage, topic}: CachePaneProps) {
	const cols = contentColumns(width);
	const cache = topic?.storage.cache;
	let lines: TextLine[];
	if (storage.kind === 'nats') {
		lines = replicaLines(storage, topic);
	} else if (storage.kind === 'memory') {
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
	return <TopicTextPane id="cache" kind={storage.kind} width={width} height={height} focused={focused} highlighted={highlighted} topic={topic} lines={lines} />;
});
