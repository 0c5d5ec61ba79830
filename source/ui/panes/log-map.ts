import type {StorageInfo} from '../../core/stats.js';
import type {GroupInfo} from '../../engine/types.js';
import {formatBytes, formatCount} from '../format.js';
import type {TopicView} from '../store/snapshot.js';

/**
 * The Log Map's picture, worked out from the stats the other panes read (no storage internals, no
 * reads): a topic's offsets 0..hwm as one strip of cells, and under it the index entries, the
 * cache's span, the Records pane's page and each group's committed offset. Pure, so tests check
 * the positions without drawing.
 */

/** The Records pane's page: its first and last offset and the selected one. */
export interface ShownRange {
	first: number;
	last: number;
	selected: number | null;
}

export interface LogMapInput {
	storage: StorageInfo;
	topic: TopicView | null;
	groups: readonly GroupInfo[];
	shown: ShownRange | null;
	/** Columns for the strip (after the row labels). */
	width: number;
}

/** How offsets map to cells: several offsets per cell, or (a short log) several cells per offset. */
export interface Scale {
	offsetsPerCell: number;
	cellsPerOffset: number;
	/** Cells the offsets 0..hwm-1 take. */
	used: number;
}

export interface Run {
	text: string;
	color?: string;
	dim?: boolean;
}

/** One line of the map: a row label and the cells (or a sentence) after it. */
export interface MapLine {
	/** What the line is, for tests and for choosing which lines to keep. */
	kind: 'axis' | 'strip' | 'index' | 'cache' | 'shown' | 'groups' | 'legend' | 'figures' | 'members';
	label: string;
	runs: Run[];
}

export interface LogMap {
	scale: Scale | null;
	/** "1 cell = 2 offsets", "1 offset = 4 cells". */
	scaleText: string;
	lines: MapLine[];
}

/** Widest row label ("Records "). */
export const LABEL_WIDTH = 8;
/** A short log is stretched at most this much, so it still looks like a log that grows. */
const MAX_CELLS_PER_OFFSET = 4;

export const GLYPH = {log: '█', wal: '▒', index: '^', cache: '═', shown: '─', selected: '●', several: '*'} as const;

/** The scale for `hwm` offsets in `width` cells (one column is kept for the mark at the high water mark). */
export function scaleFor(hwm: number, width: number): Scale | null {
	const cells = Math.max(1, width - 1);
	if (hwm <= 0) return null;
	if (hwm <= cells) {
		const cellsPerOffset = Math.max(1, Math.min(MAX_CELLS_PER_OFFSET, Math.floor(cells / hwm)));
		return {offsetsPerCell: 1, cellsPerOffset, used: hwm * cellsPerOffset};
	}
	const offsetsPerCell = Math.ceil(hwm / cells);
	return {offsetsPerCell, cellsPerOffset: 1, used: Math.ceil(hwm / offsetsPerCell)};
}

/** The first cell of `offset`; the high water mark itself is the column just after the strip. */
export function cellOf(scale: Scale, offset: number): number {
	return Math.floor(offset / scale.offsetsPerCell) * scale.cellsPerOffset;
}

/** Cells [from, to) covering offsets [from, to). */
export function cellsOf(scale: Scale, from: number, to: number): [number, number] {
	if (to <= from) return [0, 0];
	return [cellOf(scale, from), Math.ceil(to / scale.offsetsPerCell) * scale.cellsPerOffset];
}

/** "a..b", "a", or "none". */
export const span = (from: number, to: number): string => (to <= from ? 'none' : to - from === 1 ? `${from}` : `${from}..${to - 1}`);

/** Group markers: a, b, c... in the order the groups are listed. */
const letter = (i: number): string => (i < 26 ? String.fromCharCode(97 + i) : '#');

/** Cells as runs: consecutive cells with one glyph and colour become one run. */
function runsOf(cells: readonly {ch: string; color?: string}[]): Run[] {
	const runs: Run[] = [];
	for (const cell of cells) {
		const last = runs.at(-1);
		if (last && last.color === cell.color) last.text += cell.ch;
		else runs.push(cell.color ? {text: cell.ch, color: cell.color} : {text: cell.ch});
	}
	return runs;
}

/** `width` blank cells with `mark` drawn on [from, to). */
function markRow(width: number, ranges: readonly {from: number; to: number; ch: string; color: string}[]): Run[] {
	const cells: {ch: string; color?: string}[] = Array.from({length: width}, () => ({ch: ' '}));
	for (const r of ranges) for (let c = Math.max(0, r.from); c < Math.min(width, r.to); c++) cells[c] = {ch: r.ch, color: r.color};
	return runsOf(cells);
}

