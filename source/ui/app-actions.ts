import type {KeyPress} from './input/parse-keys.js';
import {
	type Binding,
	commandFor,
	DETAIL_BINDINGS,
	GLOBAL_BINDINGS,
	HELP_BINDINGS,
	INSPECTOR_BINDINGS,
	type OverlayCommand,
	PANE_BINDINGS,
	type PaneCommand,
	TOUR_BINDINGS,
} from './keys.js';
import {PANE_IDS, PANE_TITLES, type PaneId} from './layout.js';

/** What a key in the panes asks the app to do. */
export type AppAction =
	| {type: 'none'}
	| {type: 'quit'}
	| {type: 'help'}
	| {type: 'focus'; pane: PaneId}
	| {type: 'produce'}
	| {type: 'tour'}
	/** m: show or hide the Log Map band. */
	| {type: 'logMap'}
	/** The key does nothing in the focused pane: the footer says why (and where it works). */
	| {type: 'notHere'; text: string}
	| {type: 'pane'; pane: PaneId; command: PaneCommand};

export interface PaneKeyContext {
	focus: PaneId;
	/** The panes the layout shows, in Tab order. */
	panes: readonly PaneId[];
}

/**
 * The action a key asks for when the panes have it: the global keys first (quit, help, Tab,
 * digits, produce), then the focused pane's own. Pure: the key tables decide, nothing is rendered.
 */
export function paneAction({focus, panes}: PaneKeyContext, key: KeyPress): AppAction {
	const global = commandFor(GLOBAL_BINDINGS, key);
	switch (global) {
		case 'quit':
			return {type: 'quit'};
		case 'help':
			return {type: 'help'};
		case 'produce':
			return {type: 'produce'};
		case 'nextPane':
		case 'previousPane': {
			const step = global === 'previousPane' ? panes.length - 1 : 1;
			const at = Math.max(0, panes.indexOf(focus));
			const pane = panes[(at + step) % panes.length];
			return pane ? {type: 'focus', pane} : {type: 'none'};
		}
		case 'jump': {
			const pane = PANE_IDS[Number(key.text) - 1];
			if (pane && panes.includes(pane)) return {type: 'focus', pane};
			return {type: 'notHere', text: pane ? `no ${PANE_TITLES[pane]} pane here${NOT_SHOWN[pane] ?? ' at this size'}` : `no pane ${key.text}`};
		}
		case 'logMap':
			return {type: 'logMap'};
		case 'tour': // a running tour's layer takes t before the panes
			return {type: 'tour'};
		case null:
			break;
	}
	const command = commandFor(PANE_BINDINGS[focus], key);
	if (command) return {type: 'pane', pane: focus, command};
	return isTyped(key) ? {type: 'notHere', text: whereItWorks(key, panes)} : {type: 'none'};
}

/** Why a pane that is not drawn is missing, when it is not the screen's size. */
const NOT_SHOWN: Partial<Record<PaneId, string>> = {server: ' (it shows with --serve)', logmap: ' (m shows it)'};

/** A printable key (a letter, a sign, Space): what a mistyped word is made of. */
const isTyped = (key: KeyPress): boolean => key.name === 'char' && !key.ctrl && !key.meta && key.text !== '';

/** Why a typed key did nothing here: the pane where it works and how to get there, or that it does nothing. */
function whereItWorks(key: KeyPress, panes: readonly PaneId[]): string {
	for (const pane of PANE_IDS) {
		const row = PANE_BINDINGS[pane].find((r) => commandFor([r], key) !== null);
		if (!row) continue;
		const what = `${key.text} (${row.does}) works in ${PANE_TITLES[pane]}`;
		const at = panes.indexOf(pane);
		return at === -1 ? `${what}, not shown at this size` : `${what}: press ${PANE_IDS.indexOf(pane) + 1} to focus it`;
	}
	if (commandFor(TOUR_BINDINGS, key)) return `${key.text === ' ' ? 'Space' : key.text} works in the tour (t starts it)`;
	return `${key.text === ' ' ? 'Space' : key.text} does nothing here (? lists the keys)`;
}

/** How long after a key that did nothing typed keys are taken as the rest of a mistyped word. */
export const STRAY_WINDOW_MS = 1000;

/**
 * Swallows the rest of a mistyped word. A typed key that did nothing (`/` in Topics) arms it; then
 * typed keys (not digits, not named keys) that follow within STRAY_WINDOW_MS of the one before are
 * ignored with a footer message, so `/total` in Topics neither starts the tour (t) nor, with a q,
 * quits. A digit, Tab, Esc, an arrow or a pause ends it: those are what the message suggests next.
 * `now` is passed in, so it is a pure state machine.
 */
export class StrayKeys {
	private until = -Infinity;
	private why = '';
	private ignored = '';

	/** The footer message when `key` is swallowed; null when it should act. */
	swallow(key: KeyPress, now: number): string | null {
		if (now > this.until || !isTyped(key) || /^\d$/.test(key.text)) {
			this.until = -Infinity;
			return null;
		}
		this.until = now + STRAY_WINDOW_MS;
		this.ignored += key.text;
		return `${this.why} (ignored '${this.ignored}')`;
	}

	/** After a key acted: one that did nothing arms the guard. */
	saw(key: KeyPress, action: AppAction, now: number): void {
		if (action.type !== 'notHere' || !isTyped(key) || /^\d$/.test(key.text)) return;
		this.until = now + STRAY_WINDOW_MS;
		this.why = action.text;
		this.ignored = '';
	}
}

/** The views drawn over the panes. */
export type Overlay = 'help' | 'detail' | 'inspect';

const OVERLAY_BINDINGS: Record<Overlay, readonly Binding<OverlayCommand>[]> = {
	help: HELP_BINDINGS,
	detail: DETAIL_BINDINGS,
	inspect: INSPECTOR_BINDINGS,
};

/** The command a key runs in an overlay, or null (an overlay takes every key; others do nothing). */
export function overlayAction(overlay: Overlay, key: KeyPress): OverlayCommand | null {
	return commandFor(OVERLAY_BINDINGS[overlay], key);
}
