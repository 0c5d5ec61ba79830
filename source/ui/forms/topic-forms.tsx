import React from 'react';
import type {GroupInfo} from '../../engine/types.js';
import {ChoiceForm, choiceHeight} from '../components/choice-form.js';
import {FieldsForm, formHeight} from '../components/fields-form.js';
import {errorMessage, formatCount} from '../format.js';
import type {Act, TuiEngine} from '../tui-engine.js';
import type {FormFrame} from './form-frame.js';

export const TOPIC_CREATE_ROWS = formHeight(1);
/** Two choices under one detail line (what goes with the topic). */
export const TOPIC_DELETE_ROWS = choiceHeight(2, 1);

/** What deleting a topic takes with it, as the panes show it when the confirmation opens. */
export interface TopicDeletion {
	topic: string;
	records: number;
	/** Groups with a committed offset for the topic: they lose it. */
	groups: readonly string[];
}

export function topicDeletion(topic: string, highWaterMark: number, groups: readonly GroupInfo[]): TopicDeletion {
	return {topic, records: highWaterMark, groups: groups.filter((g) => g.offsets.some((o) => o.topic === topic)).map((g) => g.groupId)};
}

const records = (n: number): string => `${formatCount(n)} record${n === 1 ? '' : 's'}`;

/** c in Topics: an empty topic. The engine checks the name; its words are the form's error. */
export function TopicCreateForm({frame, engine, act, onCreated}: {frame: FormFrame; engine: TuiEngine; act: Act; onCreated(topic: string): void}) {
	return (
		<FieldsForm
			title="Create topic (empty)"
			width={frame.width}
			active={frame.active}
			fields={[{name: 'topic', label: 'topic', placeholder: "e.g. orders (letters, digits, '.', '_', '-')"}]}
			onCancel={frame.close}
			onSubmit={async (values) => {
				const name = (values['topic'] ?? '').trim();
				// The form's one line shows the engine's words alone (the footer and Events say what failed too).
				let refused: string | undefined;
				const failed = await act('create topic', async () => {
					const {created} = await engine.createTopic(name).catch((error: unknown) => {
						refused = errorMessage(error);
						throw error;
					});
					onCreated(name);
					return created ? `created topic ${name}` : `topic ${name} already exists`;
				});
				if (failed) return refused ?? failed;
				frame.close();
			}}
		/>
	);
}

/** d in Topics: says what goes (records, groups' offsets); "no" comes first. */
export function TopicDeleteForm({frame, engine, act, deletion}: {frame: FormFrame; engine: TuiEngine; act: Act; deletion: TopicDeletion}) {
	const {topic, groups} = deletion;
	const offsets = groups.length === 0 ? 'no group has an offset for it' : `${groups.join(', ')} will lose ${groups.length === 1 ? 'its offset' : 'their offsets'}`;
	return (
		<ChoiceForm
			title={`Delete topic ${topic}?`}
			detail={[`${records(deletion.records)} go with it; ${offsets}.`]}
			width={frame.width}
			active={frame.active}
			choices={[
				{label: 'no, keep it', value: 'no'},
				{label: `yes, delete ${topic} and its ${records(deletion.records)}`, value: 'yes'},
			]}
			onCancel={frame.close}
			onChoose={(choice) => {
				frame.close();
				if (choice !== 'yes') return;
				void act('delete topic', async () => {
					const done = await engine.deleteTopic(topic);
					const lost = done.groups.length > 0 ? `; offsets removed from ${done.groups.join(', ')}` : '';
					return `deleted topic ${topic} (${records(done.records)}${lost})`;
				});
			}}
		/>
	);
}

/**
 * After the topic list changed from `before` to `after`: when `shown` (the topic on screen) is gone,
 * the topic to select instead, the next one that is left (or else the one before), null when none
 * is left; undefined when `shown` is still there (nothing to do).
 */
export function topicAfterDeletion(before: readonly string[], after: readonly string[], shown: string | null): string | null | undefined {
	if (shown === null || after.includes(shown) || !before.includes(shown)) return undefined;
	const at = before.indexOf(shown);
	const left = new Set(after);
	const next = before.slice(at + 1).find((name) => left.has(name)) ?? before.slice(0, at).findLast((name) => left.has(name));
	return next ?? after[0] ?? null;
}
