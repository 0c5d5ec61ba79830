import React from 'react';
import {ChoiceForm, choiceHeight} from '../components/choice-form.js';
import {FieldsForm, formHeight} from '../components/fields-form.js';
import {errorMessage, zoneLabel} from '../format.js';
import {type FilterField, type RecordFilter, compileFilter, describeFilter, isActive} from '../record-filter.js';
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

const FILTER_CHOICES = [
	{label: 'any field (key, value, header names and values)', value: 'any'},
	{label: 'key', value: 'key'},
	{label: 'value', value: 'value'},
	{label: 'header (name, name=value, name=/regex/)', value: 'header'},
	{label: 'clear the filter', value: 'clear'},
] as const;

export const FILTER_ROWS = choiceHeight(FILTER_CHOICES.length);

/** Filter (/): which field to match, then the text (FilterTextForm); or clear it. */
export function FilterForm({frame, records, ask}: {frame: FormFrame; records: RecordsView; ask(field: FilterField): void}) {
	const now = records.view.filter;
	return (
		<ChoiceForm
			title={`Filter records on${isActive(now) ? ` (now ${describeFilter(now)})` : ''}`}
			width={frame.width}
			active={frame.active}
			choices={FILTER_CHOICES}
			onCancel={frame.close}
			onChoose={(choice) => {
				if (choice !== 'clear') return ask(choice);
				records.filter(null);
				frame.close();
			}}
		/>
	);
}

const FILTER_PLACEHOLDER: Record<FilterField, string> = {
	any: 'text (any case) or /regex/',
	key: 'text (any case) or /regex/, e.g. /^user-\\d+$/',
	value: 'text (any case) or /regex/i',
	header: 'name, name=value, name=/regex/ or /regex/ on name=value',
};

/** The filter's text for one field; an invalid regular expression keeps the form open with the reason. */
export function FilterTextForm({frame, records, field}: {frame: FormFrame; records: RecordsView; field: FilterField}) {
	const now = records.view.filter;
	return (
		<FieldsForm
			title={`Filter records on ${field === 'any' ? 'key, value or header' : field} (empty clears)`}
			width={frame.width}
			active={frame.active}
			fields={[{name: 'filter', label: 'text', initial: now?.field === field ? now.text : '', placeholder: FILTER_PLACEHOLDER[field]}]}
			onCancel={frame.close}
			onSubmit={(values) => {
				const filter = {field, text: values['filter'] ?? ''};
				const compiled = compileFilter(filter);
				if (!compiled.ok) return compiled.error;
				records.filter(filter);
				frame.close();
			}}
		/>
	);
}

export const EXPORT_ROWS = formHeight(2);

export interface ExportFormProps {
	frame: FormFrame;
	topic: string;
	highWaterMark: number;
	filter: RecordFilter | null;
	dir: string;
	/** Starts the export (it runs after the form closes); an error text keeps the form open. */
	start(topic: string, from: number, to: number, filter: RecordFilter | null): string | void;
}

/** Export (e): the range to write as JSON Lines, the whole topic unless changed; the active filter applies. */
export function ExportForm({frame, topic, highWaterMark, filter, dir, start}: ExportFormProps) {
	const last = highWaterMark - 1;
	return (
		<FieldsForm
			title={`Export ${topic}${isActive(filter) ? ` (filter ${describeFilter(filter)})` : ''} to JSON Lines in ${dir}`}
			width={frame.width}
			active={frame.active}
			fields={[
				{name: 'from', label: 'from offset', initial: '0'},
				{name: 'to', label: 'to offset', initial: String(last)},
			]}
			onCancel={frame.close}
			onSubmit={(values) => {
				const [from, to] = [values['from'], values['to']].map((v) => (v ?? '').trim());
				for (const text of [from!, to!]) if (!/^\d+$/.test(text)) return `'${text}' is not an offset (a whole number)`;
				const [a, b] = [Number(from), Number(to)];
				if (b > last) return `offset ${b} is beyond the last record (${last})`;
				if (a > b) return `from (${a}) is after to (${b})`;
				const error = start(topic, a, b, filter);
				if (error) return error;
				frame.close();
			}}
		/>
	);
}
