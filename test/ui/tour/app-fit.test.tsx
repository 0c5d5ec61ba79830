import React from 'react';
import {describe, expect, it} from 'vitest';
import {highlightedPanes, tourPanelRows} from '../../../source/ui/tour/app-bridge.js';
import {LESSONS} from '../../../source/ui/tour/lessons/index.js';
import {TourRunner} from '../../../source/ui/tour/runner.js';
import {TourPanel} from '../../../source/ui/tour/tour-panel.js';
import {renderApp} from '../helpers.js';

/** Contract check: the tour plugs into the TUI's App through its props, as index.ts says. */
describe('the tour inside the TUI App', () => {
	it('header, highlighted panes and the panel in the bottom slot; the WAL pane shows the step happening', async () => {
		const tour = new TourRunner({lessons: LESSONS, seed: 1});
		try {
			await tour.start(1);
			await tour.next();
			const snapshot = tour.snapshot();
			const columns = 160;
			const app = await renderApp(tour.engine!, {
				size: {columns, rows: 45},
				props: {
					highlight: highlightedPanes(snapshot),
					headerExtra: snapshot.header,
					bottomSlot: {rows: tourPanelRows(snapshot, columns), node: <TourPanel snapshot={snapshot} width={columns} />},
				},
			});
			try {
				const frame = await app.see('Lesson 2/8  Step 1/4');
				expect(frame).toContain('Tour · Lesson 2/8  Step 1/4 · The write-ahead log and the commit threshold');
				expect(frame).toContain('pending 4 rec / 412 B, commits 0');
				expect(frame).toMatch(/pending 4 rec \/ 412 B/);
				expect(frame.split('\n').length).toBeLessThanOrEqual(45);
				expect(highlightedPanes(snapshot)).toEqual(['wal', 'events', 'logmap']);
				// The step watches the Log Map too: it is drawn above the panes with the WAL's four records.
				expect(frame).toContain('9 Log Map');
				expect(frame).toContain('█ log none  ▒ WAL only 0..3');
			} finally {
				app.unmount();
			}
		} finally {
			await tour.dispose();
		}
	});
});
