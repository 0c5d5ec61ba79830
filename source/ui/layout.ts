/** Pane identities, in focus order. Digits 1..9 jump to them in this order (the Log Map, 9, only while shown). */
export const PANE_IDS = ['topics', 'records', 'groups', 'wal', 'cache', 'index', 'events', 'server', 'logmap'] as const;
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
	logmap: 'Log Map',
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
	/** 'wide' from 140x40, 'narrow' below, 'focus' when only the watched panes get boxes (small screens). */
	mode: 'wide' | 'narrow' | 'focus';
	/** Rows between header and footer, without the form and the bottom slot. */
	bodyHeight: number;
	body: LayoutColumn[];
	/** The Log Map: a full-width band above the columns (shown by m, or when the tour watches it, where it fits). */
	band: PaneBox | null;
	/** Visible panes in focus order. */
	panes: PaneId[];
	/** Rows the bottom slot (the tour panel) may take: what it asked for, bounded so the watched panes fit. */
	bottomRows: number;
	/** Below MIN_COLUMNS x MIN_ROWS: the app shows a "terminal too small" screen instead. */
	tooSmall: boolean;
}

/** The smallest supported terminal (what a projector often gives); below it the app says so. */
export const MIN_COLUMNS = 80;
export const MIN_ROWS = 24;
const HEADER_ROWS = 1;
const FOOTER_ROWS = 1;
/** A pane's border (2) and title (1). */
const FRAME_ROWS = 3;

/** Lines the Log Map draws when it has the room: scale, strip, index, cache, Records' page, groups, three of legend. */
export const LOG_MAP_LINES = 9;

/**
 * Content lines each pane needs to show what it has to say (WAL: sync, pending, commits, fsyncs,
 * latency, sizes). A watched pane gets at least these; others may shrink, down to a title row.
 */
export const PANE_CONTENT_ROWS: Record<PaneId, number> = {
	topics: 4,
	records: 5,
	groups: 3,
	wal: 6,
	cache: 5,
	index: 4,
	events: 5,
	server: 4,
	logmap: LOG_MAP_LINES,
};

/** The fewest rows the Log Map band is drawn in (its strip, storage legend and group marks). */
const LOG_MAP_MIN_ROWS = FRAME_ROWS + 3;

/** Rows a pane needs: its frame and its content lines. */
export const paneNeed = (id: PaneId): number => PANE_CONTENT_ROWS[id] + FRAME_ROWS;

export interface LayoutOptions {
	/** Panes to give the room they need (the tour's watched panes), shrinking the others. */
	favour?: readonly PaneId[] | undefined;
	/** Rows an open form takes below the panes (always given whole: it is being typed in). */
	formRows?: number;
	/** Rows the bottom slot asks for (bounded by the layout: see Layout.bottomRows). */
	bottomRows?: number;
	/** Show the Log Map band (key m); it shows anyway when `favour` names it. */
	logMap?: boolean;
}

/** Splits `total` into parts proportional to `weights`, summing exactly to `total`. */
function split(total: number, weights: readonly number[]): number[] {
	const sum = weights.reduce((a, b) => a + b, 0);
	const parts = weights.map((w) => Math.floor((total * w) / sum));
	let rest = total - parts.reduce((a, b) => a + b, 0);
	for (let i = 0; rest > 0; i = (i + 1) % parts.length, rest--) parts[i]!++;
	return parts;
}

interface RowSpec {
	ids: PaneId[];
	weight: number;
	widths?: number[];
}

/**
 * Row heights for a column: by weight, then each watched row raised to what its panes need, the
 * rows taken from the others (largest first): first down to an empty box (3 rows), then down to a
 * title row (1).
 */
function heightsFor(height: number, rows: readonly RowSpec[], favour: ReadonlySet<PaneId>): number[] {
	const heights = split(height, rows.map((r) => r.weight));
	const need = rows.map((r) => Math.max(0, ...r.ids.filter((id) => favour.has(id)).map(paneNeed)));
	for (const floor of [FRAME_ROWS, 1]) {
		for (let i = 0; i < rows.length; i++) {
			while (heights[i]! < need[i]!) {
				let donor = -1;
				for (let j = 0; j < rows.length; j++) {
					if (j === i) continue;
					const keep = need[j]! > 0 ? need[j]! : floor;
					if (heights[j]! > keep && (donor < 0 || heights[j]! > heights[donor]!)) donor = j;
				}
				if (donor < 0) break;
				heights[donor]!--;
				heights[i]!++;
			}
		}
	}
	return heights;
}

function column(width: number, height: number, rows: RowSpec[], favour: ReadonlySet<PaneId>): LayoutColumn {
	const heights = heightsFor(height, rows, favour);
	return {
		width,
		rows: rows.map((row, i) => {
			const widths = split(width, row.widths ?? row.ids.map(() => 1));
			return {height: heights[i]!, panes: row.ids.map((id, j) => ({id, width: widths[j]!, height: heights[i]!}))};
		}),
	};
}

