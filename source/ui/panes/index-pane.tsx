import React, {memo} from 'react';
import {formatBytes, formatCount, formatMs} from '../format.js';
import type {IndexLookup, TopicView} from '../store/snapshot.js';
import {type TextLine, type TopicStoragePaneProps, TopicTextPane} from './pane.js';

export type IndexPaneProps = TopicStoragePaneProps;

// No "offset" prefix (the line above says it): at 160x45 the pane is about 40 columns and the scan count must fit.
const describe = (l: IndexLookup): string => `${l.offset} -> entry ${l.entryOffset} @ byte ${l.position}, scanned ${l.scanned}`;

/**
 * NATS storage has no index: one stream per topic keeps sequences dense, so an offset is its
 * sequence minus one. The pane shows that mapping and how the last read was served (a few records
 * by leader-answered gets, more by an ordered consumer). Lines fit the 17 columns it gets at 80x24.
 */
export function sequenceLines(topic: TopicView | null): TextLine[] {
	const js = topic?.storage.jetstream;
	const lines: TextLine[] = [{text: 'offset = seq - 1', dim: true}];
	if (!topic) return [...lines, {text: 'no topic selected', dim: true}];
	if (!js) return [...lines, {text: 'no stream info yet', dim: true}];
	if (js.lastSeq === 0 || js.lastSeq < js.firstSeq) lines.push({text: 'no records yet', dim: true});
	else lines.push({text: `offsets ${js.firstSeq - 1}..${js.lastSeq - 1}`}, {text: `seq ${js.firstSeq}..${js.lastSeq}`});
	const read = js.lastRead;
	if (!read) return [...lines, {text: 'no reads yet', dim: true}];
	lines.push(
		{text: `read: ${read.method}`},
		{text: `${formatCount(read.records)} rec from ${read.fromOffset}`},
		{text: `in ${formatMs(read.ms)}`},
		{text: read.method === 'get' ? 'leader-answered message gets (few records)' : 'an ordered consumer from the offset', dim: true},
	);
	return lines;
}

/** The selected topic's sparse offset index: entries, interval, latest lookups. */
export const IndexPane = memo(function IndexPane({width, height, focused, highlighted, storage, topic}: IndexPaneProps) {
	const index = topic?.storage.index;
	let lines: TextLine[];
	if (storage.kind === 'nats') {
		lines = sequenceLines(topic);
	} else if (storage.kind === 'memory') {
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
	return <TopicTextPane id="index" kind={storage.kind} width={width} height={height} focused={focused} highlighted={highlighted} topic={topic} lines={lines} />;
});
