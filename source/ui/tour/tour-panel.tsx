import {Box, Text} from 'ink';
import React, {memo} from 'react';
import type {TourSnapshot} from './runner.js';

export interface TourPanelProps {
	snapshot: TourSnapshot;
	width?: number;
}

function hints(snapshot: TourSnapshot): string {
	const base = 'b back · r restart · Esc leave';
	switch (snapshot.phase) {
		case 'before':
			return snapshot.question && snapshot.answer === null
				? `${snapshot.question.choices.map((c) => c.key).join('/')} predict · n/Space run · ${base}`
				: `n/Space run this step · ${base}`;
		case 'after':
			return snapshot.stepIndex + 1 < snapshot.stepCount
				? `n/Space next step · ${base}`
				: snapshot.lessonIndex + 1 < snapshot.lessonCount
					? `n/Space next lesson · ${base}`
					: `n/Space finish · ${base}`;
		case 'error':
			return base;
		case 'finished':
			return 'b back · r restart the lesson · Esc back to your queue';
		default:
			return 'Esc leave';
	}
}

/** Once the step ran, its question takes one line: the answer, and the learner's choice if it differs. */
export function answeredLine(s: Pick<TourSnapshot, 'question' | 'answer'>): string {
	const question = s.question!;
	const label = (key: string) => `[${key}] ${question.choices.find((c) => c.key === key)?.label ?? ''}`;
	const yours = s.answer !== null && s.answer !== question.answer ? ` (you chose ${label(s.answer)})` : '';
	return `Predict: ${question.prompt} Answer: ${label(question.answer)} ✓${yours}`;
}

/** The guided tour's panel: where we are, what happens next, the prediction, what happened. */
export const TourPanel = memo(function TourPanel({snapshot: s, width}: TourPanelProps) {
	const right = s.correct === true;
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor="yellow" paddingX={1}>
			<Text wrap="truncate">
				<Text color="yellow" bold>
					Tour · {s.header}
				</Text>
				<Text> · {s.lessonTitle}</Text>
				<Text dimColor> · seed {s.seed}</Text>
			</Text>
			<Text bold wrap="truncate">
				{s.stepTitle}
				{s.highlight.length > 0 ? <Text dimColor> · watch {s.highlight.join(', ')}</Text> : null}
			</Text>
			{s.intro ? <Text italic>{s.intro}</Text> : null}
			<Text>{s.before}</Text>
			{s.question && s.phase === 'after' ? (
				<Box marginTop={1}>
					<Text color="cyan">{answeredLine(s)}</Text>
				</Box>
			) : s.question ? (
				<Box flexDirection="column" marginTop={1}>
					<Text color="cyan">Predict: {s.question.prompt}</Text>
					{s.question.choices.map((choice) => {
						const chosen = s.answer === choice.key;
						const isAnswer = s.phase === 'after' && choice.key === s.question!.answer;
						return (
							<Text key={choice.key} color={isAnswer ? 'green' : chosen ? 'cyan' : undefined} bold={chosen}>
								{chosen ? '▸' : ' '} [{choice.key}] {choice.label}
								{isAnswer ? '  ✓' : ''}
							</Text>
						);
					})}
				</Box>
			) : null}
			{s.phase === 'running' ? (
				<Text color="yellow">{s.replaying ? `Replaying the lesson from its start, step ${s.stepIndex + 1} (seed ${s.seed})...` : 'Running...'}</Text>
			) : null}
			{s.phase === 'after' ? (
				<Box flexDirection="column" marginTop={1}>
					{s.correct !== null ? (
						<Text color={right ? 'green' : 'red'} bold>
							{right ? '✓ Your prediction was right.' : `✗ Not quite: the answer was [${s.question!.answer}].`}
						</Text>
					) : null}
					<Text color="green">{s.after}</Text>
				</Box>
			) : null}
			{s.phase === 'error' ? <Text color="red">This step failed: {s.error}</Text> : null}
			{s.phase === 'finished' ? <Text color="green">That was the last lesson. Esc goes back to your own queue.</Text> : null}
			<Text dimColor wrap="truncate">
				{hints(s)}
			</Text>
		</Box>
	);
});
