import {Box, Text, useInput} from 'ink';
import TextInput from 'ink-text-input';
import React, {useRef, useState} from 'react';

export interface FieldSpec {
	name: string;
	label: string;
	initial?: string;
	placeholder?: string;
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

// eslint-disable-next-line no-control-regex -- matching control characters is the point: a field takes printable text only
const stripControls = (v: string): string => v.replace(/[\u0000-\u001F\u007F-\u009F]/g, '');

/** Rows a form takes on screen: border (2), title (1), fields, message line (1). */
export const formHeight = (fields: number): number => fields + 4;

/**
 * A small sequential form: Enter moves to the next field and submits on the last, Esc cancels.
 * The field being edited is an ink-text-input; the others show their values.
 *
 * Keys can arrive faster than React moves the input handlers: right after Enter, the previous
 * field's input may still be listening for a moment (its unsubscription runs in a passive
 * effect). So every change is taken as an edit of what that input showed (text added or removed
 * at its end) and applied to the field now being edited, found through refs that change at once.
 */
export function FieldsForm({title, fields, onSubmit, onCancel, active = true, width}: FieldsFormProps) {
	const [values, setValues] = useState<string[]>(() => fields.map((f) => f.initial ?? ''));
	const [index, setIndex] = useState(0);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	// A remount puts the input's cursor back at the end after text was added from outside it.
	const [generation, setGeneration] = useState(0);
	const valuesRef = useRef(values);
	const indexRef = useRef(index);
	const busyRef = useRef(false);
	const moveTo = (next: number) => {
		indexRef.current = next;
		setIndex(next);
	};
	const setField = (field: number, value: string) => {
		const next = valuesRef.current.map((x, j) => (j === field ? value : x));
		valuesRef.current = next;
		setValues(next);
	};
	// Listening stays on while a submit runs (keys are ignored by the ref instead): switching it off
	// and on again would lose the keys typed before React re-attached the listener.
	useInput(
		(_input, key) => {
			if (busyRef.current) return;
			if (key.escape) onCancel();
			else if (key.upArrow && indexRef.current > 0) moveTo(indexRef.current - 1);
			else if (key.downArrow && indexRef.current < fields.length - 1) moveTo(indexRef.current + 1);
		},
		{isActive: active},
	);
	const labelWidth = Math.max(...fields.map((f) => f.label.length));
	const submit = async () => {
		if (busyRef.current) return;
		if (indexRef.current < fields.length - 1) {
			moveTo(indexRef.current + 1);
			return;
		}
		busyRef.current = true;
		setBusy(true);
		setError(null);
		const keepOpen = (message: string) => {
			setError(message);
			busyRef.current = false;
			setBusy(false);
		};
		try {
			const result = await onSubmit(Object.fromEntries(fields.map((f, i) => [f.name, valuesRef.current[i] ?? ''])));
			if (typeof result === 'string') keepOpen(result);
		} catch (caught) {
			keepOpen(caught instanceof Error ? caught.message : String(caught));
		}
	};
	/** `typed` is what the input at field `shownField`, which showed `shown`, now holds. */
	const change = (shownField: number, shown: string, typed: string) => {
		if (busyRef.current) return;
		const field = indexRef.current;
		const base = valuesRef.current[field] ?? '';
		const current = shownField === field && shown === base;
		let added = '';
		let next: string;
		if (current && !/[\r\n]/.test(typed)) next = typed;
		else if (typed.startsWith(shown)) {
			added = typed.slice(shown.length);
			next = base;
		} else if (shown.startsWith(typed)) next = base.slice(0, Math.max(0, base.length - (shown.length - typed.length)));
		else return; // an edit inside the text of an input no longer showing: nothing sensible to apply
		if (!current) setGeneration((g) => g + 1);
		// Keys typed faster than the app reads arrive as one chunk ("orders\rk1"): a line break inside
		// it is an Enter, and what follows it belongs to the next field.
		const [first = '', ...rest] = added.split(/\r\n|[\r\n]/);
		setField(field, stripControls(next + first));
		for (const segment of rest) {
			void submit();
			if (busyRef.current) return;
			setField(indexRef.current, stripControls((valuesRef.current[indexRef.current] ?? '') + segment));
		}
	};
	return (
		<Box borderStyle="round" borderColor="magenta" flexDirection="column" paddingX={1} width={width} height={formHeight(fields.length)}>
			<Text bold color="magenta" wrap="truncate">
				{title} <Text dimColor>(Enter next/submit, ↑↓ field, Esc cancel)</Text>
			</Text>
			{fields.map((field, i) => (
				<Box key={field.name} height={1} overflow="hidden">
					<Text color={i === index ? 'cyan' : undefined} bold={i === index}>
						{i === index ? '› ' : '  '}
						{field.label.padEnd(labelWidth)}:{' '}
					</Text>
					{i === index ? (
						<TextInput
							key={`${i}:${generation}`}
							value={values[i] ?? ''}
							placeholder={field.placeholder}
							focus={active}
							showCursor={!busy}
							onChange={(typed) => change(i, values[i] ?? '', typed)}
							onSubmit={() => void submit()}
						/>
					) : (
						<Text wrap="truncate">{values[i] ?? ''}</Text>
					)}
				</Box>
			))}
			<Text color={error ? 'red' : 'gray'} wrap="truncate">
				{error ?? (busy ? 'working…' : ' ')}
			</Text>
		</Box>
	);
}
