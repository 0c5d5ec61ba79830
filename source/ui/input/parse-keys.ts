/**
 * Turns raw terminal input into key presses, once, for the whole app. A chunk from stdin may hold
 * several keys (fast typing, tmux, an unbracketed paste), an escape sequence may be split across
 * two chunks, and a bracketed paste arrives between ESC[200~ and ESC[201~: the parser keeps what
 * it has not finished between calls, so every key comes out whole and in order.
 */

export type KeyName =
	| 'char'
	| 'paste'
	| 'return'
	| 'escape'
	| 'tab'
	| 'backspace'
	| 'delete'
	| 'insert'
	| 'up'
	| 'down'
	| 'left'
	| 'right'
	| 'pageup'
	| 'pagedown'
	| 'home'
	| 'end'
	| 'unknown';

export interface KeyPress {
	name: KeyName;
	/** The character for 'char' (the letter for Ctrl+letter), the text for 'paste'; '' otherwise. */
	text: string;
	ctrl: boolean;
	meta: boolean;
	shift: boolean;
	/** The bytes it came from. */
	sequence: string;
}

export interface KeyParser {
	/** Parses a chunk; an unfinished escape sequence at its end waits for the next chunk. */
	push(chunk: string): KeyPress[];
	/** Ends what is waiting (a lone ESC becomes Escape): call when no more input came for a moment. */
	flush(): KeyPress[];
	/** True while an escape sequence or a paste is unfinished. */
	pending(): boolean;
	/** True inside a bracketed paste (its end may come much later than an escape sequence's). */
	pasting(): boolean;
}

const ESC = '\u001B';
const PASTE_START = `${ESC}[200~`;
const PASTE_END = `${ESC}[201~`;

const key = (name: KeyName, sequence: string, extra: Partial<KeyPress> = {}): KeyPress => ({
	name,
	text: '',
	ctrl: false,
	meta: false,
	shift: false,
	sequence,
	...extra,
});

/** A printable character (shift set for capitals, as terminals send them). */
export const charKey = (text: string, extra: Partial<KeyPress> = {}): KeyPress =>
	key('char', text, {text, shift: text.length === 1 && text >= 'A' && text <= 'Z', ...extra});

const CSI_NAMES: Record<string, KeyName> = {A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end'};
const TILDE_NAMES: Record<string, KeyName> = {
	'1': 'home',
	'2': 'insert',
	'3': 'delete',
	'4': 'end',
	'5': 'pageup',
	'6': 'pagedown',
	'7': 'home',
	'8': 'end',
};

/** CSI modifier parameter (1 + bits: shift 1, alt 2, ctrl 4). */
function modifiers(param: string | undefined): Partial<KeyPress> {
	const bits = Math.max(0, Number(param ?? '1') - 1);
	return {shift: (bits & 1) !== 0, meta: (bits & 2) !== 0, ctrl: (bits & 4) !== 0};
}

/** A complete CSI sequence (`ESC [ params final`) as a key. */
function csiKey(sequence: string): KeyPress {
	const body = sequence.slice(2, -1);
	const final = sequence.at(-1)!;
	const params = body.split(';');
	if (final === 'Z') return key('tab', sequence, {shift: true});
	if (final === '~') {
		const name = TILDE_NAMES[params[0] ?? ''];
		return name ? key(name, sequence, modifiers(params[1])) : key('unknown', sequence);
	}
	const name = CSI_NAMES[final];
	return name ? key(name, sequence, modifiers(params[1])) : key('unknown', sequence);
}

/** A control character (below 0x20, or DEL) as a key. */
function controlKey(ch: string): KeyPress {
	switch (ch) {
		case '\r':
		case '\n':
			return key('return', ch);
		case '\t':
			return key('tab', ch);
		case '\u007F':
		case '\b':
			return key('backspace', ch);
		default: {
			const code = ch.charCodeAt(0);
			if (code >= 1 && code <= 26) return key('char', ch, {text: String.fromCharCode(code + 96), ctrl: true});
			return key('unknown', ch);
		}
	}
}

export function createKeyParser(): KeyParser {
	let buffer = '';
	let paste: string | null = null;

	/** Parses from `buffer`; stops (keeping the rest) at an escape sequence that may continue. */
	const drain = (final: boolean): KeyPress[] => {
		const out: KeyPress[] = [];
		let i = 0;
		while (i < buffer.length) {
			if (paste !== null) {
				const end = buffer.indexOf(PASTE_END, i);
				if (end < 0) {
					// Keep a possible start of the end marker for the next chunk.
					const keep = final ? 0 : longestMarkerPrefix(buffer, i);
					paste += buffer.slice(i, buffer.length - keep);
					i = buffer.length - keep;
					if (final) {
						out.push(key('paste', paste, {text: paste}));
						paste = null;
					}
					break;
				}
				paste += buffer.slice(i, end);
				out.push(key('paste', paste, {text: paste}));
				paste = null;
				i = end + PASTE_END.length;
				continue;
			}
			const ch = String.fromCodePoint(buffer.codePointAt(i)!);
			if (ch !== ESC) {
				out.push(ch < ' ' || ch === '\u007F' ? controlKey(ch) : charKey(ch));
				i += ch.length;
				continue;
			}
			const rest = buffer.slice(i);
			if (rest.startsWith(PASTE_START)) {
				paste = '';
				i += PASTE_START.length;
				continue;
			}
			if (!final && PASTE_START.startsWith(rest)) break;
			const next = rest[1];
			if (next === undefined) {
				if (!final) break;
				out.push(key('escape', ESC));
				i += 1;
				continue;
			}
			if (next === '[') {
				// Parameters and intermediates, then one final byte in @..~.
				// `rest` starts with ESC: match what follows it (no control character in the pattern).
				const match = /^\[[0-?]*[ -/]*[@-~]/.exec(rest.slice(1));
				if (match) {
					out.push(csiKey(ESC + match[0]));
					i += 1 + match[0].length;
					continue;
				}
				if (!final && /^\[[0-?]*[ -/]*$/.test(rest.slice(1))) break;
				out.push(key('unknown', rest));
				i = buffer.length;
				continue;
			}
			if (next === 'O') {
				const code = rest[2];
				if (code === undefined) {
					if (!final) break;
					out.push(charKey('O', {meta: true, sequence: rest}));
					i += 2;
					continue;
				}
				const name = CSI_NAMES[code];
				out.push(name ? key(name, rest.slice(0, 3)) : key('unknown', rest.slice(0, 3)));
				i += 3;
				continue;
			}
			if (next === ESC) {
				// Two escapes: the first is the Escape key (a lone ESC can only end that way).
				out.push(key('escape', ESC));
				i += 1;
				continue;
			}
			// ESC + a key: that key with Alt (meta).
			const inner = String.fromCodePoint(rest.codePointAt(1)!);
			const base = inner < ' ' || inner === '\u007F' ? controlKey(inner) : charKey(inner);
			out.push({...base, meta: true, sequence: ESC + inner});
			i += 1 + inner.length;
		}
		buffer = buffer.slice(i);
		return out;
	};

	return {
		push(chunk) {
			buffer += chunk;
			return drain(false);
		},
		flush() {
			return drain(true);
		},
		pending: () => buffer.length > 0 || paste !== null,
		pasting: () => paste !== null,
	};
}

/** How many characters at the end of `text` (from `from`) could begin the paste end marker. */
function longestMarkerPrefix(text: string, from: number): number {
	for (let n = Math.min(PASTE_END.length - 1, text.length - from); n > 0; n--) {
		if (PASTE_END.startsWith(text.slice(text.length - n))) return n;
	}
	return 0;
}
