import React, {memo} from 'react';
import type {RecordWithOffset} from '../../engine/types.js';
import {compactJson, formatHeaders, formatTimestamp, pad, padLeft} from '../format.js';
import {type RecordFilter, describeFilter, isActive} from '../record-filter.js';
import {Line, PaneFrame, contentColumns, contentRows} from './pane.js';

export interface RecordsViewState {
	/** First offset of the page (ignored while following). */
	start: number;
	follow: boolean;
	/** Null (or empty text): every record. */
	filter: RecordFilter | null;
	/** Pretty-print JSON values (the detail view) / compact one-line JSON in the list; false shows raw text. */
	pretty: boolean;
	/** Selected row within the page. */
	cursor: number;
}

export interface RecordsPaneProps {
	width: number;
	height: number;
	focused?: boolean;
	highlighted?: boolean;
	topic: string | null;
	highWaterMark: number;
	records: readonly RecordWithOffset[];
	view: RecordsViewState;
	error?: string | null;
	/** Records examined to fill a filtered page (shown so a slow filter explains itself). */
	scanned?: number;
	now?: number;
}

/** How many record rows fit in a Records pane of `height` rows (one line is the column header). */
export const recordRows = (height: number): number => Math.max(1, contentRows(height) - 1);

/** The selected topic's records: offset, time, key, value, headers; paged, followed, filtered. */
export const RecordsPane = memo(function RecordsPane(props: RecordsPaneProps) {
	const {width, height, focused, highlighted, topic, highWaterMark, records, view, error, scanned} = props;
	const cols = contentColumns(width);
	const offsetWidth = Math.max(6, String(highWaterMark).length);
	const timeWidth = 12;
	const keyWidth = cols >= 90 ? 16 : cols >= 70 ? 12 : 10;
	const headersWidth = cols >= 90 ? 20 : cols >= 60 ? 14 : 0;
	const valueWidth = Math.max(8, cols - offsetWidth - timeWidth - keyWidth - (headersWidth > 0 ? headersWidth + 1 : 0) - 5);
	const modes = [
		view.follow ? 'FOLLOW' : records.length > 0 ? `${records[0]!.offset}..${records[records.length - 1]!.offset} of ${highWaterMark}` : `from ${view.start} of ${highWaterMark}`,
		isActive(view.filter) ? `filter ${describeFilter(view.filter)}${scanned ? ` (${scanned} scanned)` : ''}` : '',
		view.pretty ? '' : 'raw',
	].filter(Boolean);
	let body: React.ReactNode;
	if (!topic) body = <Line dim>no topic selected: produce a record with p</Line>;
	else if (error) body = <Line color="red">{error}</Line>;
	else if (records.length === 0) {
		body = <Line dim>{isActive(view.filter) ? 'no record matches the filter' : highWaterMark === 0 ? 'topic is empty' : `no records from offset ${view.start}`}</Line>;
	} else {
		body = (
			<>
				<Line dim>{`  ${padLeft('offset', offsetWidth)} ${pad('time', timeWidth)} ${pad('key', keyWidth)} ${pad('value', valueWidth)}${headersWidth ? ` ${pad('headers', headersWidth)}` : ''}`}</Line>
				{records.map((r, i) => {
					const selected = i === view.cursor;
					const value = view.pretty ? compactJson(r.value) : r.value;
					const text = `${selected ? '›' : ' '} ${padLeft(String(r.offset), offsetWidth)} ${pad(formatTimestamp(r.timestamp, props.now).slice(-12), timeWidth)} ${pad(r.key ?? '∅', keyWidth)} ${pad(value, valueWidth)}${headersWidth ? ` ${pad(formatHeaders(r.headers), headersWidth)}` : ''}`;
					return (
						<Line key={r.offset} inverse={selected && focused} color={selected ? 'cyan' : undefined}>
							{text}
						</Line>
					);
				})}
			</>
		);
	}
	return (
		<PaneFrame id="records" width={width} height={height} focused={focused} highlighted={highlighted} hint={topic ? `${topic}  ${modes.join('  ')}` : undefined}>
			{body}
		</PaneFrame>
	);
});
