import {Box, Text} from 'ink';
import React, {memo} from 'react';
import {HELP_SECTIONS} from '../keys.js';

/** Every key of the app, grouped; drawn in place of the panes. */
export const HelpOverlay = memo(function HelpOverlay({width, height}: {width: number; height: number}) {
	const columns = width >= 96 ? 3 : 2;
	const perColumn = Math.ceil(HELP_SECTIONS.length / columns);
	const groups = Array.from({length: columns}, (_, c) => HELP_SECTIONS.slice(c * perColumn, (c + 1) * perColumn));
	return (
		<Box width={width} height={height} borderStyle="double" borderColor="cyan" flexDirection="column" paddingX={1} overflow="hidden">
			<Text bold color="cyan">
				Help: keys <Text dimColor>(Esc or ? closes)</Text>
			</Text>
			<Box flexDirection="row">
				{groups.map((sections, c) => (
					<Box key={c} flexDirection="column" width={Math.floor((width - 4) / columns)}>
						{sections.map((section) => (
							<Box key={section.title} flexDirection="column" marginTop={1}>
								<Text bold underline>
									{section.title}
								</Text>
								{section.keys.map((k) => (
									<Text key={k.keys} wrap="truncate">
										<Text color="cyan">{k.keys.padEnd(12)}</Text> {k.does}
									</Text>
								))}
							</Box>
						))}
					</Box>
				))}
			</Box>
		</Box>
	);
});