/** The axis: 0 under the first cell, the high water mark over its column, a middle offset when it fits. */
function axis(scale: Scale, hwm: number, width: number): Run[] {
	const row = Array.from({length: width}, () => ' ');
	const put = (at: number, text: string): boolean => {
		const from = Math.max(0, Math.min(width - text.length, at));
		if (row.slice(Math.max(0, from - 1), from + text.length + 1).some((ch) => ch !== ' ')) return false;
		for (let i = 0; i < text.length; i++) row[from + i] = text[i]!;
		return true;
	};
	put(0, '0');
	put(scale.used, String(hwm));
	const middle = Math.round(hwm / 2 / scale.offsetsPerCell) * scale.offsetsPerCell;
	if (middle > 0 && middle < hwm) put(cellOf(scale, middle), String(middle));
	return [{text: row.join(''), dim: true}];
}

/** What sync mode means for the records the strip shows (file storage). */
const SYNC_NOTE: Record<string, string> = {
	always: 'sync always: every acked record is fsynced',
	periodic: 'sync periodic: the newest may not be fsynced yet',
	never: 'sync never: fsynced only at a clean close',
};

/** The whole picture for one topic. */
export function logMap({storage, topic, groups, shown, width}: LogMapInput): LogMap {
	const hwm = topic?.highWaterMark ?? 0;
	const scale = scaleFor(hwm, width);
	const scaleText = !scale ? '' : scale.cellsPerOffset > 1 ? `1 offset = ${scale.cellsPerOffset} cells` : `1 cell = ${formatCount(scale.offsetsPerCell)} offset${scale.offsetsPerCell === 1 ? '' : 's'}`;
	const lines: MapLine[] = [];
	const text = (kind: MapLine['kind'], label: string, run: Run): MapLine => ({kind, label, runs: [run]});
	if (!topic) return {scale, scaleText, lines: [text('strip', '', {text: 'no topic selected: produce a record with p', dim: true})]};

	const members = groups.flatMap((g) => g.offsets.filter((o) => o.topic === topic.name).map((o) => ({group: g.groupId, committed: o.committedOffset, lag: o.lag})));
	const kind = storage.kind;
	const wal = topic.storage.wal;
	// The log holds offsets below `committed`; the WAL the rest (file storage: pending records are the newest).
	const committed = kind === 'file' && wal ? Math.min(hwm, wal.committedOffset ?? Math.max(0, hwm - wal.pendingRecords)) : hwm;

	if (!scale) {
		lines.push(text('strip', '', {text: 'empty topic: nothing at offset 0 yet', dim: true}));
	} else {
		const [walFrom] = cellsOf(scale, committed, hwm);
		lines.push({kind: 'axis', label: 'offset', runs: axis(scale, hwm, width)});
		const walMark = committed < hwm ? [{from: walFrom, to: scale.used, ch: GLYPH.wal, color: 'yellow'}] : [];
		// A cell holding any WAL record is drawn as WAL, so one pending record always shows.
		lines.push({
			kind: 'strip',
			label: kind === 'file' ? 'log/WAL' : kind === 'memory' ? 'memory' : 'stream',
			runs: markRow(width, [{from: 0, to: scale.used, ch: GLYPH.log, color: 'green'}, ...walMark]),
		});
	}

	const index = topic.storage.index;
	if (kind !== 'file') lines.push(text('index', 'index', {text: kind === 'memory' ? 'none: an offset is an array position' : 'none: offset = sequence - 1', dim: true}));
	else if (scale && index?.entryOffsets) {
		const entries = index.entryOffsets.filter((o) => o < hwm).map((o) => ({from: cellOf(scale, o), to: cellOf(scale, o) + 1, ch: GLYPH.index, color: 'cyan'}));
		lines.push({kind: 'index', label: 'index', runs: markRow(width, entries)});
	}

	const cache = topic.storage.cache;
	if (kind !== 'file') lines.push(text('cache', 'cache', {text: kind === 'memory' ? 'none: every read is from RAM' : 'none: reads go to the stream', dim: true}));
	else if (scale && cache?.span) {
		const [from, to] = cellsOf(scale, cache.span.first, Math.min(hwm, cache.span.last + 1));
		lines.push({kind: 'cache', label: 'cache', runs: markRow(width, [{from, to, ch: GLYPH.cache, color: 'magenta'}])});
	} else if (scale) lines.push(text('cache', 'cache', {text: cache ? 'empty' : 'none', dim: true}));

	if (scale && shown && shown.first < hwm) {
		const [from, to] = cellsOf(scale, shown.first, Math.min(hwm, shown.last + 1));
		const selected = shown.selected !== null && shown.selected < hwm ? [{from: cellOf(scale, shown.selected), to: cellOf(scale, shown.selected) + 1, ch: GLYPH.selected, color: 'cyan'}] : [];
		lines.push({kind: 'shown', label: 'Records', runs: markRow(width, [{from, to, ch: GLYPH.shown, color: 'blue'}, ...selected])});
	}

	if (scale && members.length > 0) {
		const marks = new Map<number, string>();
		members.forEach((m, i) => {
			const at = m.committed >= hwm ? scale.used : cellOf(scale, m.committed);
			marks.set(at, marks.has(at) ? GLYPH.several : letter(i));
		});
		lines.push({kind: 'groups', label: 'groups', runs: markRow(width, [...marks].map(([at, ch]) => ({from: at, to: at + 1, ch, color: 'red'})))});
	}

	// The legend, with the figures: what is where, in offsets.
	let legend: Run[];
	if (kind === 'file') {
		legend = [
			{text: `${GLYPH.log} log ${span(0, committed)}`, color: 'green'},
			{text: `  ${GLYPH.wal} WAL only ${span(committed, hwm)}`, color: 'yellow'},
			{text: `  ${SYNC_NOTE[storage.sync ?? ''] ?? ''}`, dim: true},
		];
	} else if (kind === 'memory') {
		legend = [{text: `${GLYPH.log} in memory ${span(0, hwm)}`, color: 'green'}, {text: '  memory storage: nothing is on disk', dim: true}];
	} else {
		const js = topic.storage.jetstream;
		const replicas = js?.replicas ?? storage.nats?.replicas ?? 1;
		const majority = Math.floor(replicas / 2) + 1;
		legend = [
			{text: `${GLYPH.log} acked = replicated ${span(0, hwm)}`, color: 'green'},
			{text: `  on ${majority} of ${replicas} servers${js && js.inFlight > 0 ? `, ${formatCount(js.inFlight)} in flight` : ''}`, dim: true},
		];
	}
	lines.push({kind: 'legend', label: '', runs: legend});

	const figures: string[] = [];
	if (kind === 'file' && index) {
		const listed = index.entryOffsets ?? [];
		const sampled = listed.length < index.entries;
		figures.push(`${GLYPH.index} index ${formatCount(index.entries)} entr${index.entries === 1 ? 'y' : 'ies'} (1 per ${formatBytes(index.interval)})${listed.length > 0 && !sampled ? ` at ${listed.slice(0, 6).join(', ')}${listed.length > 6 ? '...' : ''}` : ''}`);
	}
	if (kind === 'file' && cache) {
		const held = cache.span ? cache.span.last - cache.span.first + 1 : 0;
		figures.push(`${GLYPH.cache} cache ${cache.span ? span(cache.span.first, cache.span.last + 1) : 'empty'}${cache.span && cache.entries < held ? ` (${formatCount(cache.entries)} of them)` : ''}`);
	}
	if (shown) figures.push(`${GLYPH.shown} Records ${span(shown.first, shown.last + 1)}`);
	if (figures.length > 0) lines.push({kind: 'figures', label: '', runs: [{text: figures.join('  '), dim: true}]});

	lines.push({
		kind: 'members',
		label: '',
		runs:
			members.length === 0
				? [{text: 'groups: none has committed on this topic', dim: true}]
				: members.map((m, i) => ({text: `${i > 0 ? '  ' : ''}${letter(i)} ${m.group} ${formatCount(m.committed)} lag ${formatCount(m.lag)}`, color: 'red'})),
	});
	return {scale, scaleText, lines};
}

/** Which lines to keep when only `rows` fit: the strip, what it means and the groups first. */
const PRIORITY: readonly MapLine['kind'][] = ['strip', 'legend', 'groups', 'members', 'axis', 'index', 'cache', 'figures', 'shown'];

export function fitLines(lines: readonly MapLine[], rows: number): MapLine[] {
	if (lines.length <= rows) return [...lines];
	const keep = new Set([...lines].sort((a, b) => PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind)).slice(0, Math.max(0, rows)));
	return lines.filter((l) => keep.has(l));
}
