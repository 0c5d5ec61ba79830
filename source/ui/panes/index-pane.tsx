import React, {memo} from 'react';
import type {StorageInfo} from '../../engine/stats.js';
import {formatCount} from '../format.js';
import type {IndexLookup, TopicView} from '../store/tui-store.js';
import {Line, PaneFrame, contentRows} from './pane.js';

export interface IndexPaneProps {
	width: number;
	height: number;
	focused?: boolean;
	highlighted?: boolean;
	storage: StorageInfo;
	topic: TopicView | null;
}

const describe = (l: IndexLookup): string =>
	`offset ${l.offset} -> entry ${l.entryOffset} @ byte ${l.position}, scanned ${l.scanned}`;

/** The selected topic's sparse offset index: entries, interval, latest lookups. */
export const IndexPane = memo(function IndexPane({width, height, focused, highlighted, storage, topic}: IndexPaneProps) {
	const rows = contentRows(height);
	const index = topic?.storage.index;
	let lines: {text: string; color?: string; dim?: boolean}[];
	if (storage.kind === 'memory') {
		lines = [
			{text: 'memory storage: no offset index', color: 'yellow'},
			{text: 'an offset is an array position here.', dim: true},
		];
	} else if (!topic || !index) {
		lines = [{text: topic ? 'no index for this topic' : 'no topic selected', dim: true}];
	} else {
		// The event stream gives the recent lookups; stats carry the last one even when nobody listened.
		const lookups: IndexLookup[] = topic.lookups.length > 0 ? [...topic.lookups].reverse() : index.lastLookup ? [{at: 0, ...index.lastLookup}] : [];
		lines = [
			{text: `entries ${formatCount(index.entries)}  every ${index.interval} rec  lookups ${formatCount(index.lookups)}`},
			{text: lookups.length > 0 ? 'latest lookups (offset -> byte position):' : 'no lookups yet: read some records', dim: true},
			...lookups.map((l) => ({text: describe(l)})),
		];
	}
	return (
		<PaneFrame id="index" width={width} height={height} focused={focused} highlighted={highlighted} hint={topic ? topic.name : undefined}>
			{lines.slice(0, rows).map((line, i) => (
				<Line key={i} color={line.color} dim={line.dim}>
					{line.text}
				</Line>
			))}
		</PaneFrame>
	);
});
