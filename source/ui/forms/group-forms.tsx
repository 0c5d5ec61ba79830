import React from 'react';
import {ChoiceForm, choiceHeight} from '../components/choice-form.js';
import {FieldsForm, formHeight} from '../components/fields-form.js';
import type {Act, TuiEngine} from '../tui-engine.js';
import type {FormFrame} from './form-frame.js';

export const GROUP_CREATE_ROWS = formHeight(1);
export const GROUP_COMMIT_ROWS = formHeight(2);
export const GROUP_DELETE_ROWS = choiceHeight(2);

interface GroupFormProps {
	frame: FormFrame;
	engine: TuiEngine;
	act: Act;
}

export function GroupCreateForm({frame, engine, act}: GroupFormProps) {
	return (
		<FieldsForm
			title="Create consumer group"
			width={frame.width}
			active={frame.active}
			fields={[{name: 'group', label: 'group id', placeholder: 'e.g. billing'}]}
			onCancel={frame.close}
			onSubmit={async (values) => {
				const id = (values['group'] ?? '').trim();
				const failed = await act('create group', async () => {
					await engine.createGroup(id);
					return `created group ${id}`;
				});
				if (failed) return failed;
				frame.close();
			}}
		/>
	);
}

export function GroupCommitForm(props: GroupFormProps & {group: string; topic: string; offset: number; highWaterMarks?: Readonly<Record<string, number>> | undefined}) {
	const {frame, engine, act, group, topic, offset, highWaterMarks = {}} = props;
	return (
		<FieldsForm
			title={`Commit offset for group ${group}`}
			width={frame.width}
			active={frame.active}
			fields={[
				{name: 'topic', label: 'topic', initial: topic},
				// The offset follows the topic typed (its high water mark) until the user edits it.
				{name: 'offset', label: 'offset', initial: String(offset), derive: (values) => (Object.hasOwn(highWaterMarks, values['topic']?.trim() ?? '') ? String(highWaterMarks[values['topic']!.trim()]) : undefined)},
			]}
			onCancel={frame.close}
			onSubmit={async (values) => {
				const text = (values['offset'] ?? '').trim();
				if (!/^\d+$/.test(text)) return `'${text}' is not an offset (a whole number)`;
				const target = (values['topic'] ?? '').trim();
				const failed = await act('commit', async () => {
					await engine.commitOffset(group, target, Number(text));
					return `committed ${group} on ${target} at ${text}`;
				});
				if (failed) return failed;
				frame.close();
			}}
		/>
	);
}

export function GroupDeleteForm({frame, engine, act, group, onDeleted}: GroupFormProps & {group: string; onDeleted(): void}) {
	return (
		<ChoiceForm
			title={`Delete consumer group ${group}?`}
			width={frame.width}
			active={frame.active}
			choices={[
				{label: 'no, keep it', value: 'no'},
				{label: `yes, delete ${group}`, value: 'yes'},
			]}
			onCancel={frame.close}
			onChoose={(choice) => {
				frame.close();
				if (choice === 'yes') {
					void act('delete group', async () => {
						await engine.deleteGroup(group);
						onDeleted();
						return `deleted group ${group}`;
					});
				}
			}}
		/>
	);
}
