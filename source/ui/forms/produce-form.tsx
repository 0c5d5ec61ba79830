import React from 'react';
import {FieldsForm, formHeight} from '../components/fields-form.js';
import {parseHeaders} from '../format.js';
import type {Act, TuiEngine} from '../tui-engine.js';
import type {FormFrame} from './form-frame.js';

export interface ProduceInitial {
	topic: string;
	key: string;
	value: string;
	headers: string;
}

export const PRODUCE_ROWS = formHeight(4);

/** Produce one record (p); pre-filled from a record to re-produce it. */
export function ProduceForm({frame, initial, engine, act, onProduced}: {frame: FormFrame; initial: ProduceInitial; engine: TuiEngine; act: Act; onProduced(topic: string): void}) {
	return (
		<FieldsForm
			title={`Produce a record${initial.value ? ' (re-produce)' : ''}`}
			width={frame.width}
			active={frame.active}
			fields={[
				{name: 'topic', label: 'topic', initial: initial.topic, placeholder: 'e.g. orders'},
				{name: 'key', label: 'key', initial: initial.key, placeholder: '(optional)'},
				{name: 'value', label: 'value', initial: initial.value, placeholder: 'e.g. {"id":1}'},
				{name: 'headers', label: 'headers', initial: initial.headers, placeholder: 'e.g. k=v,k=v (optional)'},
			]}
			onCancel={frame.close}
			onSubmit={async (values) => {
				const parsed = parseHeaders(values['headers'] ?? '');
				if (parsed.error) return parsed.error;
				const target = (values['topic'] ?? '').trim();
				const failed = await act('produce', async () => {
					const [result] = await engine.post(target, [{key: values['key'] ? values['key'] : null, value: values['value'] ?? '', headers: parsed.headers}]);
					return `produced ${target}@${result?.offset ?? '?'}`;
				});
				if (failed) return failed;
				onProduced(target);
				frame.close();
			}}
		/>
	);
}
