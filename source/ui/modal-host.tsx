import type {ReactNode} from 'react';
import React from 'react';
import type {RecordWithOffset} from '../engine/types.js';
import {GROUP_COMMIT_ROWS, GROUP_CREATE_ROWS, GROUP_DELETE_ROWS, GroupCommitForm, GroupCreateForm, GroupDeleteForm} from './forms/group-forms.js';
import {
	GROUP_RESET_CONFIRM_ROWS,
	GROUP_RESET_FIELD_ROWS,
	GROUP_RESET_ROWS,
	GroupResetConfirmForm,
	GroupResetForm,
	GroupResetOffsetForm,
	GroupResetTimeForm,
	type ResetTarget,
	type ResetTo,
} from './forms/group-reset-forms.js';
import {TOPIC_CREATE_ROWS, TOPIC_DELETE_ROWS, TopicCreateForm, type TopicDeletion, TopicDeleteForm} from './forms/topic-forms.js';
import {PRODUCE_ROWS, ProduceForm, type ProduceInitial} from './forms/produce-form.js';
import {EXPORT_ROWS, ExportForm, FILTER_ROWS, FilterForm, FilterTextForm, SEEK_FIELD_ROWS, SEEK_ROWS, SeekForm, SeekOffsetForm, SeekTimeForm} from './forms/records-forms.js';
import type {FrameInspection} from './inspector/frame-inspection.js';
import type {FilterField} from './record-filter.js';
import type {Act, TuiEngine} from './tui-engine.js';
import type {RecordsView} from './use-records-view.js';
import type {RecordsTools} from './use-records-tools.js';

/** What is open over the panes: nothing, a view drawn in their place, or a form below them. */
export type Modal =
	| {kind: 'none'}
	| {kind: 'help'}
	| {kind: 'detail'; record: RecordWithOffset; topic: string}
	| {kind: 'inspect'; inspection: FrameInspection; topic: string}
	| {kind: 'produce'; initial: ProduceInitial}
	| {kind: 'seek'}
	| {kind: 'seek-offset'}
	| {kind: 'seek-time'}
	| {kind: 'filter'}
	| {kind: 'filter-text'; field: FilterField}
	| {kind: 'export'}
	| {kind: 'group-create'}
	| {kind: 'group-commit'; group: string; topic: string; offset: number; highWaterMarks?: Readonly<Record<string, number>>}
	| {kind: 'group-delete'; group: string}
	| {kind: 'group-reset' | 'group-reset-offset' | 'group-reset-time'; target: ResetTarget}
	| {kind: 'group-reset-confirm'; target: ResetTarget; to: ResetTo}
	| {kind: 'topic-create'}
	| {kind: 'topic-delete'; deletion: TopicDeletion};

export type FormModal = Exclude<Modal, {kind: 'none' | 'help' | 'detail' | 'inspect'}>;
export type ViewModal = Extract<Modal, {kind: 'help' | 'detail' | 'inspect'}>;

export const isView = (modal: Modal): modal is ViewModal => modal.kind === 'help' || modal.kind === 'detail' || modal.kind === 'inspect';
export const isForm = (modal: Modal): modal is FormModal => modal.kind !== 'none' && !isView(modal);
/** Forms that are a list of choices (their footer names the choice keys, not a form's fields). */
const CHOICE_KINDS: ReadonlySet<Modal['kind']> = new Set(['seek', 'filter', 'group-delete', 'group-reset', 'group-reset-confirm', 'topic-delete']);
export const isChoice = (modal: Modal): boolean => CHOICE_KINDS.has(modal.kind);

