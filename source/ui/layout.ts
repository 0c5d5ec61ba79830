/** Pane identities, in focus order. Digits 1..8 jump to them in this order. */
export const PANE_IDS = ['topics', 'records', 'groups', 'wal', 'cache', 'index', 'events', 'server'] as const;
export type PaneId = (typeof PANE_IDS)[number];

export const PANE_TITLES: Record<PaneId, string> = {
	topics: 'Topics',
	records: 'Records',
	groups: 'Consumer Groups',
	wal: 'WAL',
	cache: 'Cache',
	index: 'Offset Index',
	events: 'Events',
	server: 'Server',
};

export interface PaneBox {
	id: PaneId;
	width: number;
	height: number;
}

/** A row of panes sharing one height. */
export interface LayoutRow {
	height: number;
	panes: PaneBox[];
}

export interface LayoutColumn {
	width: number;
	rows: LayoutRow[];
}

export interface Layout {
	columns: number;
	rows: number;
	/** 'wide' from 140x40, 'narrow' below: the same panes, fewer lines each. */
	mode: 'wide' | 'narrow';
	/** Rows between header and footer. */
	bodyHeight: number;
	body: LayoutColumn[];
	/** Visible panes in focus order. */
	panes: PaneId[];
}

export const MIN_COLUMNS = 100;
export const MIN_ROWS = 30;
const HEADER_ROWS = 1;
const FOOTER_ROWS = 1;

/** Splits `total` into parts proportional to `weights`, summing exactly to `total`. */
function split(total: number, weights: readonly number[]): number[] {
	const sum = weights.reduce((a, b) => a + b, 0);
	const parts = weights.map((w) => Math.floor((total * w) / sum));
	let rest = total - parts.reduce((a, b) => a + b, 0);
	for (let i = 0; rest > 0; i = (i + 1) % parts.length, rest--) parts[i]!++;
	return parts;
}

function column(width: number, height: number, rows: {ids: PaneId[]; weight: number; widths?: number[]}[]): LayoutColumn {
	const heights = split(height, rows.map((r) => r.weight));
	return {
		width,
		rows: rows.map((row, i) => {
			const widths = split(width, row.widths ?? row.ids.map(() => 1));
			return {height: heights[i]!, panes: row.ids.map((id, j) => ({id, width: widths[j]!, height: heights[i]!}))};
		}),
	};
}

/**
 * The screen layout for a terminal size. One row is left free at the bottom: Ink redraws the whole
 * terminal (flicker) when its output is as tall as the screen.
 */
export function computeLayout(columns: number, rows: number, withServer: boolean): Layout {
	const cols = Math.max(columns, 40);
	const height = Math.max(rows, 12) - 1;
	const bodyHeight = height - HEADER_ROWS - FOOTER_ROWS;
	const wide = cols >= 140 && height >= 39;
	let body: LayoutColumn[];
	if (wide) {
		const [left, center, right] = split(cols, [24, 52, 30]);
		body = [
			column(left!, bodyHeight, [
				{ids: ['topics'], weight: 1},
				{ids: ['groups'], weight: 1},
			]),
			column(center!, bodyHeight, [
				{ids: ['records'], weight: 3},
				{ids: ['events'], weight: 2},
			]),
			column(right!, bodyHeight, [
				{ids: ['wal'], weight: 9},
				{ids: ['cache'], weight: 7},
				{ids: ['index'], weight: 8},
				...(withServer ? [{ids: ['server'] as PaneId[], weight: 8}] : []),
			]),
		];
	} else {
		const [left, right] = split(cols, [36, 64]);
		body = [
			column(left!, bodyHeight, [
				{ids: ['topics'], weight: 1},
				{ids: ['groups'], weight: 1},
				{ids: ['wal'], weight: 1},
				{ids: ['cache'], weight: 1},
			]),
			column(right!, bodyHeight, [
				{ids: ['records'], weight: 1},
				withServer ? {ids: ['index', 'events', 'server'], weight: 1, widths: [2, 3, 3]} : {ids: ['index', 'events'], weight: 1, widths: [2, 3]},
			]),
		];
	}
	const visible = new Set(body.flatMap((c) => c.rows.flatMap((r) => r.panes.map((p) => p.id))));
	return {columns: cols, rows: height + 1, mode: wide ? 'wide' : 'narrow', bodyHeight, body, panes: PANE_IDS.filter((id) => visible.has(id))};
}

export function paneBox(layout: Layout, id: PaneId): PaneBox | undefined {
	for (const c of layout.body) for (const r of c.rows) for (const p of r.panes) if (p.id === id) return p;
	return undefined;
}
