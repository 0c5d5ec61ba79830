import {Box, Text} from 'ink';
import React, {memo, type ReactNode} from 'react';
import type {StorageInfo} from '../../core/stats.js';
import {PANE_IDS, PANE_TITLES, type PaneId} from '../layout.js';
import type {TopicView} from '../store/snapshot.js';

export interface PaneFrameProps {
	id: PaneId;
	width: number;
	height: number;
	focused?: boolean;
	/** Drawn in another colour: the guided tour points at panes with it. */
	highlighted?: boolean;
	/** A short status after the title (mode, counts). */
	hint?: string;
	/** The queue's storage: the WAL, Cache and Index boxes show other things on NATS (see paneTitle). */
	storageKind?: StorageInfo['kind'];
	children?: ReactNode;
}

/**
 * On NATS storage the storage panes keep their ids (keys, tour, layout) but show what JetStream has
 * instead of a WAL, a cache and a sparse index, so their titles say that.
 */
const NATS_TITLES: Partial<Record<PaneId, string>> = {wal: 'Stream', cache: 'Replicas', index: 'Offset <-> Seq'};

export const paneTitle = (id: PaneId, kind?: StorageInfo['kind']): string => (kind === 'nats' ? NATS_TITLES[id] : undefined) ?? PANE_TITLES[id];

/** Lines of content a pane of `height` rows has: border (2) and title (1) take the rest. */
export const contentRows = (height: number): number => Math.max(0, height - 3);
/** Columns of content: border (2) and padding (2). */
export const contentColumns = (width: number): number => Math.max(0, width - 4);

/** The bordered, titled box every pane sits in. */
export const PaneFrame = memo(function PaneFrame({id, width, height, focused, highlighted, hint, storageKind, children}: PaneFrameProps) {
	const color = highlighted ? 'yellow' : focused ? 'cyan' : 'gray';
	const title = (
		<Text wrap="truncate">
			<Text color={focused || highlighted ? color : undefined} bold>
				{PANE_IDS.indexOf(id) + 1} {paneTitle(id, storageKind)}
			</Text>
			{hint ? <Text dimColor> {hint}</Text> : null}
		</Text>
	);
	// Too short for a border (a pane the layout collapsed): the title, and a line if there is room.
	if (height < 3)
		return (
			<Box width={width} height={height} flexDirection="column" paddingX={1} overflow="hidden">
				<Box height={1} overflow="hidden">
					{focused ? <Text color={color}>{'› '}</Text> : null}
					{title}
				</Box>
				<Box flexDirection="column" height={height - 1} overflow="hidden">
					{children}
				</Box>
			</Box>
		);
	return (
		<Box width={width} height={height} borderStyle={focused ? 'double' : 'round'} borderColor={color} flexDirection="column" paddingX={1} overflow="hidden">
			<Box height={1} overflow="hidden">
				{title}
			</Box>
			<Box flexDirection="column" flexGrow={1} overflow="hidden">
				{children}
			</Box>
		</Box>
	);
});

/** One line that never wraps. */
export function Line({children, color, dim, bold, inverse}: {children: ReactNode; color?: string; dim?: boolean; bold?: boolean; inverse?: boolean}) {
	return (
		<Text wrap="truncate" color={color} dimColor={dim} bold={bold} inverse={inverse}>
			{children}
		</Text>
	);
}

/** The first index of a `size`-row window over `total` rows that keeps `selected` visible. */
export function windowStart(total: number, size: number, selected: number): number {
	if (total <= size || size <= 0) return 0;
	const half = Math.floor(size / 2);
	return Math.max(0, Math.min(total - size, selected - half));
}

/** What the selected topic's storage panes (WAL, Cache, Offset Index) take. */
export interface TopicStoragePaneProps {
	width: number;
	height: number;
	focused?: boolean;
	highlighted?: boolean;
	storage: StorageInfo;
	topic: TopicView | null;
}

export interface TextLine {
	text: string;
	color?: string;
	dim?: boolean;
}

/** A pane of plain text lines about the selected topic, cut to the pane's height. */
export function TopicTextPane({
	id,
	width,
	height,
	focused,
	highlighted,
	topic,
	lines,
	kind,
}: Omit<TopicStoragePaneProps, 'storage'> & {id: PaneId; lines: readonly TextLine[]; kind?: StorageInfo['kind']}) {
	return (
		<PaneFrame id={id} width={width} height={height} focused={focused} highlighted={highlighted} hint={topic ? topic.name : undefined} storageKind={kind}>
			{lines.slice(0, contentRows(height)).map((line, i) => (
				<Line key={i} color={line.color} dim={line.dim}>
					{line.text}
				</Line>
			))}
		</PaneFrame>
	);
}
