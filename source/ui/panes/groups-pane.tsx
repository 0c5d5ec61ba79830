import React, {memo} from 'react';
import type {GroupInfo} from '../../engine/types.js';
import {formatCount, pad, padLeft, sparkline} from '../format.js';
import {PANE_TITLES} from '../layout.js';
import {lagKey} from '../store/lag-history.js';
import {Line, PaneFrame, contentColumns, contentRows, windowStart} from './pane.js';

/** One row of the Consumer Groups pane: a group's offset on one topic, or a group with no commits. */
export interface GroupRow {
	group: string;
	topic: string | null;
	committed: number | null;
	highWaterMark: number | null;
	lag: number | null;
	/** The lag's last samples (one a second), newest (= `lag`) last. */
	trend: readonly number[];
}

export function groupRows(groups: readonly GroupInfo[], trends?: ReadonlyMap<string, readonly number[]>): GroupRow[] {
	const rows: GroupRow[] = [];
	for (const g of groups) {
		if (g.offsets.length === 0) rows.push({group: g.groupId, topic: null, committed: null, highWaterMark: null, lag: null, trend: []});
		for (const o of g.offsets) {
			const trend = trends?.get(lagKey(g.groupId, o.topic)) ?? [o.lag];
			rows.push({group: g.groupId, topic: o.topic, committed: o.committedOffset, highWaterMark: o.highWaterMark, lag: o.lag, trend});
		}
	}
	return rows;
}

/** Cells of the lag trend (the last samples that fit, at most this many, at least MIN_TREND_CELLS). */
export const TREND_CELLS = 8;
const MIN_TREND_CELLS = 4;

export interface GroupsPaneProps {
	width: number;
	height: number;
	focused?: boolean;
	highlighted?: boolean;
	rows: readonly GroupRow[];
	selected: number;
}

/**
 * Consumer groups: committed offset per topic, high water mark, lag (lag = hwm - commit, so all three
 * stay when they fit), and the lag's trend over the last seconds (scaled to its own highest value):
 * a column when the pane has room for it, else the selected row's in the title.
 */
export const GroupsPane = memo(function GroupsPane({width, height, focused, highlighted, rows, selected}: GroupsPaneProps) {
	const cols = contentColumns(width);
	const lines = contentRows(height);
	// Each number column as wide as its label or widest value; one "group/topic" column takes the rest, cut last.
	const columnWidth = (label: string, values: (number | null)[]) => Math.max(label.length, ...values.map((v) => formatCount(v ?? 0).length));
	const commitWidth = columnWidth('commit', rows.map((r) => r.committed));
	const hwmWidth = columnWidth('hwm', rows.map((r) => r.highWaterMark));
	const lagWidth = columnWidth('lag', rows.map((r) => r.lag));
	const longest = Math.min(24, Math.max(11, ...rows.map((r) => r.group.length + 1 + (r.topic ?? '(no commits)').length)));
	const withHwm = cols - 2 - (commitWidth + hwmWidth + lagWidth + 3) >= Math.min(longest, 14);
	const groups = new Set(rows.map((r) => r.group)).size;
	// The trend column comes last: only beside every number, and at least MIN_TREND_CELLS wide.
	const spare = cols - 2 - (commitWidth + hwmWidth + lagWidth + 3) - Math.min(longest, 14) - 1;
	const trendCells = withHwm && spare >= MIN_TREND_CELLS ? Math.min(TREND_CELLS, spare) : 0;
	const nameWidth = Math.max(6, Math.min(longest, cols - 2 - (commitWidth + lagWidth + 2) - (withHwm ? hwmWidth + 1 : 0) - (trendCells > 0 ? trendCells + 1 : 0)));
	const hwm = (text: string) => (withHwm ? ` ${padLeft(text, hwmWidth)}` : '');
	const trend = (text: string) => (trendCells > 0 ? ` ${pad(text, trendCells)}` : '');
	const spark = (r: GroupRow, cells: number) => sparkline(r.trend, Math.min(cells, r.trend.length));
	// Too narrow for the column: the selected row's trend goes in the title, in the room left there.
	const titleRoom = Math.min(TREND_CELLS, cols - PANE_TITLES.groups.length - 3 - `${groups} · lag `.length);
	const selectedRow = rows[selected];
	const titleTrend = trendCells === 0 && selectedRow?.topic != null && titleRoom >= MIN_TREND_CELLS ? ` · lag ${spark(selectedRow, titleRoom)}` : '';
	const listRows = Math.max(0, lines - 1);
	const first = windowStart(rows.length, listRows, selected);
	return (
		<PaneFrame id="groups" width={width} height={height} focused={focused} highlighted={highlighted} hint={`${groups}${titleTrend}`}>
			{rows.length === 0 ? (
				<Line dim>no groups: press c to create one</Line>
			) : (
				<>
					<Line dim>{`  ${pad('group/topic', nameWidth)} ${padLeft('commit', commitWidth)}${hwm('hwm')} ${padLeft('lag', lagWidth)}${trend('trend')}`}</Line>
					{rows.slice(first, first + listRows).map((r, i) => {
						const isSelected = first + i === selected;
						const marker = isSelected ? '›' : ' ';
						const text =
							r.topic === null
								? `${marker} ${r.group} (no commits)`
								: `${marker} ${pad(`${r.group}/${r.topic}`, nameWidth)} ${padLeft(formatCount(r.committed ?? 0), commitWidth)}${hwm(formatCount(r.highWaterMark ?? 0))} ${padLeft(formatCount(r.lag ?? 0), lagWidth)}${trend(spark(r, trendCells))}`;
						return (
							<Line key={`${r.group}/${r.topic ?? ''}`} inverse={isSelected && focused} color={isSelected ? 'cyan' : r.lag ? 'yellow' : undefined}>
								{text}
							</Line>
						);
					})}
				</>
			)}
		</PaneFrame>
	);
});
