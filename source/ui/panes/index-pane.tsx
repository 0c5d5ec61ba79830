import React, {memo} from 'react';
import {formatBytes, formatCount} from '../format.js';
import type {IndexLookup} from '../store/snapshot.js';
import {type TextLine, type TopicStoragePaneProps, TopicTextPane} from './pane.js';

export type IndexPaneProps = TopicStoragePaneProps;

// No "offset" prefix (the line above says it): at 160x45 the pane is about 40 columns and the scan count must fit.
const describe = (l: IndexLookup): string => `${l.offset} -> entry ${l.entryOffset} @ byte ${l.position}, scanned ${l.scanned}`;

/** The selected topic's sparse offset index: entries, interval, latest lookups. */
export const IndexPane = memo(function IndexPane({width, height, focused, highlighted, storage, topic}: IndexPaneProps) {
	const index = topic?.storage.index;
	let lines: TextLine[];
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
			{text: `entries ${formatCount(index.entries)}  lookups ${formatCount(index.lookups)}  (1 per ${formatBytes(index.interval)})`},
			{text: lookups.length > 0 ? 'latest lookups (offset -> byte position):' : "no lookups yet: consumer reads make them", dim: true},
			...lookups.map((l) => ({text: describe(l)})),
		];
	}
	return <TopicTextPane id="index" width={width} height={height} focused={focused} highlighted={highlighted} topic={topic} lines={lines} />;
});
