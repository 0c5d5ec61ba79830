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
} from './keys.js';
import {PANE_IDS, type PaneId} from './layout.js';

/** What a key in the panes asks the app to do. */
export type AppAction =
	| {type: 'none'}
	| {type: 'quit'}
	| {type: 'help'}
	| {type: 'focus'; pane: PaneId}
	| {type: 'produce'}
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
			return pane && panes.includes(pane) ? {type: 'focus', pane} : {type: 'none'};
		}
		case 'tour': // the tour's layer takes t when it is there
		case null:
			break;
	}
	const command = commandFor(PANE_BINDINGS[focus], key);
	return command ? {type: 'pane', pane: focus, command} : {type: 'none'};
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
