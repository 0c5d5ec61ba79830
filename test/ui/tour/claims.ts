import type {Claim} from '../../../source/ui/tour/lesson.js';
import {paneText} from './tour-screen.js';

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `line` shows `claim`: whole words (no digit or letter glued on), runs of spaces collapsed. */
export function lineShows(line: string, claim: Claim): boolean {
	const text = collapse(line).replace(/^› ?/, '');
	const body = escape(collapse(claim.text));
	return new RegExp(`${claim.start ? '^' : '(?<![\\w.])'}${body}(?![\\w]|\\.\\d)`).test(text);
}

/** The rows of `claim`'s pane in `frame` (the header is row 0 of the frame), or null when not drawn. */
export function claimRows(frame: string, claim: Claim): string[] | null {
	return claim.pane === 'Header' ? [frame.split('\n')[0] ?? ''] : paneText(frame, claim.pane);
}

/** Claims the frame does not show, each with what its pane does show. */
export function missing(frame: string, claims: readonly Claim[], topic: string | null): string[] {
	const out: string[] = [];
	for (const claim of claims) {
		const rows = claimRows(frame, claim);
		if (!rows) {
			out.push(`${claim.pane}: "${claim.text}" (pane not drawn)`);
			continue;
		}
		const onTopic = !topic || !TOPIC_PANES.has(claim.pane) || new RegExp(`(?<![\\w-])${escape(topic)}(?![\\w-])`).test(rows[0] ?? '');
		if (!onTopic) out.push(`${claim.pane}: not on '${topic}': ${rows[0]}`);
		else if (!rows.some((row) => lineShows(row, claim))) out.push(`${claim.pane}: "${claim.text}" not in [${rows.map(collapse).filter(Boolean).join(' | ')}]`);
	}
	return out;
}

/** Panes that show one topic at a time (their title names it). */
export const TOPIC_PANES: ReadonlySet<Claim['pane']> = new Set(['Records', 'WAL', 'Cache', 'Offset Index', 'Log Map']);

/** The numbers a text cites (integers and decimals; "0..6" cites 0 and 6). */
export const numbersIn = (text: string): string[] => text.match(/\d+(?:\.\d+)?/g) ?? [];
