import {describe, expect, it} from 'vitest';
import {overlayAction, paneAction, STRAY_WINDOW_MS, StrayKeys} from '../../source/ui/app-actions.js';
import {charKey, createKeyParser, type KeyName, type KeyPress} from '../../source/ui/input/parse-keys.js';
import {PANE_BINDINGS, type PaneCommand} from '../../source/ui/keys.js';
import {PANE_IDS, type PaneId} from '../../source/ui/layout.js';

const key = (raw: string): KeyPress => {
	const parser = createKeyParser();
	const [k] = [...parser.push(raw), ...parser.flush()];
	return k!;
};
// The panes an app without --serve and without the Log Map (m) shows.
const withoutServer = PANE_IDS.filter((id) => id !== 'server' && id !== 'logmap');
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
		expect(at('topics', '8')).toEqual({type: 'notHere', text: 'no Server pane here (it shows with --serve)'});
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
		// t starts the tour (a running tour's layer takes it first).
		expect(at('records', 't')).toEqual({type: 'tour'});
		// Ctrl or Alt with a letter is not the letter.
		expect(at('topics', '\u0011')).toEqual({type: 'none'});
		expect(at('topics', '\u001Bq')).toEqual({type: 'none'});
	});

	it("a typed key that does nothing in the focused pane says where it works and how to get there", () => {
		expect(at('topics', '/')).toEqual({type: 'notHere', text: '/ (filter) works in Records: press 2 to focus it'});
		expect(at('wal', 'x')).toEqual({type: 'notHere', text: 'x (byte inspector) works in Records: press 2 to focus it'});
		for (const [raw, does] of [['s', 'seek'], ['f', 'follow'], ['v', 'JSON pretty/raw']]) {
			expect(at('topics', raw!)).toEqual({type: 'notHere', text: `${raw} (${does}) works in Records: press 2 to focus it`});
		}
		expect(at('topics', 'o')).toEqual({type: 'notHere', text: 'o (commit offset) works in Consumer Groups: press 3 to focus it'});
		expect(at('topics', 'r', ['topics', 'wal'])).toEqual({type: 'notHere', text: 'r (rewind to 0) works in Consumer Groups, not shown at this size'});
		// c and d act in Topics (the topic) and in Consumer Groups (the group); elsewhere the first is named.
		expect(at('wal', 'c')).toEqual({type: 'notHere', text: 'c (create topic) works in Topics: press 1 to focus it'});
		expect(at('topics', 'n')).toEqual({type: 'notHere', text: 'n works in the tour (t starts it)'});
		expect(at('topics', 'z')).toEqual({type: 'notHere', text: 'z does nothing here (? lists the keys)'});
		expect(at('topics', ' ')).toEqual({type: 'notHere', text: 'Space works in the tour (t starts it)'});
		// Named keys and Ctrl/Alt chords are not typing: nothing to say.
		expect(at('wal', '\u001B')).toEqual({type: 'none'});
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

describe('a mistyped word swallows nothing dangerous (StrayKeys)', () => {
	/** Feeds keys at the given times; returns what each did: the action, or the footer message when swallowed. */
	function typeAt(guard: StrayKeys, keys: readonly [raw: string, at: number][]): unknown[] {
		return keys.map(([raw, now]) => {
			const k = key(raw);
			const swallowed = guard.swallow(k, now);
			if (swallowed !== null) return swallowed;
			const action = paneAction({focus: 'topics', panes: withoutServer}, k);
			guard.saw(k, action, now);
			return action;
		});
	}

	it('/total then q in Topics: / says where it works; t, o, a, l and q are ignored, nothing starts or quits', () => {
		const done = typeAt(new StrayKeys(), [...'/totalq'].map((ch, i) => [ch, 1000 + i * 100] as [string, number]));
		expect(done[0]).toEqual({type: 'notHere', text: '/ (filter) works in Records: press 2 to focus it'});
		expect(done.slice(1)).toEqual(['t', 'to', 'tot', 'tota', 'total', 'totalq'].map((ignored) => `/ (filter) works in Records: press 2 to focus it (ignored '${ignored}')`));
	});

	it('the word ends at a pause, a digit or a named key: those act', () => {
		const guard = new StrayKeys();
		// A pause longer than the window, counted from the last key: t starts the tour again.
		expect(typeAt(guard, [['/', 0], ['o', STRAY_WINDOW_MS], ['t', 2 * STRAY_WINDOW_MS + 1]]).slice(1)).toEqual([expect.stringContaining("(ignored 'o')"), {type: 'tour'}]);
		// A digit (the message's advice) acts at once, and ends the word.
		expect(typeAt(guard, [['s', 0], ['2', 10], ['q', 20]]).slice(1)).toEqual([{type: 'focus', pane: 'records'}, {type: 'quit'}]);
		// Esc ends it too.
		expect(typeAt(guard, [['x', 0], ['\u001B', 10], ['?', 20]]).slice(1)).toEqual([{type: 'none'}, {type: 'help'}]);
		// A key that acted arms nothing.
		expect(typeAt(new StrayKeys(), [['j', 0], ['q', 10]])).toEqual([{type: 'pane', pane: 'topics', command: 'down'}, {type: 'quit'}]);
	});
});
