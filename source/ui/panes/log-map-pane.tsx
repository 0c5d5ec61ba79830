import {Text} from 'ink';
import React, {memo} from 'react';
import type {GroupInfo} from '../../engine/types.js';
import {pad} from '../format.js';
import {fitLines, LABEL_WIDTH, logMap, type MapLine, type ShownRange} from './log-map.js';
import {PaneFrame, type TopicStoragePaneProps, contentColumns, contentRows} from './pane.js';

export interface LogMapPaneProps extends TopicStoragePaneProps {
	groups: readonly GroupInfo[];
	shown: ShownRange | null;
}

/** The legend's lines start at the left edge; the others keep the label column so their cells line up. */
const UNLABELLED: ReadonlySet<MapLine['kind']> = new Set(['legend', 'figures', 'members']);

/**
 * The selected topic as one strip from offset 0 to the high water mark (the picture drawn on the
 * board): log and WAL, index entries, the cache's span, the Records pane's page, each group's
 * committed offset; the scale in the title, the figures in the legend below.
 */
export const LogMapPane = memo(function LogMapPane({width, height, focused, highlighted, storage, topic, groups, shown}: LogMapPaneProps) {
	const map = logMap({storage, topic, groups, shown, width: Math.max(1, contentColumns(width) - LABEL_WIDTH)});
	const hint = topic ? `${topic.name}  hwm ${topic.highWaterMark}${map.scaleText ? `  ${map.scaleText}` : ''}` : undefined;
	return (
		<PaneFrame id="logmap" width={width} height={height} focused={focused} highlighted={highlighted} hint={hint}>
			{fitLines(map.lines, contentRows(height)).map((line, i) => (
				<Text key={i} wrap="truncate">
					{UNLABELLED.has(line.kind) ? null : <Text dimColor>{pad(line.label, LABEL_WIDTH)}</Text>}
					{line.runs.map((run, j) => (
						<Text key={j} color={run.color} dimColor={run.dim}>
							{run.text}
						</Text>
					))}
				</Text>
			))}
		</PaneFrame>
	);
});
