import {Box, Text} from 'ink';
import React, {memo} from 'react';
import type {KeyHelp} from '../keys.js';

export interface FooterProps {
	width: number;
	keys: readonly KeyHelp[];
	message?: {text: string; level: 'info' | 'error'} | null;
}

/** Keys for what has focus, and the last action's result (errors in red). */
export const Footer = memo(function Footer({width, keys, message}: FooterProps) {
	// Keep the last keys (help, quit) visible: drop entries before them until the line fits.
	const room = width - (message ? message.text.length + 1 : 0);
	const cost = (k: KeyHelp) => k.keys.length + k.does.length + 2;
	// A key listed twice (a pane's own row for p, then the global p) shows once: the pane's, more precise.
	let shown = keys.filter((k, i) => keys.findIndex((other) => other.keys === k.keys) === i);
	while (shown.length > 2 && shown.reduce((n, k) => n + cost(k), 0) > room) shown = [...shown.slice(0, shown.length - 3), ...shown.slice(-2)];
	return (
		<Box width={width} height={1} overflow="hidden">
			<Text wrap="truncate">
				{message ? <Text color={message.level === 'error' ? 'red' : 'green'}>{message.text} </Text> : null}
				{shown.map((k, i) => (
					<Text key={i}>
						<Text bold color="cyan">
							{k.keys}
						</Text>
						<Text dimColor> {k.does} </Text>
					</Text>
				))}
			</Text>
		</Box>
	);
});
