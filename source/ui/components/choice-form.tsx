import {Box, Text} from 'ink';
import React from 'react';
import type {KeyResult} from '../input/key-router.js';
import {useKeyLayer} from '../input/keypress.js';
import type {KeyPress} from '../input/parse-keys.js';
import {useSyncReducer} from '../input/use-sync-reducer.js';
import {CHOICE_BINDINGS, commandFor} from '../keys.js';

const moveTo = (_: number, next: number): number => next;

export interface Choice<V extends string> {
	label: string;
	value: V;
}

export interface ChoiceFormProps<V extends string> {
	title: string;
	choices: readonly Choice<V>[];
	onChoose(value: V): void;
	onCancel(): void;
	/** Lines between the title and the choices (what the choice is about: counts, old -> new). */
	detail?: readonly string[];
	active?: boolean;
	width?: number;
}

export const choiceHeight = (choices: number, detailLines = 0): number => choices + detailLines + 3;

/** A titled list: ↑↓ (or j k, wrapping) move, Enter or a digit chooses, Esc cancels. */
export function ChoiceForm<V extends string>({title, choices, onChoose, onCancel, detail = [], active = true, width}: ChoiceFormProps<V>) {
	const [selected, select, read] = useSyncReducer(moveTo, () => 0);
	// Moves apply at once ('sync'); choosing or cancelling may close the form.
	const onKey = (key: KeyPress): KeyResult => {
		const n = choices.length;
		const now = read();
		switch (commandFor(CHOICE_BINDINGS, key)) {
			case 'cancel':
				onCancel();
				break;
			case 'up':
				select((now + n - 1) % n);
				return 'sync';
			case 'down':
				select((now + 1) % n);
				return 'sync';
			case 'choose': {
				const choice = choices[now];
				if (choice) onChoose(choice.value);
				break;
			}
			case 'pick': {
				const choice = choices[Number(key.text) - 1];
				if (choice) onChoose(choice.value);
				break;
			}
			default:
				return 'sync';
		}
		return true;
	};
	useKeyLayer('form', onKey, active);
	return (
		<Box borderStyle="round" borderColor="magenta" flexDirection="column" paddingX={1} width={width} height={choiceHeight(choices.length, detail.length)}>
			<Text bold color="magenta">
				{title} <Text dimColor>(↑↓ choose, Enter select, Esc cancel)</Text>
			</Text>
			{detail.map((line, i) => (
				<Text key={i} wrap="truncate">
					{line}
				</Text>
			))}
			<Box flexDirection="column">
				{choices.map((c, i) => (
					<Box key={c.value}>
						<Box marginRight={1}>{i === selected ? <Text color="blue">❯</Text> : <Text> </Text>}</Box>
						<Text color={i === selected ? 'blue' : undefined}>{c.label}</Text>
					</Box>
				))}
			</Box>
		</Box>
	);
}
