import React, {memo} from 'react';
import {formatClock, formatCount} from '../format.js';
import type {EventLine} from '../store/event-log.js';
import {Line, PaneFrame, contentRows} from './pane.js';

export interface EventsPaneProps {
	width: number;
	height: number;
	focused?: boolean;
	highlighted?: boolean;
	events: readonly EventLine[];
	total: number;
	dropped: number;
	/** Lines scrolled back from the newest (0 = tail). */
	scroll: number;
}

const COLORS: Record<EventLine['level'], string | undefined> = {info: undefined, step: 'green', warn: 'yellow', error: 'red'};

/** The live, bounded, coalesced log of engine steps, newest at the bottom. */
export const EventsPane = memo(function EventsPane({width, height, focused, highlighted, events, total, dropped, scroll}: EventsPaneProps) {
	const rows = contentRows(height);
	const end = Math.max(0, events.length - Math.min(scroll, Math.max(0, events.length - rows)));
	const shown = events.slice(Math.max(0, end - rows), end);
	const hint = `${formatCount(total)} ${total === 1 ? 'event' : 'events'}${dropped > 0 ? `, ${formatCount(dropped)} dropped` : ''}${scroll > 0 ? `, scrolled ${scroll}` : ''}`;
	return (
		<PaneFrame id="events" width={width} height={height} focused={focused} highlighted={highlighted} hint={hint}>
			{shown.length === 0 ? (
				<Line dim>nothing yet: produce a record to see append, WAL write, fsync, commit...</Line>
			) : (
				shown.map((e) => (
					<Line key={e.id} color={COLORS[e.level]}>
						{`${formatClock(e.at)} ${e.text}`}
					</Line>
				))
			)}
		</PaneFrame>
	);
});
