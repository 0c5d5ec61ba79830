import {Box, Text, useInput} from 'ink';
import TextInput from 'ink-text-input';
import React, {useState} from 'react';

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

// eslint-disable-next-line no-control-regex
const stripControls = (v: string): string => v.replace(/[\u0000-\u001F\u007F-\u009F]/g, '');

/** Rows a form takes on screen: border (2), title (1), fields, message line (1). */
export const formHeight = (fields: number): number => fields + 4;

/**
 * A small sequential form: Enter moves to the next field and submits on the last, Esc cancels.
 * The field being edited is an ink-text-input; the others show their values.
 */
export function FieldsForm({title, fields, onSubmit, onCancel, active = true, width}: FieldsFormProps) {
	const [values, setValues] = useState<string[]>(() => fields.map((f) => f.initial ?? ''));
	const [index, setIndex] = useState(0);
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	useInput(
		(_input, key) => {
			if (key.escape) onCancel();
			else if (key.upArrow && index > 0) setIndex(index - 1);
			else if (key.downArrow && index < fields.length - 1) setIndex(index + 1);
		},
		{isActive: active && !busy},
	);
	const labelWidth = Math.max(...fields.map((f) => f.label.length));
	const submit = async (current = values) => {
		if (index < fields.length - 1) {
			setIndex(index + 1);
			return;
		}
		setBusy(true);
		setError(null);
		try {
			const result = await onSubmit(Object.fromEntries(fields.map((f, i) => [f.name, current[i] ?? ''])));
			if (typeof result === 'string') {
				setError(result);
				setBusy(false);
			}
		} catch (caught) {
			setError(caught instanceof Error ? caught.message : String(caught));
			setBusy(false);
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
					{i === index && !busy ? (
						<TextInput
							key={i}
							value={values[i] ?? ''}
							placeholder={field.placeholder}
							focus={active}
							// Keys typed faster than the app reads arrive as one chunk ("orders\r"): a line break
							// inside it is the Enter, and other controls never reach the values.
							onChange={(v) => {
								const next = values.map((x, j) => (j === i ? stripControls(v) : x));
								setValues(next);
								if (/[\r\n]/.test(v)) void submit(next);
							}}
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
