import {PANE_IDS, PANE_TITLES, type PaneId} from '../layout.js';
import type {TourSnapshot} from './runner.js';
import {answeredLine} from './tour-panel.js';

/**
 * What the app's props want from the tour: pane ids to highlight (App `highlight`) and the rows
 * the TourPanel needs at a width (App `bottomSlot.rows`), so the panes give it exactly that room.
 */
export function highlightedPanes(snapshot: TourSnapshot): PaneId[] {
	return PANE_IDS.filter((id) => snapshot.highlight.includes(PANE_TITLES[id] as TourSnapshot['highlight'][number]));
}

/** Lines `text` takes when word-wrapped to `columns` (as Ink wraps: at spaces, hard-breaking longer words). */
export function wrappedLines(text: string, columns: number): number {
	if (columns <= 0) return 1;
	let lines = 0;
	for (const paragraph of text.split('\n')) {
		let used = 0;
		lines++;
		for (const word of paragraph.split(' ')) {
			let length = word.length;
			const need = used === 0 ? length : used + 1 + length;
			if (need <= columns) {
				used = need;
				continue;
			}
			if (used > 0) lines++;
			while (length > columns) {
				length -= columns;
				lines++;
			}
			used = length;
		}
	}
	return lines;
}

/** Rows TourPanel draws for this snapshot at `width` columns (border and padding included). */
export function tourPanelRows(snapshot: TourSnapshot, width: number): number {
	const inner = Math.max(1, width - 4);
	let rows = 2 + 1 + 1 + wrappedLines(snapshot.before, inner) + 1 + (snapshot.intro ? wrappedLines(snapshot.intro, inner) : 0);
	if (snapshot.question && snapshot.phase === 'after') rows += 1 + wrappedLines(answeredLine(snapshot), inner);
	else if (snapshot.question) rows += 1 + wrappedLines(`Predict: ${snapshot.question.prompt}`, inner) + snapshot.question.choices.length;
	if (snapshot.phase === 'running') rows += 1;
	if (snapshot.phase === 'after') rows += 1 + (snapshot.correct === null ? 0 : 1) + wrappedLines(snapshot.after ?? '', inner);
	if (snapshot.phase === 'error') rows += wrappedLines(`This step failed: ${snapshot.error ?? ''}`, inner);
	if (snapshot.phase === 'finished') rows += 1;
	return rows;
}
