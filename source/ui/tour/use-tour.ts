import {useCallback, useSyncExternalStore} from 'react';
import type {TourRunner, TourSnapshot} from './runner.js';

/** The tour's current snapshot as React state: re-renders on every tour change, nothing else. */
export function useTour(tour: TourRunner): TourSnapshot {
	const subscribe = useCallback((onChange: () => void) => tour.subscribe(onChange), [tour]);
	const read = useCallback(() => tour.snapshot(), [tour]);
	return useSyncExternalStore(subscribe, read, read);
}
