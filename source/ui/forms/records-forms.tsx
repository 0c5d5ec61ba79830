import React from 'react';
import {ChoiceForm, choiceHeight} from '../components/choice-form.js';
import {FieldsForm, formHeight} from '../components/fields-form.js';
import {errorMessage, zoneLabel} from '../format.js';
import {type RecordReader, offsetForTime, parseSeekTime} from '../records-source.js';
import type {RecordsView} from '../use-records-view.js';
import type {FormFrame} from './form-frame.js';

const SEEK_CHOICES = [
	{label: 'beginning (offset 0)', value: 'beginning'},
	{label: 'end (last page)', value: 'end'},
	{label: 'offset…', value: 'offset'},
	{label: 'time… (local HH:MM[:SS], ISO, or -5m)', value: 'time'},
] as const;

export const SEEK_ROWS = choiceHeight(SEEK_CHOICES.length);
export const SEEK_FIELD_ROWS = formHeight(1);

/** Seek (s): the start, the end, or on to the offset or time form. */
export function SeekForm({frame, records, ask}: {frame: FormFrame; records: RecordsView; ask(next: 'seek-offset' | 'seek-time'): void}) {
	return (
		<ChoiceForm
			title="Seek"
			width={frame.width}
			active={frame.active}
			choices={SEEK_CHOICES}
			onCancel={frame.close}
			onChoose={(choice) => {
				if (choice === 'beginning') {
					records.seek(0);
					frame.close();
				} else if (choice === 'end') {
					records.seekEnd();
					frame.close();
				} else ask(choice === 'offset' ? 'seek-offset' : 'seek-time');
			}}
		/>
	);
}

export function SeekOffsetForm({frame, records, highWaterMark}: {frame: FormFrame; records: RecordsView; highWaterMark: number}) {
	return (
		<FieldsForm
			title={`Seek to offset (0..${Math.max(0, highWaterMark - 1)})`}
			width={frame.width}
			active={frame.active}
			fields={[{name: 'offset', label: 'offset', placeholder: 'e.g. 0'}]}
			onCancel={frame.close}
			onSubmit={(values) => {
				const text = (values['offset'] ?? '').trim();
				if (!/^\d+$/.test(text)) return `'${text}' is not an offset (a whole number)`;
				const offset = Number(text);
				if (offset >= highWaterMark && highWaterMark > 0) return `offset ${offset} is beyond the high water mark ${highWaterMark}`;
				records.seek(offset);
				frame.close();
			}}
		/>
	);
}

export function SeekTimeForm(props: {frame: FormFrame; records: RecordsView; reader: RecordReader; topic: string | null; highWaterMark: number; say(text: string): void}) {
	const {frame, records, reader, topic, highWaterMark, say} = props;
	return (
		<FieldsForm
			title={`Seek to time (local time, ${zoneLabel()})`}
			width={frame.width}
			active={frame.active}
			fields={[{name: 'time', label: 'time', placeholder: 'e.g. 14:03:07, 2026-01-01T10:00:00Z or -5m'}]}
			onCancel={frame.close}
			onSubmit={async (values) => {
				const time = parseSeekTime(values['time'] ?? '');
				if (time === null) return `'${values['time']}' is not a time (try 14:03, -5m or an ISO date)`;
				if (!topic) return 'no topic selected';
				try {
					const offset = await offsetForTime(reader, topic, time, highWaterMark);
					records.seek(Math.min(offset, Math.max(0, highWaterMark - 1)));
					say(`seeked to offset ${offset}`);
					frame.close();
				} catch (error) {
					return `seek failed: ${errorMessage(error)}`;
				}
			}}
		/>
	);
}

export function FilterForm({frame, records}: {frame: FormFrame; records: RecordsView}) {
	return (
		<FieldsForm
			title="Filter records on key, value or header text (empty clears)"
			width={frame.width}
			active={frame.active}
			fields={[{name: 'filter', label: 'text', initial: records.view.filter}]}
			onCancel={frame.close}
			onSubmit={(values) => {
				records.filter(values['filter'] ?? '');
				frame.close();
			}}
		/>
	);
}
