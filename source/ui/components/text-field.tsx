import {Text} from 'ink';
import React from 'react';
import type {TextState} from '../input/text-state.js';

export interface TextFieldProps {
	state: TextState;
	placeholder?: string;
	/** Draw the cursor (an inverse cell). */
	cursor: boolean;
}

/** A text field's look: the text with an inverse cursor cell, or a grey placeholder when empty. */
export function TextField({state, placeholder = '', cursor}: TextFieldProps) {
	const {value} = state;
	if (value === '') {
		if (!cursor) return <Text color="gray">{placeholder}</Text>;
		return (
			<Text>
				<Text inverse>{placeholder[0] ?? ' '}</Text>
				<Text color="gray">{placeholder.slice(1)}</Text>
			</Text>
		);
	}
	if (!cursor) return <Text>{value}</Text>;
	const at = Math.min(state.cursor, value.length);
	return (
		<Text>
			{value.slice(0, at)}
			<Text inverse>{value[at] ?? ' '}</Text>
			{value.slice(at + 1)}
		</Text>
	);
}
