import {Box, Text} from 'ink';
import React, {useRef} from 'react';
import type {KeyResult} from '../input/key-router.js';
import {useKeyLayer} from '../input/keypress.js';
import type {KeyPress} from '../input/parse-keys.js';
import {type FormAction, type FormState, formReducer, formState, textActionFor, textState} from '../input/text-state.js';
import {useSyncReducer} from '../input/use-sync-reducer.js';
import {FORM_BINDINGS, commandFor} from '../keys.js';
import {TextField} from './text-field.js';

export interface FieldSpec {
	name: string;
	label: string;
	initial?: string;
	placeholder?: string;
	/**
	 * Fills this field from the others (the commit form's offset from its topic) until the user
	 * edits it; undefined leaves it as it is.
	 */
	derive?: (values: Record<string, string>) => string | undefined;
}

export interface FieldsFormProps {
	title: string;
	fields: readonly FieldSpec[];
	/** Resolve to close the form; reject (or return an error string) to keep it open with the message. */
	onSubmit(values: Record<string, string>): Promise<string | void> | string | void;
	onCancel(): void;
	/** False without a raw-mode stdin: the form renders but does not listen. */
	active?: boolean;
	width?: number;
}

type FieldsAction = FormAction | {type: 'derived'; index: number; value: string};

/** The form's reducer, plus a derived field's new value. */
function fieldsReducer(state: FormState, action: FieldsAction): FormState {
	if (action.type !== 'derived') return formReducer(state, action);
	return {...state, fields: state.fields.map((field, i) => (i === action.index ? textState(action.value) : field))};
}

/** Rows a form takes on screen: border (2), title (1), fields, message line (1). */
export const formHeight = (fields: number): number => fields + 4;

/**
 * A small sequential form: Enter moves to the next field and submits on the last, ↑↓ move between
 * fields, Esc cancels. It owns every key while open (a form layer on the focus stack); its state is
 * one reducer, so keys typed faster than renders (a paste, tmux) are applied in order. Keys typed
 * while a submit runs are ignored.
 */
export function FieldsForm({title, fields, onSubmit, onCancel, active = true, width}: FieldsFormProps) {
	const [state, dispatch, read] = useSyncReducer(fieldsReducer, () => formState(fields.map((f) => f.initial ?? '')));
	// Fields the user typed in: a derived field stops following the others once edited.
	const edited = useRef(new Set<number>());
	const valuesOf = (now: FormState) => Object.fromEntries(fields.map((f, i) => [f.name, now.fields[i]?.value ?? '']));
	const editField = (action: FieldsAction & {type: 'edit'}) => {
		const index = read().index;
		edited.current.add(index);
		const now = dispatch(action);
		fields.forEach((field, i) => {
			if (!field.derive || edited.current.has(i) || i === index) return;
			const value = field.derive(valuesOf(now));
			if (value !== undefined && value !== now.fields[i]?.value) dispatch({type: 'derived', index: i, value});
		});
	};
	const submit = async () => {
		const sent = dispatch({type: 'submitting'});
		try {
			const result = await onSubmit(valuesOf(sent));
			if (typeof result === 'string') dispatch({type: 'failed', error: result});
		} catch (caught) {
			dispatch({type: 'failed', error: caught instanceof Error ? caught.message : String(caught)});
		}
	};
	// Edits and moves apply to the reducer at once ('sync'); Enter and Esc may close the form.
	const onKey = (key: KeyPress): KeyResult => {
		const now = read();
		if (now.busy) return 'sync';
		switch (commandFor(FORM_BINDINGS, key)) {
			case 'cancel':
				onCancel();
				return true;
			case 'previous':
				dispatch({type: 'focus', index: now.index - 1});
				return 'sync';
			case 'next':
				dispatch({type: 'focus', index: now.index + 1});
				return 'sync';
			case 'submit':
				if (now.index < fields.length - 1) {
					dispatch({type: 'focus', index: now.index + 1});
					return 'sync';
				}
				void submit();
				return true;
			default: {
				const edit = textActionFor(key);
				if (edit) editField({type: 'edit', edit});
				return 'sync';
			}
		}
	};
	useKeyLayer('form', onKey, active);
	const labelWidth = Math.max(...fields.map((f) => f.label.length));
	return (
		<Box borderStyle="round" borderColor="magenta" flexDirection="column" paddingX={1} width={width} height={formHeight(fields.length)}>
			<Text bold color="magenta" wrap="truncate">
				{title} <Text dimColor>(Enter next/submit, ↑↓ field, Esc cancel)</Text>
			</Text>
			{fields.map((field, i) => (
				<Box key={field.name} height={1} overflow="hidden">
					<Text color={i === state.index ? 'cyan' : undefined} bold={i === state.index}>
						{i === state.index ? '› ' : '  '}
						{field.label.padEnd(labelWidth)}:{' '}
					</Text>
					{i === state.index ? (
						<TextField state={state.fields[i]!} placeholder={field.placeholder} cursor={active && !state.busy} />
					) : (
						<Text wrap="truncate">{state.fields[i]?.value ?? ''}</Text>
					)}
				</Box>
			))}
			<Text color={state.error ? 'red' : 'gray'} wrap="truncate">
				{state.error ?? (state.busy ? 'working…' : ' ')}
			</Text>
		</Box>
	);
}
