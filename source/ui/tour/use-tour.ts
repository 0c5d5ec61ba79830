import {useInput} from 'ink';
import {useCallback, useSyncExternalStore} from 'react';
import {handleTourKey, type TourKeyAction} from './keys.js';
import type {TourRunner, TourSnapshot} from './runner.js';

/** The tour's current snapshot as React state: re-renders on every tour change, nothing else. */
export function useTour(tour: TourRunner): TourSnapshot {
	const subscribe = useCallback((onChange: () => void) => tour.subscribe(onChange), [tour]);
	const read = useCallback(() => tour.snapshot(), [tour]);
	return useSyncExternalStore(subscribe, read, read);
}

/**
 * The tour's keys (n/Space, b, r, digits, Esc) while `isActive`; gate it on
 * `useStdin().isRawModeSupported` as for every useInput. `onKey` sees every action, 'ignored'
 * included, so the app can handle the keys the tour does not use; Esc arrives as 'leave'.
 */
export function useTourKeys(tour: TourRunner, onKey: (action: TourKeyAction, input: string) => void, isActive = true): void {
	useInput(
		(input, key) => {
			onKey(handleTourKey(tour, input, key), input);
		},
		{isActive},
	);
}
