import {useEffect, useRef, useState} from 'react';
import {errorMessage} from './format.js';
import {filterKey} from './record-filter.js';
import {type Page, type PageRequest, type RecordReader, loadPage} from './records-source.js';

export interface PageState {
	page: Page | null;
	error: string | null;
}

/**
 * Loads the Records page for `request` (null: nothing to show). At most one load runs at a time;
 * requests arriving meanwhile collapse into one follow-up load, so a fast-growing topic costs at
 * most one poll per render.
 */
export function usePage(reader: RecordReader, request: PageRequest | null, initial?: Page | null): PageState {
	const [state, setState] = useState<PageState>({page: initial ?? null, error: null});
	const inFlight = useRef(false);
	const next = useRef<PageRequest | null>(null);
	const mounted = useRef(true);
	const key = request ? `${request.topic}|${request.start}|${request.follow}|${filterKey(request.filter)}|${request.size}|${request.highWaterMark}` : '';
	useEffect(() => {
		mounted.current = true;
		return () => {
			mounted.current = false;
		};
	}, []);
	useEffect(() => {
		if (!request) {
			setState({page: null, error: null});
			return;
		}
		next.current = request;
		if (inFlight.current) return;
		const run = async () => {
			inFlight.current = true;
			while (next.current) {
				const req = next.current;
				next.current = null;
				try {
					const page = await loadPage(reader, req);
					if (mounted.current) setState({page, error: null});
				} catch (error) {
					if (mounted.current) setState({page: null, error: errorMessage(error)});
				}
			}
			inFlight.current = false;
		};
		void run();
		// eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the request's values (key), not on its object, which is new every render
	}, [key, reader]);
	return state;
}