const FORM_ROWS: Record<FormModal['kind'], number> = {
	produce: PRODUCE_ROWS,
	seek: SEEK_ROWS,
	'seek-offset': SEEK_FIELD_ROWS,
	'seek-time': SEEK_FIELD_ROWS,
	filter: FILTER_ROWS,
	'filter-text': SEEK_FIELD_ROWS,
	export: EXPORT_ROWS,
	'group-create': GROUP_CREATE_ROWS,
	'group-commit': GROUP_COMMIT_ROWS,
	'group-delete': GROUP_DELETE_ROWS,
	'group-reset': GROUP_RESET_ROWS,
	'group-reset-offset': GROUP_RESET_FIELD_ROWS,
	'group-reset-time': GROUP_RESET_FIELD_ROWS,
	'group-reset-confirm': GROUP_RESET_CONFIRM_ROWS,
	'topic-create': TOPIC_CREATE_ROWS,
	'topic-delete': TOPIC_DELETE_ROWS,
};

/** Rows an open form takes below the panes. */
export const modalRows = (modal: Modal): number => (isForm(modal) ? FORM_ROWS[modal.kind] : 0);

export interface ModalHostProps {
	modal: Modal;
	open(modal: Modal): void;
	width: number;
	active: boolean;
	engine: TuiEngine;
	act: Act;
	topic: string | null;
	highWaterMark: number;
	records: RecordsView;
	/** Export and copy (the export form starts one). */
	tools: RecordsTools;
	selectTopic(name: string): void;
	say(text: string): void;
	onGroupDeleted(): void;
}

/** The open form, if any; each form is its own component and owns the keys while it is open. */
export function ModalHost(props: ModalHostProps): ReactNode {
	const {modal, open, engine, act, records} = props;
	if (!isForm(modal)) return null;
	const frame = {width: props.width, active: props.active, close: () => open({kind: 'none'})};
	switch (modal.kind) {
		case 'produce':
			return <ProduceForm frame={frame} initial={modal.initial} engine={engine} act={act} onProduced={(target) => target !== props.topic && props.selectTopic(target)} />;
		case 'seek':
			return <SeekForm frame={frame} records={records} ask={(kind) => open({kind})} />;
		case 'seek-offset':
			return <SeekOffsetForm frame={frame} records={records} highWaterMark={props.highWaterMark} />;
		case 'seek-time':
			return <SeekTimeForm frame={frame} records={records} reader={records.reader} topic={props.topic} highWaterMark={props.highWaterMark} say={props.say} />;
		case 'filter':
			return <FilterForm frame={frame} records={records} ask={(field) => open({kind: 'filter-text', field})} />;
		case 'filter-text':
			return <FilterTextForm frame={frame} records={records} field={modal.field} />;
		case 'export':
			return props.topic ? (
				<ExportForm frame={frame} topic={props.topic} highWaterMark={props.highWaterMark} filter={records.view.filter} dir={props.tools.dir} start={props.tools.startExport} />
			) : null;
		case 'group-create':
			return <GroupCreateForm frame={frame} engine={engine} act={act} />;
		case 'group-commit':
			return <GroupCommitForm frame={frame} engine={engine} act={act} group={modal.group} topic={modal.topic} offset={modal.offset} highWaterMarks={modal.highWaterMarks} />;
		case 'group-delete':
			return <GroupDeleteForm frame={frame} engine={engine} act={act} group={modal.group} onDeleted={props.onGroupDeleted} />;
		case 'group-reset':
			return <GroupResetForm frame={frame} target={modal.target} ask={open} />;
		case 'group-reset-offset':
			return <GroupResetOffsetForm frame={frame} target={modal.target} ask={open} />;
		case 'group-reset-time':
			return <GroupResetTimeForm frame={frame} target={modal.target} engine={engine} ask={open} />;
		case 'group-reset-confirm':
			return <GroupResetConfirmForm frame={frame} target={modal.target} to={modal.to} engine={engine} act={act} />;
		case 'topic-create':
			return <TopicCreateForm frame={frame} engine={engine} act={act} onCreated={props.selectTopic} />;
		case 'topic-delete':
			return <TopicDeleteForm frame={frame} engine={engine} act={act} deletion={modal.deletion} />;
	}
}
