import {useSyncExternalStore} from 'react';
import type {TuiSnapshot} from './snapshot.js';
import type {TuiStore} from './tui-store.js';

/** The latest published snapshot; re-renders only when the store publishes (<= 20 times a second). */
export function useSnapshot(store: TuiStore): TuiSnapshot {
	return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
