import {describe, expect, it} from 'vitest';
import {createKeyParser} from '../../../source/ui/input/parse-keys.js';
import {formReducer, formState, type TextAction, textActionFor, textReducer, textState} from '../../../source/ui/input/text-state.js';

/** Applies every key of `typed` (as the terminal sends it) to a field holding `initial`. */
function type(initial: string, ...chunks: string[]) {
	const parser = createKeyParser();
	let state = textState(initial);
	for (const chunk of chunks) {
		for (const key of parser.push(chunk)) {
			const action = textActionFor(key);
			if (action) state = textReducer(state, action);
		}
	}
	return state;
}

describe('the text field reducer', () => {
	it('applies a fast run of inserts and deletes in order', () => {
		expect(type('', 'vw\u007f')).toEqual({value: 'v', cursor: 1});
		expect(type('10', '\u007f\u007f\u007f4')).toEqual({value: '4', cursor: 1});
		expect(type('abc', 'de', '\u007f', 'f\u007f\u007fXY')).toEqual({value: 'abcXY', cursor: 5});
	});

	it('edits at the cursor: arrows, Home/End, Delete', () => {
		expect(type('helo', '\u001B[D', 'l', '\u001B[H', '>', '\u001B[F', '!')).toEqual({value: '>hello!', cursor: 7});
		expect(type('abc', '\u001B[H\u001B[3~')).toEqual({value: 'bc', cursor: 0});
		// Delete at the end removes the character before it, as Backspace (terminals differ in what they send).
		expect(type('abc', '\u001B[3~')).toEqual({value: 'ab', cursor: 2});
	});

	it('a paste inserts its text without control characters; Ctrl and Alt keys insert nothing', () => {
		expect(type('', '\u001B[200~a\tb\u001B[201~')).toEqual({value: 'ab', cursor: 2});
		expect(type('x', '\u0001\u001Bz')).toEqual({value: 'x', cursor: 1});
	});

	it('stays in bounds', () => {
		const edits: TextAction[] = [{type: 'backspace'}, {type: 'left'}, {type: 'delete'}, {type: 'right'}, {type: 'right'}];
		expect(edits.reduce(textReducer, textState(''))).toEqual({value: '', cursor: 0});
	});
});

describe('the form reducer', () => {
	it('edits only the field being edited, and nothing while a submit runs', () => {
		let s = formState(['t', '']);
		s = formReducer(s, {type: 'focus', index: 1});
		s = formReducer(s, {type: 'edit', edit: {type: 'insert', text: 'ab'}});
		s = formReducer(s, {type: 'submitting'});
		s = formReducer(s, {type: 'edit', edit: {type: 'insert', text: 'lost'}});
		s = formReducer(s, {type: 'focus', index: 0});
		expect(s.fields.map((f) => f.value)).toEqual(['t', 'ab']);
		expect(s.index).toBe(1);
		s = formReducer(s, {type: 'failed', error: 'refused'});
		s = formReducer(s, {type: 'edit', edit: {type: 'insert', text: 'c'}});
		expect(s).toMatchObject({busy: false, error: 'refused', index: 1});
		expect(s.fields[1]!.value).toBe('abc');
		expect(formReducer(s, {type: 'focus', index: 5}).index).toBe(1);
	});
});
