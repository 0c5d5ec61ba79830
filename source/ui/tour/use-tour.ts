import {useCallback, useSyncExternalStore} from 'react';
import type {TourRunner, TourSnapshot} from './runner.js';

const NO_TOUR = (): (() => void) => () => undefined;
const nothing = (): null => null;

/** The tour's snapshot as React state (re-renders on every tour change, nothing else), or null without a tour. */
export function useTour(tour: TourRunner | null): TourSnapshot | null {
	const subscribe = useCallback((onChange: () => void) => (tour ? tour.subscribe(onChange) : NO_TOUR()), [tour]);
	const read = useCallback(() => (tour ? tour.snapshot() : null), [tour]);
	return useSyncExternalStore(subscribe, tour ? read : nothing, tour ? read : nothing);
}
