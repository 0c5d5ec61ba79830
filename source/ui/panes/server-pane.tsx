import React, {memo} from 'react';
import {formatClock, formatCount, formatMs, formatRate, pad, padLeft, sparkline} from '../format.js';
import type {ServerView} from '../store/snapshot.js';
import {Line, PaneFrame, contentColumns, contentRows} from './pane.js';

export interface ServerPaneProps {
	width: number;
	height: number;
	focused?: boolean;
	highlighted?: boolean;
	server: ServerView | null;
}

/** The REST server: address, requests per second, the last requests. */
export const ServerPane = memo(function ServerPane({width, height, focused, highlighted, server}: ServerPaneProps) {
	const rows = contentRows(height);
	const cols = contentColumns(width);
	if (!server) {
		return (
			<PaneFrame id="server" width={width} height={height} focused={focused} highlighted={highlighted}>
				<Line dim>no server: start with --serve</Line>
			</PaneFrame>
		);
	}
	const label = 'req/s ';
	const requests = server.requests.slice(-Math.max(0, rows - 3)).reverse();
	// Narrow panes drop the time column: the path says more.
	const withTime = cols >= 60;
	const pathWidth = Math.max(6, cols - (withTime ? 13 : 0) - 7 - 4 - 10);
	return (
		<PaneFrame id="server" width={width} height={height} focused={focused} highlighted={highlighted} hint={server.url}>
			<Line>{`${formatRate(server.requestRate)}  total ${formatCount(server.stats.requests)}  errors ${formatCount(server.stats.errors)}  in flight ${server.stats.inFlight}`}</Line>
			<Line color="green">{`${label}${sparkline(server.requestHistory, Math.max(4, cols - label.length))}`}</Line>
			{requests.length === 0 ? <Line dim>no requests yet</Line> : <Line dim>{`${withTime ? 'time         ' : ''}method path`}</Line>}
			{requests.map((r, i) => (
				<Line key={i} color={r.status >= 500 ? 'red' : r.status >= 400 ? 'yellow' : undefined}>
					{`${withTime ? `${formatClock(r.at).slice(0, 12)} ` : ''}${pad(r.method, 6)} ${pad(r.path, pathWidth)} ${padLeft(String(r.status), 3)} ${padLeft(formatMs(r.latencyMs / (r.merged ?? 1)), 9)}${r.merged ? ` x${r.merged}` : ''}`}
				</Line>
			))}
		</PaneFrame>
	);
});
