import {Box, Text} from 'ink';
import React, {memo, type ReactNode} from 'react';
import {HELP_SECTIONS} from '../keys.js';

/** Border (2) and the title line. */
const CHROME_ROWS = 3;

type Cell = {kind: 'blank'} | {kind: 'title'; text: string} | {kind: 'key'; keys: string; does: string};

const columnsFor = (width: number): number => (width >= 96 ? 3 : 2);

/** The help's lines: the sections in columns, each column a list of cells, zipped into rows. */
function helpRows(width: number): Cell[][] {
	const columns = columnsFor(width);
	// Sections in order, a new column once one holds its share of the lines (columns end level).
	const total = HELP_SECTIONS.reduce((n, section) => n + section.keys.length + 2, 0);
	const groups: (typeof HELP_SECTIONS)[number][][] = [[]];
	let lines = 0;
	for (const section of HELP_SECTIONS) {
		const size = section.keys.length + 2;
		if (groups.at(-1)!.length > 0 && groups.length < columns && lines + size / 2 > (total / columns) * groups.length) groups.push([]);
		groups.at(-1)!.push(section);
		lines += size;
	}
	const cells = groups.map((sections) =>
		sections.flatMap((section, i): Cell[] => [
			...(i > 0 ? [{kind: 'blank'} as const] : []),
			{kind: 'title', text: section.title},
			...section.keys.map((k) => ({kind: 'key', keys: k.keys, does: k.does}) as const),
		]),
	);
	const height = Math.max(...cells.map((c) => c.length));
	return Array.from({length: height}, (_, row) => cells.map((column) => column[row] ?? {kind: 'blank'}));
}

/** Lines the help has below its title at `width`. */
export const helpLines = (width: number): number => helpRows(width).length;

/** The most `scroll` can be at this size. */
export const helpMaxScroll = (width: number, height: number): number => Math.max(0, helpLines(width) - Math.max(1, height - CHROME_ROWS));

function CellText({cell, width}: {cell: Cell; width: number}): ReactNode {
	const keysWidth = Math.min(12, Math.max(6, Math.floor(width / 3)));
	return (
		<Box width={width} height={1} overflow="hidden">
			{cell.kind === 'title' ? (
				<Text bold underline wrap="truncate">
					{cell.text}
				</Text>
			) : cell.kind === 'key' ? (
				<Text wrap="truncate">
					<Text color="cyan">{cell.keys.padEnd(keysWidth)}</Text> {cell.does}
				</Text>
			) : (
				<Text> </Text>
			)}
		</Box>
	);
}

/** Every key of the app, grouped; drawn in place of the panes, scrolled by `scroll` lines when it does not fit. */
export const HelpOverlay = memo(function HelpOverlay({width, height, scroll = 0}: {width: number; height: number; scroll?: number}) {
	const columnWidth = Math.floor((width - 4) / columnsFor(width));
	const rows = helpRows(width);
	const room = Math.max(1, height - CHROME_ROWS);
	const first = Math.max(0, Math.min(scroll, rows.length - room));
	return (
		<Box width={width} height={height} borderStyle="double" borderColor="cyan" flexDirection="column" paddingX={1} overflow="hidden">
			<Text bold color="cyan" wrap="truncate">
				Help: keys <Text dimColor>(Esc or ? closes{rows.length > room ? `; lines ${first + 1}-${first + room} of ${rows.length}, ↑↓ PgUp/PgDn scroll` : ''})</Text>
			</Text>
			{rows.slice(first, first + room).map((row, r) => (
				<Box key={first + r} flexDirection="row" height={1}>
					{row.map((cell, c) => (
						<CellText key={c} cell={cell} width={columnWidth} />
					))}
				</Box>
			))}
		</Box>
	);
});
