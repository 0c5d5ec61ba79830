import {Box, Text, useInput} from 'ink';
import SelectInput from 'ink-select-input';
import React from 'react';

export interface Choice<V extends string> {
	label: string;
	value: V;
}

export interface ChoiceFormProps<V extends string> {
	title: string;
	choices: readonly Choice<V>[];
	onChoose(value: V): void;
	onCancel(): void;
	active?: boolean;
	width?: number;
}

export const choiceHeight = (choices: number): number => choices + 3;

/** A titled ink-select-input list; Enter chooses, Esc cancels. */
export function ChoiceForm<V extends string>({title, choices, onChoose, onCancel, active = true, width}: ChoiceFormProps<V>) {
	useInput(
		(_input, key) => {
			if (key.escape) onCancel();
		},
		{isActive: active},
	);
	return (
		<Box borderStyle="round" borderColor="magenta" flexDirection="column" paddingX={1} width={width} height={choiceHeight(choices.length)}>
			<Text bold color="magenta">
				{title} <Text dimColor>(↑↓ choose, Enter select, Esc cancel)</Text>
			</Text>
			<SelectInput items={choices.map((c) => ({key: c.value, label: c.label, value: c.value}))} isFocused={active} onSelect={(item) => onChoose(item.value)} />
		</Box>
	);
}
