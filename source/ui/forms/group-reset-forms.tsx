import React from 'react';
import {ChoiceForm, choiceHeight} from '../components/choice-form.js';
import {FieldsForm, formHeight} from '../components/fields-form.js';
import {errorMessage, formatCount, formatTimestamp, zoneLabel} from '../format.js';
import type {GroupRow} from '../panes/groups-pane.js';
import type {TopicView} from '../store/snapshot.js';
import type {Act, TuiEngine} from '../tui-engine.js';
import type {FormFrame} from './form-frame.js';
import {parseResetTime} from './reset-time.js';

/** The group and topic a reset is for, with the offsets the panes showed when it opened. */
export interface ResetTarget {
	group: string;
	topic: string;
	/** The group's committed offset for the topic; null when it has none. */
	committed: number | null;
	highWaterMark: number;
}

/** The selected row's topic (or, for a group without commits, the selected topic); null without a topic. */
export function resetTarget(row: GroupRow, selectedTopic: string | null, topics: readonly TopicView[]): ResetTarget | null {
	const topic = row.topic ?? selectedTopic;
	if (topic === null) return null;
	const highWaterMark = row.topic !== null ? (row.highWaterMark ?? 0) : (topics.find((t) => t.name === topic)?.highWaterMark ?? 0);
	return {group: row.group, topic, committed: row.topic !== null ? row.committed : null, highWaterMark};
}

/** Where the reset goes, once worked out: the offset and how it was found (a line of the confirmation). */
export interface ResetTo {
	offset: number;
	why: string;
}

export const GROUP_RESET_ROWS = choiceHeight(4, 1);
export const GROUP_RESET_FIELD_ROWS = formHeight(1);
export const GROUP_RESET_CONFIRM_ROWS = choiceHeight(2, 1);

const old = (target: ResetTarget): string => (target.committed === null ? 'none' : String(target.committed));
const where = (target: ResetTarget): string => `${target.group} on ${target.topic}`;

type Next = {kind: 'group-reset-offset' | 'group-reset-time'; target: ResetTarget} | {kind: 'group-reset-confirm'; target: ResetTarget; to: ResetTo};

/** s in Groups: earliest and latest go straight to the confirmation; an offset or a time asks first. */
export function GroupResetForm({frame, target, ask}: {frame: FormFrame; target: ResetTarget; ask(next: Next): void}) {
	const hwm = target.highWaterMark;
	return (
		<ChoiceForm
			title={`Reset offset of ${where(target)}`}
			detail={[`committed ${old(target)}, high water mark ${formatCount(hwm)}`]}
			width={frame.width}
			active={frame.active}
			choices={[
				{label: 'earliest (offset 0)', value: 'earliest'},
				{label: `latest (offset ${hwm}, the high water mark)`, value: 'latest'},
				{label: 'offset…', value: 'offset'},
				{label: `time… (first record at/after it; local ${zoneLabel()} or ISO 8601)`, value: 'time'},
			]}
			onCancel={frame.close}
			onChoose={(choice) => {
				if (choice === 'earliest') ask({kind: 'group-reset-confirm', target, to: {offset: 0, why: 'earliest: offset 0, every record again'}});
				else if (choice === 'latest') ask({kind: 'group-reset-confirm', target, to: {offset: hwm, why: `latest: the high water mark ${hwm}, nothing left to read`}});
				else ask({kind: choice === 'offset' ? 'group-reset-offset' : 'group-reset-time', target});
			}}
		/>
	);
}

export function GroupResetOffsetForm({frame, target, ask}: {frame: FormFrame; target: ResetTarget; ask(next: Next): void}) {
	return (
		<FieldsForm
			title={`Reset ${where(target)} to offset (0..${target.highWaterMark})`}
			width={frame.width}
			active={frame.active}
			fields={[{name: 'offset', label: 'offset', placeholder: `e.g. ${Math.floor(target.highWaterMark / 2)}`}]}
			onCancel={frame.close}
			onSubmit={(values) => {
				const text = (values['offset'] ?? '').trim();
				if (!/^\d+$/.test(text)) return `'${text}' is not an offset (a whole number)`;
				const offset = Number(text);
				if (offset > target.highWaterMark) return `offset ${offset} is beyond the high water mark ${target.highWaterMark}`;
				ask({kind: 'group-reset-confirm', target, to: {offset, why: `offset ${offset}`}});
			}}
		/>
	);
}

/** The time is looked up with offsetForTime (the index; counted nowhere); the confirmation says what was found. */
export function GroupResetTimeForm({frame, target, engine, ask}: {frame: FormFrame; target: ResetTarget; engine: TuiEngine; ask(next: Next): void}) {
	const zone = zoneLabel();
	return (
		<FieldsForm
			title={`Reset ${where(target)} to time (local time is ${zone})`}
			width={frame.width}
			active={frame.active}
			fields={[{name: 'time', label: 'time', placeholder: 'YYYY-MM-DD HH:MM[:SS] local, or ISO 8601 e.g. 2026-01-01T10:00:00Z'}]}
			onCancel={frame.close}
			onSubmit={async (values) => {
				const text = (values['time'] ?? '').trim();
				const time = parseResetTime(text);
				if (time === null) return `'${text}' is not a time: YYYY-MM-DD HH:MM[:SS] (local, ${zone}) or ISO 8601 with Z or ±hh:mm`;
				try {
					const found = await engine.offsetForTime(target.topic, time);
					const at = formatTimestamp(new Date(time).toISOString());
					const why =
						found.timestamp === null
							? `no record at/after ${at} ${zone}: the high water mark ${found.offset}`
							: `first record at/after ${at} ${zone}: offset ${found.offset}, written ${formatTimestamp(new Date(found.timestamp).toISOString())}`;
					ask({kind: 'group-reset-confirm', target, to: {offset: found.offset, why}});
				} catch (error) {
					return `time lookup failed: ${errorMessage(error)}`;
				}
			}}
		/>
	);
}

/** Old -> new, then commitOffset (which may rewind). "yes" first: the target was just chosen. */
export function GroupResetConfirmForm({frame, target, to, engine, act}: {frame: FormFrame; target: ResetTarget; to: ResetTo; engine: TuiEngine; act: Act}) {
	const change = `${old(target)} -> ${to.offset}`;
	return (
		<ChoiceForm
			title={`Reset ${where(target)}: ${change}?`}
			detail={[to.why]}
			width={frame.width}
			active={frame.active}
			choices={[
				{label: `yes, commit offset ${to.offset}`, value: 'yes'},
				{label: `no, keep ${old(target)}`, value: 'no'},
			]}
			onCancel={frame.close}
			onChoose={(choice) => {
				frame.close();
				if (choice !== 'yes') return;
				void act('reset offset', async () => {
					await engine.commitOffset(target.group, target.topic, to.offset);
					return `reset ${where(target)}: ${change}`;
				});
			}}
		/>
	);
}
