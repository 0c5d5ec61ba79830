import {createContext, useContext, useSyncExternalStore} from 'react';
import type {TuiSnapshot, TuiStore} from './tui-store.js';

export const StoreContext = createContext<TuiStore | null>(null);

export function useStore(): TuiStore {
	const store = useContext(StoreContext);
	if (!store) throw new Error('useStore needs a <StoreContext.Provider>');
	return store;
}

/** The latest published snapshot; re-renders only when the store publishes (<= 20 times a second). */
export function useSnapshot(store: TuiStore): TuiSnapshot {
	return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