/** Only the watched panes in boxes, side by side; every other pane is a title in one strip below. */
function focusBody(cols: number, bodyHeight: number, favour: readonly PaneId[], ids: readonly PaneId[]): LayoutColumn[] {
	const watched = ids.filter((id) => favour.includes(id));
	const others = ids.filter((id) => !favour.includes(id));
	const perRow = Math.max(1, Math.min(watched.length, Math.floor(cols / 26)));
	const lines: PaneId[][] = [];
	for (let i = 0; i < watched.length; i += perRow) lines.push(watched.slice(i, i + perRow));
	const strip = others.length > 0 && bodyHeight > lines.length * FRAME_ROWS ? 1 : 0;
	const rows: RowSpec[] = lines.map((ids) => ({ids, weight: 1}));
	const heights = split(bodyHeight - strip, rows.map(() => 1));
	const column: LayoutColumn = {
		width: cols,
		rows: rows.map((row, i) => {
			const widths = split(cols, row.ids.map(() => 1));
			return {height: heights[i]!, panes: row.ids.map((id, j) => ({id, width: widths[j]!, height: heights[i]!}))};
		}),
	};
	if (strip) {
		const widths = split(cols, others.map(() => 1));
		column.rows.push({height: 1, panes: others.map((id, j) => ({id, width: widths[j]!, height: 1}))});
	}
	return [column];
}

/**
 * The screen layout for a terminal size. One row is left free at the bottom: Ink redraws the whole
 * terminal (flicker) when its output is as tall as the screen. Header and footer always keep their
 * rows; an open form takes its rows whole; the bottom slot gets what it asks for as long as the
 * watched panes still fit (it scrolls or cuts itself otherwise).
 */
export function computeLayout(columns: number, rows: number, withServer: boolean, options: LayoutOptions = {}): Layout {
	const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
	const cols = Math.max(columns, 40);
	const height = Math.max(rows, 12) - 1;
	const showMap = options.logMap === true || (options.favour ?? []).includes('logmap');
	const favourList = (options.favour ?? []).filter((id) => (withServer || id !== 'server') && id !== 'logmap');
	const favour = new Set(favourList);
	const available = Math.max(0, height - HEADER_ROWS - FOOTER_ROWS - (options.formRows ?? 0));
	// The panes keep at least room for the watched ones side by side and the strip of the others'
	// titles (focus mode), or 8 rows when none is watched.
	const gridMin = Math.max(8, ...favourList.map((id) => paneNeed(id) + 1));
	const minBody = Math.min(available, gridMin);
	const bottomRows = Math.max(0, Math.min(options.bottomRows ?? 0, available - minBody));
	const bodyHeight = available - bottomRows;
	// The Log Map band takes what the bottom slot and the columns leave, up to its need, fewer lines
	// when short; below its shortest form (strip, legend, groups) it is not drawn (the tour's text
	// and the watched panes come first on a small screen).
	const bandRoom = showMap ? Math.min(paneNeed('logmap'), bodyHeight - gridMin) : 0;
	const bandHeight = bandRoom >= LOG_MAP_MIN_ROWS ? bandRoom : 0;
	const gridHeight = bodyHeight - bandHeight;
	const band: PaneBox | null = bandHeight > 0 ? {id: 'logmap', width: cols, height: bandHeight} : null;
	const wide = cols >= 140 && height >= 39;
	let body: LayoutColumn[];
	if (wide) {
		const [left, center, right] = split(cols, [24, 52, 30]);
		body = [
			column(
				left!,
				gridHeight,
				[
					{ids: ['topics'], weight: 1},
					{ids: ['groups'], weight: 1},
				],
				favour,
			),
			column(
				center!,
				gridHeight,
				[
					{ids: ['records'], weight: 3},
					{ids: ['events'], weight: 2},
				],
				favour,
			),
			column(
				right!,
				gridHeight,
				[
					{ids: ['wal'], weight: 9},
					{ids: ['cache'], weight: 7},
					{ids: ['index'], weight: 8},
					...(withServer ? [{ids: ['server'] as PaneId[], weight: 8}] : []),
				],
				favour,
			),
		];
	} else {
		const [left, right] = split(cols, [36, 64]);
		body = [
			column(
				left!,
				gridHeight,
				[
					{ids: ['topics'], weight: 1},
					{ids: ['groups'], weight: 1},
					{ids: ['wal'], weight: 1},
					{ids: ['cache'], weight: 1},
				],
				favour,
			),
			column(
				right!,
				gridHeight,
				[
					{ids: ['records'], weight: 1},
					withServer ? {ids: ['index', 'events', 'server'], weight: 1, widths: [2, 3, 3]} : {ids: ['index', 'events'], weight: 1, widths: [2, 3]},
				],
				favour,
			),
		];
	}
	let mode: Layout['mode'] = wide ? 'wide' : 'narrow';
	// A watched pane the columns cannot give its room: only the watched panes get boxes.
	const short = favourList.some((id) => (paneBoxIn(body, id)?.height ?? 0) < paneNeed(id));
	if (short) {
		body = focusBody(cols, gridHeight, favourList, PANE_IDS.filter((id) => (withServer || id !== 'server') && id !== 'logmap'));
		mode = 'focus';
	}
	const visible = new Set(body.flatMap((c) => c.rows.flatMap((r) => r.panes.map((p) => p.id))));
	if (band) visible.add('logmap');
	return {columns: cols, rows: height + 1, mode, bodyHeight, body, band, panes: PANE_IDS.filter((id) => visible.has(id)), bottomRows, tooSmall};
}

function paneBoxIn(body: readonly LayoutColumn[], id: PaneId): PaneBox | undefined {
	for (const c of body) for (const r of c.rows) for (const p of r.panes) if (p.id === id) return p;
	return undefined;
}

export function paneBox(layout: Layout, id: PaneId): PaneBox | undefined {
	return id === 'logmap' ? (layout.band ?? undefined) : paneBoxIn(layout.body, id);
}
