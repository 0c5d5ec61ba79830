import {Box} from 'ink';
import React, {type ReactNode} from 'react';
import type {Layout, PaneId} from './layout.js';
import {CachePane} from './panes/cache-pane.js';
import {EventsPane} from './panes/events-pane.js';
import {type GroupRow, GroupsPane} from './panes/groups-pane.js';
import {IndexPane} from './panes/index-pane.js';
import {LogMapPane} from './panes/log-map-pane.js';
import {RecordsPane} from './panes/records-pane.js';
import {ServerPane} from './panes/server-pane.js';
import {TopicsPane} from './panes/topics-pane.js';
import {WalPane} from './panes/wal-pane.js';
import type {TopicView, TuiSnapshot} from './store/snapshot.js';
import type {RecordsView} from './use-records-view.js';

export interface PaneGridProps {
	layout: Layout;
	snapshot: TuiSnapshot;
	focus: PaneId;
	highlight?: readonly PaneId[] | undefined;
	topic: string | null;
	topicView: TopicView | null;
	records: RecordsView;
	groupRows: readonly GroupRow[];
	groupIndex: number;
	eventsScroll: number;
}

/** The panes laid out in columns and rows as `layout` says. */
export function PaneGrid(props: PaneGridProps) {
	const {layout, snapshot, focus, topic, topicView, records} = props;
	const renderPane = (id: PaneId, width: number, height: number): ReactNode => {
		const common = {width, height, focused: focus === id, highlighted: props.highlight?.includes(id) ?? false};
		switch (id) {
			case 'topics':
				return <TopicsPane key={id} {...common} topics={snapshot.topics} selected={topic} />;
			case 'records':
				return (
					<RecordsPane
						key={id}
						{...common}
						topic={topic}
						highWaterMark={topicView?.highWaterMark ?? 0}
						records={records.records}
						view={{...records.view, cursor: records.cursor}}
						error={records.error}
						scanned={records.scanned}
						now={snapshot.now}
					/>
				);
			case 'groups':
				return <GroupsPane key={id} {...common} rows={props.groupRows} selected={props.groupIndex} />;
			case 'wal':
				return <WalPane key={id} {...common} storage={snapshot.storage} topic={topicView} />;
			case 'cache':
				return <CachePane key={id} {...common} storage={snapshot.storage} topic={topicView} />;
			case 'index':
				return <IndexPane key={id} {...common} storage={snapshot.storage} topic={topicView} />;
			case 'events':
				return <EventsPane key={id} {...common} events={snapshot.events} total={snapshot.eventsTotal} dropped={snapshot.eventsDropped} scroll={props.eventsScroll} />;
			case 'server':
				return <ServerPane key={id} {...common} server={snapshot.server} />;
			case 'logmap': {
				const page = records.records;
				const shown = page.length > 0 ? {first: page[0]!.offset, last: page.at(-1)!.offset, selected: records.selected?.offset ?? null} : null;
				return <LogMapPane key={id} {...common} storage={snapshot.storage} topic={topicView} groups={snapshot.groups} shown={shown} />;
			}
		}
	};
	const grid = (
		<Box flexDirection="row" height={layout.bodyHeight - (layout.band?.height ?? 0)}>
			{layout.body.map((column, c) => (
				<Box key={c} flexDirection="column" width={column.width}>
					{column.rows.map((row, r) => (
						<Box key={r} flexDirection="row" height={row.height}>
							{row.panes.map((pane) => renderPane(pane.id, pane.width, pane.height))}
						</Box>
					))}
				</Box>
			))}
		</Box>
	);
	if (!layout.band) return grid;
	// The Log Map: a band as wide as the screen above the columns.
	return (
		<Box flexDirection="column" height={layout.bodyHeight}>
			{renderPane('logmap', layout.band.width, layout.band.height)}
			{grid}
		</Box>
	);
}
