import {describe, expect, it} from 'vitest';
import {computeLayout, MIN_COLUMNS, MIN_ROWS, PANE_IDS, type PaneId, paneBox, paneNeed} from '../../source/ui/layout.js';

const SIZES = [
	[80, 24],
	[100, 30],
	[160, 45],
] as const;

/** Every row the layout hands out: header, body, bottom slot, footer, and the one left free. */
const used = (l: ReturnType<typeof computeLayout>, formRows = 0) => 1 + l.bodyHeight + formRows + l.bottomRows + 1 + 1;

describe('computeLayout', () => {
	it('supports 80x24 and up; below it says too small', () => {
		expect([MIN_COLUMNS, MIN_ROWS]).toEqual([80, 24]);
		expect(computeLayout(80, 24, false).tooSmall).toBe(false);
		expect(computeLayout(79, 24, false).tooSmall).toBe(true);
		expect(computeLayout(80, 23, false).tooSmall).toBe(true);
		expect(computeLayout(60, 18, false).tooSmall).toBe(true);
	});

	it('without watched panes, every pane gets a box at each supported size and the rows add up', () => {
		for (const [columns, rows] of SIZES) {
			for (const server of [false, true]) {
				const layout = computeLayout(columns, rows, server);
				expect(used(layout)).toBe(rows);
				expect(layout.panes).toEqual(PANE_IDS.filter((id) => (server || id !== 'server') && id !== 'logmap'));
				for (const id of layout.panes) expect(paneBox(layout, id)!.height).toBeGreaterThanOrEqual(3);
			}
		}
	});

	it('gives each watched pane the rows its content needs, with the tour panel below, header and footer kept', () => {
		const watched: PaneId[][] = [['wal'], ['wal', 'events'], ['wal', 'cache'], ['cache', 'index'], ['records', 'groups'], ['topics', 'wal', 'index']];
		for (const [columns, rows] of SIZES) {
			for (const favour of watched) {
				// A tour panel asking for 14 rows (a step with a question).
				const layout = computeLayout(columns, rows, false, {favour, bottomRows: 14});
				expect(used(layout)).toBeLessThanOrEqual(rows);
				for (const id of favour) expect(paneBox(layout, id)?.height, `${id} at ${columns}x${rows} watching ${favour.join(',')}`).toBeGreaterThanOrEqual(paneNeed(id));
			}
		}
	});

	it('at 160x45 with a tour panel the WAL pane shows all its lines (it was squeezed to 4-5 rows)', () => {
		const layout = computeLayout(160, 45, false, {favour: ['wal', 'events'], bottomRows: 12});
		expect(layout.bottomRows).toBe(12);
		expect(paneBox(layout, 'wal')!.height).toBeGreaterThanOrEqual(paneNeed('wal'));
		expect(layout.mode).toBe('wide');
	});

	it('bounds the bottom slot so that the watched panes and the header still fit', () => {
		const layout = computeLayout(80, 24, false, {favour: ['wal'], bottomRows: 40});
		expect(layout.bottomRows).toBeLessThan(40);
		expect(used(layout)).toBe(24);
		expect(paneBox(layout, 'wal')!.height).toBeGreaterThanOrEqual(paneNeed('wal'));
	});

	it('an open form takes its rows whole', () => {
		const layout = computeLayout(80, 24, false, {formRows: 9, bottomRows: 10, favour: ['wal']});
		expect(used(layout, 9)).toBeLessThanOrEqual(24);
		expect(layout.bodyHeight).toBeGreaterThanOrEqual(paneNeed('wal'));
	});

	it('the Log Map (m) is a band as wide as the screen above the columns; the rows still add up', () => {
		for (const [columns, rows] of SIZES) {
			const layout = computeLayout(columns, rows, false, {logMap: true});
			expect(used(layout)).toBe(rows);
			expect(layout.band).toEqual({id: 'logmap', width: layout.columns, height: paneNeed('logmap')});
			expect(layout.panes.at(-1)).toBe('logmap');
			for (const column of layout.body) expect(column.rows.reduce((n, r) => n + r.height, 0)).toBe(layout.bodyHeight - paneNeed('logmap'));
			expect(computeLayout(columns, rows, false).band).toBeNull();
		}
	});

	it('a step watching the Log Map shows it where the tour panel and the other watched panes leave room for it', () => {
		const watched: PaneId[][] = [['logmap'], ['logmap', 'wal'], ['logmap', 'groups'], ['logmap', 'wal', 'events']];
		for (const [columns, rows] of SIZES) {
			for (const favour of watched) {
				const layout = computeLayout(columns, rows, false, {favour, bottomRows: 12});
				const without = computeLayout(columns, rows, false, {favour: favour.filter((id) => id !== 'logmap'), bottomRows: 12});
				const where = `${columns}x${rows} watching ${favour.join(',')}`;
				expect(used(layout), where).toBeLessThanOrEqual(rows);
				// The tour's text is not shortened for the map, nor are the other watched panes.
				expect(layout.bottomRows, where).toBe(without.bottomRows);
				for (const id of favour) if (id !== 'logmap') expect(paneBox(layout, id)?.height, where).toBeGreaterThanOrEqual(paneNeed(id));
				// Drawn whole at 160x45; elsewhere in at least its strip, legend and group marks, or not at all.
				if (rows >= 45) expect(layout.band?.height, where).toBe(paneNeed('logmap'));
				else if (layout.band) expect(layout.band.height, where).toBeGreaterThanOrEqual(6);
			}
		}
	});
});
