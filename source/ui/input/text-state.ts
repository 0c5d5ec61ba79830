import type {KeyPress} from './parse-keys.js';

/** One text field: its text and where the cursor is (0..value.length). */
export interface TextState {
	value: string;
	cursor: number;
}

export type TextAction =
	| {type: 'insert'; text: string}
	| {type: 'backspace'}
	| {type: 'delete'}
	| {type: 'left'}
	| {type: 'right'}
	| {type: 'home'}
	| {type: 'end'};

export const textState = (value = ''): TextState => ({value, cursor: value.length});

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;

/** Applies one edit; pure, so any number of keys applied in order give the same text. */
export function textReducer(state: TextState, action: TextAction): TextState {
	const {value, cursor} = state;
	switch (action.type) {
		case 'insert': {
			const text = action.text.replace(CONTROLS, '');
			return {value: value.slice(0, cursor) + text + value.slice(cursor), cursor: cursor + text.length};
		}
		case 'backspace':
			return cursor === 0 ? state : {value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1};
		case 'delete':
			// Terminals send DEL (0x7f) for the Backspace key; an empty tail makes Delete act as Backspace.
			if (cursor < value.length) return {value: value.slice(0, cursor) + value.slice(cursor + 1), cursor};
			return textReducer(state, {type: 'backspace'});
		case 'left':
			return {value, cursor: Math.max(0, cursor - 1)};
		case 'right':
			return {value, cursor: Math.min(value.length, cursor + 1)};
		case 'home':
			return {value, cursor: 0};
		case 'end':
			return {value, cursor: value.length};
	}
}

/** The edit a key makes in a text field, or null for keys a field does not take. */
export function textActionFor(key: KeyPress): TextAction | null {
	switch (key.name) {
		case 'char':
			return key.ctrl || key.meta ? null : {type: 'insert', text: key.text};
		case 'paste':
			return {type: 'insert', text: key.text};
		case 'backspace':
		case 'delete':
		case 'left':
		case 'right':
		case 'home':
		case 'end':
			return {type: key.name};
		default:
			return null;
	}
}

/** A sequential form: its fields, the one being edited, and whether a submit runs or failed. */
export interface FormState {
	fields: TextState[];
	index: number;
	busy: boolean;
	error: string | null;
}

export type FormAction =
	| {type: 'edit'; edit: TextAction}
	| {type: 'focus'; index: number}
	| {type: 'submitting'}
	| {type: 'failed'; error: string};

export const formState = (initial: readonly string[]): FormState => ({fields: initial.map(textState), index: 0, busy: false, error: null});

export function formReducer(state: FormState, action: FormAction): FormState {
	switch (action.type) {
		case 'edit':
			if (state.busy) return state;
			return {...state, fields: state.fields.map((f, i) => (i === state.index ? textReducer(f, action.edit) : f))};
		case 'focus':
			if (state.busy || action.index < 0 || action.index >= state.fields.length) return state;
			return {...state, index: action.index};
		case 'submitting':
			return {...state, busy: true, error: null};
		case 'failed':
			return {...state, busy: false, error: action.error};
	}
}
