import {useStdin} from 'ink';
import React, {createContext, type ReactNode, useContext, useEffect, useLayoutEffect, useRef, useState} from 'react';
import {type KeyHandler, type KeyPriority, KeyRouter} from './key-router.js';
import {createKeyParser} from './parse-keys.js';

/** How long a lone ESC waits for the rest of a sequence before it counts as the Escape key. */
const ESCAPE_WAIT_MS = 20;

const RouterContext = createContext<KeyRouter | null>(null);

/**
 * The one reader of keys for the app: turns stdin on (raw mode, through Ink's public useStdin),
 * parses every chunk once and hands each key to the focus stack. Nested providers share the
 * outer one's router, so the app can be rendered inside or outside the tour's root.
 */
export function KeypressProvider({children}: {children: ReactNode}) {
	const outer = useContext(RouterContext);
	const [router] = useState(() => outer ?? new KeyRouter());
	const {stdin, setRawMode, isRawModeSupported} = useStdin();
	const owns = outer === null && isRawModeSupported === true;
	useEffect(() => {
		if (!owns) return;
		setRawMode(true);
		const parser = createKeyParser();
		let timer: NodeJS.Timeout | undefined;
		const deliver = (keys: ReturnType<typeof parser.push>) => {
			for (const key of keys) router.dispatch(key);
		};
		const onData = (data: Buffer | string) => {
			clearTimeout(timer);
			deliver(parser.push(typeof data === 'string' ? data : data.toString('utf8')));
			if (parser.pending()) timer = setTimeout(() => deliver(parser.flush()), ESCAPE_WAIT_MS);
		};
		// Ink reads stdin in raw mode; 'data' carries every chunk it reads, in order.
		stdin.on('data', onData);
		return () => {
			clearTimeout(timer);
			stdin.off('data', onData);
			setRawMode(false);
		};
	}, [owns, router, stdin, setRawMode]);
	return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

/**
 * Puts `handler` on the focus stack at `priority` while `active`. It is added in a layout effect
 * (within the commit that draws the component, before any later key is read) and always calls
 * this render's handler, so a key never sees an earlier render's state.
 */
export function useKeyLayer(priority: KeyPriority, handler: KeyHandler, active = true): void {
	const router = useContext(RouterContext);
	if (!router) throw new Error('useKeyLayer needs a KeypressProvider above it');
	const latest = useRef(handler);
	useLayoutEffect(() => {
		latest.current = handler;
	});
	useLayoutEffect(() => {
		if (!active) return;
		return router.push(priority, (key) => latest.current(key));
	}, [router, priority, active]);
}
