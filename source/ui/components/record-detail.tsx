import {Box, Text} from 'ink';
import React, {memo} from 'react';
import type {RecordWithOffset} from '../../engine/types.js';
import {printable, prettyJson} from '../format.js';

export interface RecordDetailProps {
	width: number;
	height: number;
	topic: string;
	record: RecordWithOffset;
	pretty: boolean;
	scroll: number;
}

/** What the detail shows of a record: its header lines and value lines, and the room the value gets. */
function detailParts(record: RecordWithOffset, pretty: boolean, height: number) {
	const value = pretty ? prettyJson(record.value) : {text: record.value, json: false};
	const headerLines = record.headers && Object.keys(record.headers).length > 0 ? Object.entries(record.headers).map(([k, v]) => `  ${printable(k)} = ${printable(v)}`) : ['  (none)'];
	const fixed = 6 + headerLines.length;
	const valueLines = value.text.split(/\r?\n/).map(printable);
	const room = Math.max(1, height - 2 - fixed);
	return {value, headerLines, valueLines, room};
}

/** The most `scroll` can be for this record at `height` rows. */
export function recordDetailMaxScroll(record: RecordWithOffset, pretty: boolean, height: number): number {
	const {valueLines, room} = detailParts(record, pretty, height);
	return Math.max(0, valueLines.length - room);
}

/** One record in full: offset, timestamp, key, headers, and the value (JSON pretty-printed unless raw). */
export const RecordDetail = memo(function RecordDetail({width, height, topic, record, pretty, scroll}: RecordDetailProps) {
	const {value, headerLines, valueLines, room} = detailParts(record, pretty, height);
	const first = Math.max(0, Math.min(scroll, Math.max(0, valueLines.length - room)));
	return (
		<Box width={width} height={height} borderStyle="double" borderColor="cyan" flexDirection="column" paddingX={1} overflow="hidden">
			<Text bold color="cyan" wrap="truncate">
				Record {topic} @ {record.offset} <Text dimColor>(Esc close, v {pretty ? 'raw' : 'pretty'}, p re-produce, ↑↓ scroll)</Text>
			</Text>
			<Text wrap="truncate">
				<Text bold>timestamp </Text>
				{record.timestamp}
			</Text>
			<Text wrap="truncate">
				<Text bold>key </Text>
				{record.key === null ? '(none)' : printable(record.key)}
			</Text>
			<Text bold>headers</Text>
			{headerLines.map((line, i) => (
				<Text key={i} wrap="truncate">
					{line}
				</Text>
			))}
			<Text bold wrap="truncate">
				value <Text dimColor>({value.json ? 'JSON, pretty' : pretty ? 'text' : 'raw'}, {record.value.length} chars{valueLines.length > room ? `, lines ${first + 1}-${Math.min(valueLines.length, first + room)} of ${valueLines.length}` : ''})</Text>
			</Text>
			{valueLines.slice(first, first + room).map((line, i) => (
				<Text key={i} wrap="truncate" color={value.json ? 'green' : undefined}>
					{line === '' ? ' ' : line}
				</Text>
			))}
		</Box>
	);
});
