import {useStdin} from 'ink';
import React, {createContext, type ReactNode, useContext, useEffect, useLayoutEffect, useRef, useState} from 'react';
import {type KeyHandler, type KeyPriority, KeyRouter} from './key-router.js';
import {createKeyParser, type KeyPress} from './parse-keys.js';

/** How long a lone ESC waits for the rest of a sequence before it counts as the Escape key. */
export const ESCAPE_WAIT_MS = 20;
/** How long an unfinished bracketed paste waits for its end before it is delivered as it is. */
const PASTE_WAIT_MS = 500;

const RouterContext = createContext<KeyRouter | null>(null);

/**
 * The one reader of keys for the app: turns stdin on (raw mode, through Ink's public useStdin),
 * parses every chunk once, queues the keys and hands them one by one to the focus stack. Nested
 * providers share the outer one's router, so the app can be rendered inside or outside the tour's
 * root.
 *
 * A key that may have changed who owns the keys (it opened a form, moved focus) holds the next
 * one back until React has committed what it changed: the provider bumps its own state with it,
 * and that commit's layout effect (which runs after every layer below has moved in its own)
 * releases the queue. So the next key is routed by the stack and state the previous one left: a
 * key typed right after the one that opens a form goes into the form. Keys a text field applied
 * at once ('sync') need no wait.
 */
export function KeypressProvider({children}: {children: ReactNode}) {
	const outer = useContext(RouterContext);
	const [router] = useState(() => outer ?? new KeyRouter());
	const {stdin, setRawMode, isRawModeSupported} = useStdin();
	const owns = outer === null && isRawModeSupported === true;
	const [turn, setTurn] = useState(0);
	const release = useRef<(() => void) | null>(null);
	useEffect(() => {
		if (!owns) return;
		setRawMode(true);
		const parser = createKeyParser();
		const queue: KeyPress[] = [];
		let escapeTimer: NodeJS.Timeout | undefined;
		let held = false;
		let resume: NodeJS.Immediate | undefined;
		const drain = () => {
			held = false;
			for (let key = queue.shift(); key; key = queue.shift()) {
				if (router.dispatch(key) === 'sync') continue;
				held = true;
				setTurn((t) => t + 1);
				return;
			}
		};
		// Released from the layout effect below; in a later turn, so a long run of keys is not one
		// chain of nested updates inside React's commit.
		release.current = () => {
			resume ??= setImmediate(() => {
				resume = undefined;
				drain();
			});
		};
		const enqueue = (keys: readonly KeyPress[]) => {
			queue.push(...keys);
			if (!held) drain();
		};
		const onData = (data: Buffer | string) => {
			clearTimeout(escapeTimer);
			enqueue(parser.push(typeof data === 'string' ? data : data.toString('utf8')));
			if (parser.pending()) escapeTimer = setTimeout(() => enqueue(parser.flush()), parser.pasting() ? PASTE_WAIT_MS : ESCAPE_WAIT_MS);
		};
		// Ink reads stdin in raw mode; 'data' carries every chunk it reads, in order.
		stdin.on('data', onData);
		return () => {
			clearTimeout(escapeTimer);
			if (resume) clearImmediate(resume);
			release.current = null;
			stdin.off('data', onData);
			setRawMode(false);
		};
	}, [owns, router, stdin, setRawMode]);
	useLayoutEffect(() => {
		if (turn > 0) release.current?.();
	}, [turn]);
	return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

/**
 * Puts `handler` on the focus stack at `priority` while `active`. It is added in a layout effect
 * (within the commit that draws the component, before any later key is routed) and always calls
 * this render's handler, so a key never sees an earlier render's state.
 */
export function useKeyLayer(priority: KeyPriority, handler: KeyHandler, active = true): void {
	const router = useContext(RouterContext);
	const latest = useRef(handler);
	useLayoutEffect(() => {
		latest.current = handler;
	});
	useLayoutEffect(() => {
		if (!active) return;
		if (!router) throw new Error('useKeyLayer needs a KeypressProvider above it');
		return router.push(priority, (key) => latest.current(key));
	}, [router, priority, active]);
}
