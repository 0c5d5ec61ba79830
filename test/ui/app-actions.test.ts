import {describe, expect, it} from 'vitest';
import {overlayAction, paneAction} from '../../source/ui/app-actions.js';
import {charKey, createKeyParser, type KeyName, type KeyPress} from '../../source/ui/input/parse-keys.js';
import {PANE_BINDINGS, type PaneCommand} from '../../source/ui/keys.js';
import {PANE_IDS, type PaneId} from '../../source/ui/layout.js';

const key = (raw: string): KeyPress => {
	const parser = createKeyParser();
	const [k] = [...parser.push(raw), ...parser.flush()];
	return k!;
};
const withoutServer = PANE_IDS.filter((id) => id !== 'server');
const at = (focus: PaneId, raw: string, panes: readonly PaneId[] = withoutServer) => paneAction({focus, panes}, key(raw));

describe('(focus, key) → action', () => {
	it('global keys first, in every pane', () => {
		for (const focus of withoutServer) {
			expect(at(focus, 'q')).toEqual({type: 'quit'});
			expect(at(focus, '?')).toEqual({type: 'help'});
			expect(at(focus, 'p')).toEqual({type: 'produce'});
			expect(at(focus, '7')).toEqual({type: 'focus', pane: 'events'});
		}
	});

	it('Tab and Shift+Tab cycle through the panes shown; a digit jumps only to a shown pane', () => {
		expect(at('topics', '\t')).toEqual({type: 'focus', pane: 'records'});
		expect(at('topics', '\u001B[Z')).toEqual({type: 'focus', pane: 'events'});
		expect(at('events', '\t')).toEqual({type: 'focus', pane: 'topics'});
		expect(at('topics', '8')).toEqual({type: 'none'});
		expect(at('topics', '8', PANE_IDS)).toEqual({type: 'focus', pane: 'server'});
		expect(at('events', '\t', PANE_IDS)).toEqual({type: 'focus', pane: 'server'});
	});

	it("then the focused pane's own keys, from its table", () => {
		expect(at('topics', 'j')).toEqual({type: 'pane', pane: 'topics', command: 'down'});
		expect(at('topics', '\u001B[A')).toEqual({type: 'pane', pane: 'topics', command: 'up'});
		expect(at('topics', '\r')).toEqual({type: 'pane', pane: 'topics', command: 'open'});
		expect(at('records', '\u001B[C')).toEqual({type: 'pane', pane: 'records', command: 'pageDown'});
		expect(at('records', '\u001B[F')).toEqual({type: 'pane', pane: 'records', command: 'last'});
		expect(at('records', '/')).toEqual({type: 'pane', pane: 'records', command: 'filter'});
		expect(at('groups', 'r')).toEqual({type: 'pane', pane: 'groups', command: 'rewind'});
		expect(at('events', 'G')).toEqual({type: 'pane', pane: 'events', command: 'last'});
		// A key of another pane does nothing here; t belongs to the tour's layer.
		expect(at('wal', 'x')).toEqual({type: 'none'});
		expect(at('topics', 'x')).toEqual({type: 'none'});
		expect(at('records', 't')).toEqual({type: 'none'});
		// Ctrl or Alt with a letter is not the letter.
		expect(at('topics', '\u0011')).toEqual({type: 'none'});
		expect(at('topics', '\u001Bq')).toEqual({type: 'none'});
	});

	it('overlays: what closes each one, and the record view keys', () => {
		expect(overlayAction('help', key('?'))).toBe('close');
		expect(overlayAction('help', key('q'))).toBe('close');
		expect(overlayAction('inspect', key('x'))).toBe('close');
		expect(overlayAction('inspect', key('q'))).toBe('quit');
		expect(overlayAction('detail', key('\u001B'))).toBe('close');
		expect(overlayAction('detail', key('x'))).toBe('inspect');
		expect(overlayAction('detail', key('k'))).toBe('up');
		expect(overlayAction('detail', key('p'))).toBe('produce');
		expect(overlayAction('detail', key('g'))).toBeNull();
	});
});

/** The key a table's spec names ('k', 'up', 'pagedown'...). */
const keyFor = (spec: string): KeyPress => ([...spec].length === 1 ? charKey(spec) : {...charKey(''), name: spec as KeyName});

describe('the key tables', () => {
	it('every key a pane lists (and help shows) runs its command there: no global key shadows it', () => {
		for (const pane of PANE_IDS) {
			for (const row of PANE_BINDINGS[pane]) {
				for (const [command, specs] of Object.entries(row.on) as [PaneCommand, string[]][]) {
					for (const spec of specs) expect([spec, paneAction({focus: pane, panes: PANE_IDS}, keyFor(spec))]).toEqual([spec, {type: 'pane', pane, command}]);
				}
			}
		}
	});
});
