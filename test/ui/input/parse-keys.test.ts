import {describe, expect, it} from 'vitest';
import {createKeyParser, type KeyPress} from '../../../source/ui/input/parse-keys.js';

/** name, or name:text for characters and pastes, with modifiers in front. */
const show = (keys: readonly KeyPress[]): string[] =>
	keys.map((k) => `${k.ctrl ? 'C-' : ''}${k.meta ? 'M-' : ''}${k.shift && k.name !== 'char' ? 'S-' : ''}${k.name === 'char' || k.name === 'paste' ? `${k.name}:${k.text}` : k.name}`);

describe('the key parser', () => {
	it('splits a chunk of fast typing into one key per character, in order', () => {
		const parser = createKeyParser();
		expect(show(parser.push('j2'))).toEqual(['char:j', 'char:2']);
		expect(show(parser.push('orders\rk1\u007f\t'))).toEqual(['char:o', 'char:r', 'char:d', 'char:e', 'char:r', 'char:s', 'return', 'char:k', 'char:1', 'backspace', 'tab']);
		expect(parser.pending()).toBe(false);
	});

	it('reads escape sequences among characters: arrows, paging, Shift+Tab, Delete, modifiers', () => {
		const parser = createKeyParser();
		expect(show(parser.push('a\u001B[Ab\u001B[6~\u001B[Z\u001B[3~\u001B[1;5C\u001BOB'))).toEqual([
			'char:a',
			'up',
			'char:b',
			'pagedown',
			'S-tab',
			'delete',
			'C-right',
			'down',
		]);
	});

	it('keeps an escape sequence split across chunks until its end arrives', () => {
		const parser = createKeyParser();
		expect(show(parser.push('x\u001B'))).toEqual(['char:x']);
		expect(parser.pending()).toBe(true);
		expect(show(parser.push('['))).toEqual([]);
		expect(show(parser.push('5'))).toEqual([]);
		expect(show(parser.push('~y'))).toEqual(['pageup', 'char:y']);
		expect(parser.pending()).toBe(false);
	});

	it('a lone ESC is the Escape key once nothing follows it (flush); ESC ESC is two', () => {
		const parser = createKeyParser();
		expect(parser.push('\u001B')).toEqual([]);
		expect(show(parser.flush())).toEqual(['escape']);
		expect(show(parser.push('\u001B\u001B[B'))).toEqual(['escape', 'down']);
	});

	it('ESC before a character is Alt (meta); control characters are Ctrl+letter', () => {
		const parser = createKeyParser();
		expect(show(parser.push('\u001Bx\u0003\u0001'))).toEqual(['M-char:x', 'C-char:c', 'C-char:a']);
	});

	it('a bracketed paste is one key with its text, even split across chunks and holding escapes', () => {
		const parser = createKeyParser();
		expect(show(parser.push('a\u001B[200~hello\r'))).toEqual(['char:a']);
		expect(parser.pending()).toBe(true);
		expect(show(parser.push('wor\u001B[A'))).toEqual([]);
		expect(show(parser.push('ld\u001B[20'))).toEqual([]);
		expect(show(parser.push('1~b'))).toEqual(['paste:hello\rwor\u001B[Ald', 'char:b']);
	});

	it('a paste whose end never comes is delivered as it is on flush', () => {
		const parser = createKeyParser();
		expect(parser.push('\u001B[200~abc\u001B[20')).toEqual([]);
		expect(parser.pasting()).toBe(true);
		expect(show(parser.flush())).toEqual(['paste:abc\u001B[20']);
		expect(parser.pending()).toBe(false);
	});

	it('keeps characters outside the BMP whole', () => {
		expect(show(createKeyParser().push('é😀'))).toEqual(['char:é', 'char:😀']);
	});
});
