import {useEffect, useState} from 'react';
import type {RecordWithOffset} from '../engine/types.js';
import type {RecordsViewState} from './panes/records-pane.js';
import {type RecordFilter, isActive} from './record-filter.js';
import type {Page, RecordReader} from './records-source.js';
import {usePage} from './use-page.js';

export const INITIAL_VIEW: RecordsViewState = {start: 0, follow: false, filter: null, pretty: true, cursor: 0};

export interface RecordsViewInput {
	engine: RecordReader;
	topic: string | null;
	highWaterMark: number;
	/** Rows the Records pane shows. */
	pageSize: number;
	initialPage?: Page | null | undefined;
}

/**
 * The Records pane's state: where the page starts, follow and filter, the cursor, and the page
 * loaded for them. Every move is a functional update, so keys that come faster than renders each
 * apply to what the one before left.
 */
export function useRecordsView({engine, topic, highWaterMark, pageSize, initialPage}: RecordsViewInput) {
	const [view, setView] = useState<RecordsViewState>(INITIAL_VIEW);
	// A static page that is full does not change when records arrive: reload only when following or short.
	const [lastLength, setLastLength] = useState(0);
	const watchTail = view.follow || lastLength < pageSize;
	const request = topic
		? {topic, start: view.start, follow: view.follow, filter: view.filter, size: pageSize, highWaterMark: watchTail ? highWaterMark : -1}
		: null;
	// The engine's peek: these reads are counted nowhere, so the panes show the workload's figures only.
	const reader = engine;
	const {page, error} = usePage(reader, request, initialPage);
	const records: readonly RecordWithOffset[] = page && page.topic === topic ? page.records : [];
	useEffect(() => setLastLength(records.length), [records.length]);
	const cursor = Math.min(view.cursor, Math.max(0, records.length - 1));

	// The page's first offset from the view itself (a load may still be in flight), except when following.
	const pageFirst = (v: RecordsViewState): number => (v.follow || isActive(v.filter) ? (records[0]?.offset ?? v.start) : v.start);

	return {
		view,
		records,
		cursor,
		selected: records[cursor] ?? null,
		/** How many records the filtered page scanned (shown only with a filter). */
		scanned: isActive(view.filter) ? page?.scanned : undefined,
		error,
		reader,
		/** A new topic: back to its start, keeping the JSON style. */
		reset: () => setView((v) => ({...INITIAL_VIEW, pretty: v.pretty})),
		move: (delta: number) =>
			setView((v) => {
				const c = Math.min(v.cursor, Math.max(0, records.length - 1));
				const next = c + delta;
				if (next >= 0 && next < records.length) return {...v, cursor: next};
				if (isActive(v.filter)) return v;
				// Past an edge: scroll the page by one record (leaving follow mode).
				const first = pageFirst(v);
				if (next < 0 && first > 0) return {...v, follow: false, start: Math.max(0, first + delta), cursor: 0};
				if (next >= records.length && first + records.length < highWaterMark) {
					return {...v, follow: false, start: first + (next - records.length + 1), cursor: records.length - 1};
				}
				return v;
			}),
		page: (direction: 1 | -1) =>
			setView((v) => {
				const first = pageFirst(v);
				if (direction > 0) {
					const last = records[records.length - 1]?.offset;
					const start = isActive(v.filter) && last !== undefined ? last + 1 : first + pageSize;
					return start >= highWaterMark ? v : {...v, follow: false, start, cursor: 0};
				}
				return {...v, follow: false, start: Math.max(0, first - pageSize), cursor: 0};
			}),
		seek: (offset: number) => setView((v) => ({...v, follow: false, start: offset, cursor: 0})),
		seekEnd: () => setView((v) => ({...v, follow: false, start: Math.max(0, highWaterMark - pageSize), cursor: pageSize - 1})),
		/** Turns following on or off; returns the message to show. */
		toggleFollow: (): string => {
			setView((v) => (v.follow ? {...v, follow: false, start: records[0]?.offset ?? v.start} : {...v, follow: true, cursor: pageSize - 1}));
			return view.follow ? 'follow off' : 'following the tail';
		},
		togglePretty: () => setView((v) => ({...v, pretty: !v.pretty})),
		/** A new filter (null or empty text clears it); the page starts where the shown one does. */
		filter: (filter: RecordFilter | null) =>
			setView((v) => ({...v, filter: isActive(filter) ? filter : null, start: isActive(v.filter) ? v.start : (records[0]?.offset ?? v.start), cursor: 0})),
		/** Selects the record at `offset`: on this page when it is there, else a page starting at it (the detail view's next/previous). */
		reveal: (offset: number) =>
			setView((v) => {
				const at = records.findIndex((r) => r.offset === offset);
				return at !== -1 ? {...v, cursor: at} : {...v, follow: false, start: offset, cursor: 0};
			}),
	};
}

export type RecordsView = ReturnType<typeof useRecordsView>;
