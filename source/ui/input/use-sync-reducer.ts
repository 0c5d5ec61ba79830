import {useCallback, useRef, useState} from 'react';

/**
 * A reducer whose current state key handlers can read at once: `dispatch` applies the action to
 * the latest state synchronously and returns it (React state follows for rendering). Keys that come
 * faster than renders each see what the one before left.
 */
export function useSyncReducer<S, A>(reducer: (state: S, action: A) => S, initial: () => S): [S, (action: A) => S, () => S] {
	const [state, setState] = useState(initial);
	const current = useRef(state);
	const dispatch = useCallback(
		(action: A) => {
			current.current = reducer(current.current, action);
			setState(current.current);
			return current.current;
		},
		[reducer],
	);
	const read = useCallback(() => current.current, []);
	return [state, dispatch, read];
}
