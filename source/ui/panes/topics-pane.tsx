import React, {memo} from 'react';
import {formatBytes, formatCount, formatRate, pad, padLeft} from '../format.js';
import type {TopicView} from '../store/snapshot.js';
import {Line, PaneFrame, contentColumns, contentRows, windowStart} from './pane.js';

export interface TopicsPaneProps {
	width: number;
	height: number;
	focused?: boolean;
	highlighted?: boolean;
	topics: readonly TopicView[];
	selected: string | null;
}

/** Topic list: name, record count, high water mark, append rate. */
export const TopicsPane = memo(function TopicsPane({width, height, focused, highlighted, topics, selected}: TopicsPaneProps) {
	const cols = contentColumns(width);
	const rows = contentRows(height);
	// Names come first: the rate column goes when the longest name (up to 16) would not fit beside it.
	const longest = Math.min(16, Math.max(4, ...topics.map((t) => t.name.length)));
	// The high water mark is what lessons point at: on a narrow pane the number columns shrink before it is cut.
	const numWidth = cols < 40 ? Math.max(4, Math.min(7, Math.floor((cols - 2 - 6 - 2) / 2))) : 8;
	const numbers = cols - 2 - 3 * (numWidth + 1) >= longest ? 3 : 2;
	const nameWidth = Math.max(6, cols - numbers * (numWidth + 1) - 2);
	const selectedIndex = Math.max(0, topics.findIndex((t) => t.name === selected));
	const listRows = Math.max(0, rows - 1);
	const first = windowStart(topics.length, listRows, selectedIndex);
	const shown = topics.slice(first, first + listRows);
	const header = `  ${pad('name', nameWidth)} ${padLeft(numWidth >= 7 ? 'records' : 'recs', numWidth)} ${padLeft('hwm', numWidth)}${numbers === 3 ? ` ${padLeft('rate', numWidth)}` : ''}`;
	return (
		<PaneFrame id="topics" width={width} height={height} focused={focused} highlighted={highlighted} hint={`${topics.length}`}>
			{topics.length === 0 ? (
				<Line dim>no topics yet: press p to produce a record or c to create one</Line>
			) : (
				<>
					<Line dim>{header}</Line>
					{shown.map((t) => {
						const isSelected = t.name === selected;
						const text = `${isSelected ? '›' : ' '} ${pad(t.name, nameWidth)} ${padLeft(formatCount(t.records), numWidth)} ${padLeft(formatCount(t.highWaterMark), numWidth)}${numbers === 3 ? ` ${padLeft(formatRate(t.appendRate), numWidth)}` : ''}`;
						return (
							<Line key={t.name} inverse={isSelected && focused} color={isSelected ? 'cyan' : undefined}>
								{text}
							</Line>
						);
					})}
				</>
			)}
		</PaneFrame>
	);
});

export const topicBytes = (t: TopicView): string => formatBytes(t.bytes);
