import {Box, type Key, useApp, useInput, useStdin} from 'ink';
import React, {type ReactNode, useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {AppendedOffset, CommitResult, RecordWithOffset} from '../engine/types.js';
import {ChoiceForm, choiceHeight} from './components/choice-form.js';
import {FieldsForm, type FieldSpec, formHeight} from './components/fields-form.js';
import {Footer} from './components/footer.js';
import {Header} from './components/header.js';
import {HelpOverlay} from './components/help-overlay.js';
import {ByteInspector, byteInspectorRows} from './inspector/ByteInspector.js';
import type {FrameInspection} from './inspector/frame-inspection.js';
import {type FrameLocator, inspectRecord} from './inspector/inspect-record.js';
import {RecordDetail} from './components/record-detail.js';
import {useFormKeyHandoff} from './use-form-key-handoff.js';
import {errorMessage, formatHeaders, parseHeaders} from './format.js';
import {DETAIL_KEYS, FOOTER_GLOBAL_KEYS, FORM_KEYS, INSPECTOR_KEYS, type KeyHelp, PANE_KEYS} from './keys.js';
import {type Layout, PANE_IDS, type PaneId, computeLayout} from './layout.js';
import {CachePane} from './panes/cache-pane.js';
import {EventsPane} from './panes/events-pane.js';
import {GroupsPane, groupRows} from './panes/groups-pane.js';
import {IndexPane} from './panes/index-pane.js';
import {RecordsPane, type RecordsViewState, recordRows} from './panes/records-pane.js';
import {ServerPane} from './panes/server-pane.js';
import {TopicsPane} from './panes/topics-pane.js';
import {WalPane} from './panes/wal-pane.js';
import {type Page, type RecordReader, offsetForTime, parseSeekTime} from './records-source.js';
import {useSnapshot} from './store/use-snapshot.js';
import type {TuiStore} from './store/tui-store.js';
import {usePage} from './use-page.js';
import {type TerminalSize, useTerminalSize} from './use-terminal-size.js';

/** The engine calls the UI makes besides reading stats and events (FlashQ fits). */
export interface TuiEngine extends RecordReader {
	post(topic: string, records: readonly {key?: string | null; value: string; headers?: Record<string, string> | null}[]): Promise<AppendedOffset[]>;
	createGroup(groupId: string): Promise<void>;
	deleteGroup(groupId: string): Promise<void>;
	commitOffset(groupId: string, topic: string, offset: number): Promise<CommitResult>;
	/** Where a record's frame is on disk (the byte inspector). */
	locateRecord: FrameLocator['locateRecord'];
}

type Modal =
	| {kind: 'none'}
	| {kind: 'help'}
	| {kind: 'detail'; record: RecordWithOffset; topic: string}
	| {kind: 'inspect'; inspection: FrameInspection; topic: string}
	| {kind: 'produce'; initial: {topic: string; key: string; value: string; headers: string}}
	| {kind: 'seek'}
	| {kind: 'seek-offset'}
	| {kind: 'seek-time'}
	| {kind: 'filter'}
	| {kind: 'group-create'}
	| {kind: 'group-commit'; group: string; topic: string; offset: number}
	| {kind: 'group-delete'; group: string};

export interface AppProps {
	store: TuiStore;
	engine: TuiEngine;
	/** Fixed terminal size (tests, --once); otherwise read from stdout and updated on resize. */
	size?: TerminalSize;
	/** Called when the user quits (q, Ctrl+C), before Ink unmounts. */
	onQuit?: () => void;
	/** A first Records page, so a one-shot render (--once) shows records without waiting for a load. */
	initialPage?: Page | null;
	/** Panes drawn in the highlight colour (for a guided tour). */
	highlight?: readonly PaneId[];
	/** Shown at the end of the header (e.g. "Lesson 2/8 Step 1/3"). */
	headerExtra?: ReactNode;
	/** A caller's box drawn between the panes and the footer, taking `rows` rows from the panes. */
	bottomSlot?: {rows: number; node: ReactNode} | null;
	/** Sees every key first in normal mode; return true to consume it. */
	onKey?: (input: string, key: Key) => boolean;
	initialFocus?: PaneId;
	/** Keys shown first in the footer (e.g. the tour's). */
	extraFooterKeys?: readonly KeyHelp[];
}

const INITIAL_VIEW: RecordsViewState = {start: 0, follow: false, filter: '', pretty: true, cursor: 0};

const SEEK_CHOICES = [
	{label: 'beginning (offset 0)', value: 'beginning'},
	{label: 'end (last page)', value: 'end'},
	{label: 'offset…', value: 'offset'},
	{label: 'time… (UTC HH:MM[:SS], ISO, or -5m)', value: 'time'},
] as const;

/** Modals drawn in place of the panes (no text input): keys reach the App's own handler. */
const isView = (modal: Modal): boolean => modal.kind === 'help' || modal.kind === 'detail' || modal.kind === 'inspect';
const isForm = (modal: Modal): boolean => modal.kind !== 'none' && !isView(modal);

function modalRows(modal: Modal): number {
	switch (modal.kind) {
		case 'produce':
			return formHeight(4);
		case 'group-commit':
			return formHeight(2);
		case 'seek-offset':
		case 'seek-time':
		case 'filter':
		case 'group-create':
			return formHeight(1);
		case 'seek':
			return choiceHeight(SEEK_CHOICES.length);
		case 'group-delete':
			return choiceHeight(2);
		default:
			return 0;
	}
}

/** The most hex rows the byte inspector can show within `height` rows (at least 4: it clips below). */
function inspectorHexRows(inspection: FrameInspection, height: number): number {
	let rows = 4;
	while (rows < 64 && byteInspectorRows(inspection, rows + 1) <= height && byteInspectorRows(inspection, rows + 1) > byteInspectorRows(inspection, rows)) rows++;
	return rows;
}

/** The whole screen: header, panes laid out for the terminal size, forms/overlays, footer. */
export function App(props: AppProps) {
	const {store, engine, onQuit, highlight, headerExtra, bottomSlot, onKey} = props;
	const snapshot = useSnapshot(store);
	const {exit} = useApp();
	const {isRawModeSupported} = useStdin();
	const size = useTerminalSize(props.size);
	const [focus, setFocus] = useState<PaneId>(props.initialFocus ?? 'topics');
	const [selectedTopic, setSelectedTopic] = useState<string | null>(props.initialPage?.topic ?? null);
	const [view, setView] = useState<RecordsViewState>(INITIAL_VIEW);
	const [groupIndex, setGroupIndex] = useState(0);
	const [eventsScroll, setEventsScroll] = useState(0);
	const [detailScroll, setDetailScroll] = useState(0);
	const [modal, setModal] = useState<Modal>({kind: 'none'});
	const [message, setMessage] = useState<{text: string; level: 'info' | 'error'} | null>(null);
	const quitting = useRef(false);

	// Keep a topic selected: the first one as soon as any exists.
	const topicNames = snapshot.topics.map((t) => t.name);
	const topic = selectedTopic !== null && topicNames.includes(selectedTopic) ? selectedTopic : (topicNames[0] ?? null);
	const topicView = snapshot.topics.find((t) => t.name === topic) ?? null;
	const highWaterMark = topicView?.highWaterMark ?? 0;

	const reserved = (isForm(modal) ? modalRows(modal) : 0) + (bottomSlot?.rows ?? 0);
	const hasServer = snapshot.server !== null;
	const layout: Layout = useMemo(
		() => computeLayout(size.columns, size.rows - reserved, hasServer),
		[size.columns, size.rows, reserved, hasServer],
	);
	const recordsBox = layout.body.flatMap((c) => c.rows.flatMap((r) => r.panes)).find((p) => p.id === 'records');
	const pageSize = recordRows(recordsBox?.height ?? 10);

	// A static page that is full does not change when records arrive: reload only when following or short.
	const [lastLength, setLastLength] = useState(0);
	const watchTail = view.follow || lastLength < pageSize;
	const request = topic
		? {topic, start: view.start, follow: view.follow, filter: view.filter, size: pageSize, highWaterMark: watchTail ? highWaterMark : -1}
		: null;
	// The Records pane's reads are marked so the Events log shows the engine's work, not the UI's.
	const reader = useMemo<RecordReader>(
		() => ({
			poll: (t, options) => {
				store.ownRead(t, options?.fromOffset ?? 0);
				return engine.poll(t, options);
			},
		}),
		[engine, store],
	);
	const {page, error: pageError} = usePage(reader, request, props.initialPage);
	const records = page && page.topic === topic ? page.records : [];
	useEffect(() => setLastLength(records.length), [records.length]);
	const cursor = Math.min(view.cursor, Math.max(0, records.length - 1));
	const selectedRecord = records[cursor] ?? null;

	const rows = useMemo(() => groupRows(snapshot.groups), [snapshot.groups]);
	const groupRow = rows[Math.min(groupIndex, rows.length - 1)] ?? null;

	const say = useCallback(
		(text: string, level: 'info' | 'error' = 'info') => {
			setMessage({text, level});
			store.note(text, level === 'error' ? 'error' : 'info');
		},
		[store],
	);

	// Engine actions: errors become messages, never exceptions in the render tree.
	const act = useCallback(
		async (what: string, action: () => Promise<string | void>): Promise<string | void> => {
			try {
				const done = await action();
				store.refresh();
				if (typeof done === 'string') say(done);
			} catch (error) {
				const text = `${what} failed: ${errorMessage(error)}`;
				say(text, 'error');
				return text;
			}
		},
		[store, say],
	);

	const quit = useCallback(() => {
		if (quitting.current) return;
		quitting.current = true;
		onQuit?.();
		exit();
	}, [exit, onQuit]);

	const selectTopic = (name: string | null) => {
		setSelectedTopic(name);
		setView((v) => ({...INITIAL_VIEW, pretty: v.pretty}));
	};

	const openProduce = () => {
		const fromRecord = focus === 'records' || modal.kind === 'detail' ? (modal.kind === 'detail' ? modal.record : selectedRecord) : null;
		setModal({
			kind: 'produce',
			initial: fromRecord
				? {topic: topic ?? '', key: fromRecord.key ?? '', value: fromRecord.value, headers: formatHeaders(fromRecord.headers)}
				: {topic: topic ?? '', key: '', value: '', headers: ''},
		});
	};

	// The page's first offset from the view itself (a load may still be in flight), except when following.
	const pageFirst = (v: RecordsViewState): number => (v.follow || v.filter !== '' ? (records[0]?.offset ?? v.start) : v.start);

	const moveRecords = (delta: number) => {
		setView((v) => {
			const c = Math.min(v.cursor, Math.max(0, records.length - 1));
			const next = c + delta;
			if (next >= 0 && next < records.length) return {...v, cursor: next};
			if (v.filter !== '') return v;
			// Past an edge: scroll the page by one record (leaving follow mode).
			const first = pageFirst(v);
			if (next < 0 && first > 0) return {...v, follow: false, start: Math.max(0, first + delta), cursor: 0};
			if (next >= records.length && first + records.length < highWaterMark) {
				return {...v, follow: false, start: first + (next - records.length + 1), cursor: records.length - 1};
			}
			return v;
		});
	};

	const pageRecords = (direction: 1 | -1) => {
		setView((v) => {
			const first = pageFirst(v);
			if (direction > 0) {
				const last = records[records.length - 1]?.offset;
				const start = v.filter !== '' && last !== undefined ? last + 1 : first + pageSize;
				return start >= highWaterMark ? v : {...v, follow: false, start, cursor: 0};
			}
			return {...v, follow: false, start: Math.max(0, first - pageSize), cursor: 0};
		});
	};

	// The byte inspector asks the engine where the frame is (its storage reads through its own file
	// layer). A failure is a message.
	const inspect = (name: string, record: RecordWithOffset) => {
		// The answer may come after the user moved on to a form: it then opens nothing.
		const open = (inspection: FrameInspection) =>
			setModal((m) => (m.kind === 'none' || m.kind === 'detail' ? {kind: 'inspect', topic: name, inspection} : m));
		inspectRecord(engine, name, record).then(open, (error: unknown) => say(`byte inspector failed: ${errorMessage(error)}`, 'error'));
	};

	const seekEnd = () => setView((v) => ({...v, follow: false, start: Math.max(0, highWaterMark - pageSize), cursor: pageSize - 1}));

	const paneKeys = (input: string, key: Key): void => {
		const up = key.upArrow || input === 'k';
		const down = key.downArrow || input === 'j';
		switch (focus) {
			case 'topics': {
				const i = topic ? topicNames.indexOf(topic) : -1;
				if (up && i > 0) selectTopic(topicNames[i - 1]!);
				else if (down && i < topicNames.length - 1) selectTopic(topicNames[i + 1]!);
				else if (input === 'g' && topicNames.length > 0) selectTopic(topicNames[0]!);
				else if (input === 'G' && topicNames.length > 0) selectTopic(topicNames[topicNames.length - 1]!);
				else if (key.return) setFocus('records');
				return;
			}
			case 'records': {
				if (!topic) return;
				if (up) moveRecords(-1);
				else if (down) moveRecords(1);
				else if (key.pageDown || key.rightArrow) pageRecords(1);
				else if (key.pageUp || key.leftArrow) pageRecords(-1);
				else if (input === 'g' || key.home) setView((v) => ({...v, follow: false, start: 0, cursor: 0}));
				else if (input === 'G' || key.end) seekEnd();
				else if (input === 'f') {
					setView((v) => (v.follow ? {...v, follow: false, start: records[0]?.offset ?? v.start} : {...v, follow: true, cursor: pageSize - 1}));
					setMessage({text: view.follow ? 'follow off' : 'following the tail', level: 'info'});
				} else if (input === 's') setModal({kind: 'seek'});
				else if (input === '/') setModal({kind: 'filter'});
				else if (input === 'v') setView((v) => ({...v, pretty: !v.pretty}));
				else if (input === 'x' && selectedRecord) inspect(topic, selectedRecord);
				else if (key.return && selectedRecord) {
					setDetailScroll(0);
					setModal({kind: 'detail', record: selectedRecord, topic});
				}
				return;
			}
			case 'groups': {
				if (up) setGroupIndex(Math.max(0, Math.min(groupIndex, rows.length - 1) - 1));
				else if (down) setGroupIndex(Math.min(rows.length - 1, groupIndex + 1));
				else if (input === 'c') setModal({kind: 'group-create'});
				else if (input === 'd' && groupRow) setModal({kind: 'group-delete', group: groupRow.group});
				else if ((input === 'o' || input === 'r') && groupRow) {
					const target = groupRow.topic ?? topic;
					if (!target) {
						setMessage({text: 'no topic to commit for: produce a record first', level: 'error'});
						return;
					}
					const hwm = snapshot.topics.find((t) => t.name === target)?.highWaterMark ?? 0;
					if (input === 'o') setModal({kind: 'group-commit', group: groupRow.group, topic: target, offset: hwm});
					else void act('rewind', async () => {
						await engine.commitOffset(groupRow.group, target, 0);
						return `rewound ${groupRow.group} on ${target} to 0`;
					});
				}
				return;
			}
			case 'events': {
				if (up) setEventsScroll((s) => Math.min(s + 1, Math.max(0, snapshot.events.length - 1)));
				else if (down) setEventsScroll((s) => Math.max(0, s - 1));
				else if (input === 'g') setEventsScroll(Math.max(0, snapshot.events.length - 1));
				else if (input === 'G') setEventsScroll(0);
				return;
			}
			default:
				return;
		}
	};

	const inputActive = isRawModeSupported === true;
	// Ctrl+C quits from anywhere, forms included.
	const onCtrlC = useCallback(
		(input: string, key: Key) => {
			if (key.ctrl && input === 'c') quit();
		},
		[quit],
	);
	useInput(onCtrlC, {isActive: inputActive});
	const handleKey = (input: string, key: Key): void => {
		// An open form takes its own keys (its components listen); Ctrl+C is handled above.
		if (key.ctrl || isForm(modal)) return;
		if (modal.kind === 'help') {
			if (key.escape || input === '?' || input === 'q' || key.return) setModal({kind: 'none'});
			return;
		}
		if (modal.kind === 'inspect') {
			if (key.escape || key.return || input === 'x') setModal({kind: 'none'});
			else if (input === 'q') quit();
			return;
		}
		if (modal.kind === 'detail') {
			if (key.escape || key.return) setModal({kind: 'none'});
			else if (input === 'x') inspect(modal.topic, modal.record);
			else if (key.upArrow || input === 'k') setDetailScroll((s) => Math.max(0, s - 1));
			else if (key.downArrow || input === 'j') setDetailScroll((s) => s + 1);
			else if (input === 'v') setView((v) => ({...v, pretty: !v.pretty}));
			else if (input === 'p') openProduce();
			else if (input === 'q') quit();
			return;
		}
		if (onKey?.(input, key)) return;
		setMessage(null);
		if (input === 'q') quit();
		else if (input === '?') setModal({kind: 'help'});
		else if (key.tab) {
			const i = layout.panes.indexOf(focus);
			const n = layout.panes.length;
			setFocus(layout.panes[(i + (key.shift ? n - 1 : 1)) % n]!);
		} else if (/^[1-8]$/.test(input)) {
			const id = PANE_IDS[Number(input) - 1]!;
			if (layout.panes.includes(id)) setFocus(id);
		} else if (input === 'p') openProduce();
		else paneKeys(input, key);
	};

	// Keys pressed faster than the app reads arrive as one chunk ("j2"): handle them one per render,
	// each with the state the previous one left, and drop the rest once a form or overlay opens.
	const pendingKeys = useRef<string[]>([]);
	const [keyTick, setKeyTick] = useState(0);
	const noKey = useRef<Key | null>(null);
	useEffect(() => {
		const next = pendingKeys.current.shift();
		if (next === undefined || !noKey.current) return;
		if (modal.kind !== 'none') {
			pendingKeys.current = [];
			return;
		}
		handleKey(next, noKey.current);
		setKeyTick((t) => t + 1);
		// eslint-disable-next-line react-hooks/exhaustive-deps -- once per tick on purpose: handleKey is new every render, so listing it would run this after every render
	}, [keyTick]);
	// Ink re-registers an input handler in a passive effect, which can run after the next key when
	// frames are slow: keys would then see an old render's state. A ref always holds this render's,
	// and the handler stays attached while forms are open, so the key right after a form closes
	// is not lost.
	const onInput = useRef<(input: string, key: Key) => void>(() => undefined);
	onInput.current = (input, key) => {
		if (input.length > 1 && modal.kind === 'none' && /^[\x20-\x7e]+$/.test(input) && !key.ctrl && !key.meta) {
			noKey.current = Object.fromEntries(Object.keys(key).map((k) => [k, false])) as unknown as Key;
			pendingKeys.current.push(...input.slice(1));
			handleKey(input[0]!, noKey.current);
			setKeyTick((t) => t + 1);
			return;
		}
		handleKey(input, key);
	};
	const stableOnInput = useCallback((input: string, key: Key) => onInput.current(input, key), []);
	useInput(stableOnInput, {isActive: inputActive});
	useFormKeyHandoff(isForm(modal) ? modal : null, inputActive);

	const close = () => setModal({kind: 'none'});
	const formWidth = layout.columns - 1;
	let form: ReactNode = null;
	switch (modal.kind) {
		case 'produce':
			form = (
				<FieldsForm
					title={`Produce a record${modal.initial.value ? ' (re-produce)' : ''}`}
					width={formWidth}
					active={inputActive}
					fields={[
						{name: 'topic', label: 'topic', initial: modal.initial.topic, placeholder: 'e.g. orders'},
						{name: 'key', label: 'key', initial: modal.initial.key, placeholder: '(optional)'},
						{name: 'value', label: 'value', initial: modal.initial.value, placeholder: 'e.g. {"id":1}'},
						{name: 'headers', label: 'headers', initial: modal.initial.headers, placeholder: 'e.g. k=v,k=v (optional)'},
					]}
					onCancel={close}
					onSubmit={async (values) => {
						const parsed = parseHeaders(values['headers'] ?? '');
						if (parsed.error) return parsed.error;
						const target = (values['topic'] ?? '').trim();
						const failed = await act('produce', async () => {
							const [result] = await engine.post(target, [{key: values['key'] ? values['key'] : null, value: values['value'] ?? '', headers: parsed.headers}]);
							return `produced ${target}@${result?.offset ?? '?'}`;
						});
						if (failed) return failed;
						if (target !== topic) selectTopic(target);
						close();
					}}
				/>
			);
			break;
		case 'seek':
			form = (
				<ChoiceForm
					title="Seek"
					width={formWidth}
					active={inputActive}
					choices={SEEK_CHOICES}
					onCancel={close}
					onChoose={(choice) => {
						if (choice === 'beginning') {
							setView((v) => ({...v, follow: false, start: 0, cursor: 0}));
							close();
						} else if (choice === 'end') {
							seekEnd();
							close();
						} else setModal({kind: choice === 'offset' ? 'seek-offset' : 'seek-time'});
					}}
				/>
			);
			break;
		case 'seek-offset':
			form = (
				<FieldsForm
					title={`Seek to offset (0..${Math.max(0, highWaterMark - 1)})`}
					width={formWidth}
					active={inputActive}
					fields={[{name: 'offset', label: 'offset', placeholder: 'e.g. 0'}]}
					onCancel={close}
					onSubmit={(values) => {
						const text = (values['offset'] ?? '').trim();
						if (!/^\d+$/.test(text)) return `'${text}' is not an offset (a whole number)`;
						const offset = Number(text);
						if (offset >= highWaterMark && highWaterMark > 0) return `offset ${offset} is beyond the high water mark ${highWaterMark}`;
						setView((v) => ({...v, follow: false, start: offset, cursor: 0}));
						close();
					}}
				/>
			);
			break;
		case 'seek-time':
			form = (
				<FieldsForm
					title="Seek to time (UTC)"
					width={formWidth}
					active={inputActive}
					fields={[{name: 'time', label: 'time', placeholder: 'e.g. 14:03:07, 2026-01-01T10:00:00Z or -5m'}]}
					onCancel={close}
					onSubmit={async (values) => {
						const time = parseSeekTime(values['time'] ?? '');
						if (time === null) return `'${values['time']}' is not a time (try 14:03, -5m or an ISO date)`;
						if (!topic) return 'no topic selected';
						try {
							const offset = await offsetForTime(reader, topic, time, highWaterMark);
							setView((v) => ({...v, follow: false, start: Math.min(offset, Math.max(0, highWaterMark - 1)), cursor: 0}));
							setMessage({text: `seeked to offset ${offset}`, level: 'info'});
							close();
						} catch (error) {
							return `seek failed: ${errorMessage(error)}`;
						}
					}}
				/>
			);
			break;
		case 'filter':
			form = (
				<FieldsForm
					title="Filter records on key, value or header text (empty clears)"
					width={formWidth}
					active={inputActive}
					fields={[{name: 'filter', label: 'text', initial: view.filter}]}
					onCancel={close}
					onSubmit={(values) => {
						setView((v) => ({...v, filter: values['filter'] ?? '', start: v.filter === '' ? (records[0]?.offset ?? v.start) : v.start, cursor: 0}));
						close();
					}}
				/>
			);
			break;
		case 'group-create':
			form = (
				<FieldsForm
					title="Create consumer group"
					width={formWidth}
					active={inputActive}
					fields={[{name: 'group', label: 'group id', placeholder: 'e.g. billing'}]}
					onCancel={close}
					onSubmit={async (values) => {
						const id = (values['group'] ?? '').trim();
						const failed = await act('create group', async () => {
							await engine.createGroup(id);
							return `created group ${id}`;
						});
						if (failed) return failed;
						close();
					}}
				/>
			);
			break;
		case 'group-commit':
			form = (
				<FieldsForm
					title={`Commit offset for group ${modal.group}`}
					width={formWidth}
					active={inputActive}
					fields={[
						{name: 'topic', label: 'topic', initial: modal.topic} satisfies FieldSpec,
						{name: 'offset', label: 'offset', initial: String(modal.offset)},
					]}
					onCancel={close}
					onSubmit={async (values) => {
						const text = (values['offset'] ?? '').trim();
						if (!/^\d+$/.test(text)) return `'${text}' is not an offset (a whole number)`;
						const target = (values['topic'] ?? '').trim();
						const failed = await act('commit', async () => {
							await engine.commitOffset(modal.group, target, Number(text));
							return `committed ${modal.group} on ${target} at ${text}`;
						});
						if (failed) return failed;
						close();
					}}
				/>
			);
			break;
		case 'group-delete':
			form = (
				<ChoiceForm
					title={`Delete consumer group ${modal.group}?`}
					width={formWidth}
					active={inputActive}
					choices={[
						{label: 'no, keep it', value: 'no'},
						{label: `yes, delete ${modal.group}`, value: 'yes'},
					]}
					onCancel={close}
					onChoose={(choice) => {
						close();
						if (choice === 'yes') {
							void act('delete group', async () => {
								await engine.deleteGroup(modal.group);
								setGroupIndex((i) => Math.max(0, i - 1));
								return `deleted group ${modal.group}`;
							});
						}
					}}
				/>
			);
			break;
		default:
			break;
	}

	const footerKeys: readonly KeyHelp[] =
		isForm(modal)
			? FORM_KEYS
			: modal.kind === 'detail'
				? DETAIL_KEYS
				: modal.kind === 'inspect'
					? INSPECTOR_KEYS
					: modal.kind === 'help'
						? [{keys: 'Esc/?', does: 'close help'}]
						: [...(props.extraFooterKeys ?? []), ...PANE_KEYS[focus], ...FOOTER_GLOBAL_KEYS];

	const lit = (id: PaneId) => highlight?.includes(id) ?? false;
	const renderPane = (id: PaneId, width: number, height: number): ReactNode => {
		const common = {width, height, focused: focus === id, highlighted: lit(id)};
		switch (id) {
			case 'topics':
				return <TopicsPane key={id} {...common} topics={snapshot.topics} selected={topic} />;
			case 'records':
				return (
					<RecordsPane
						key={id}
						{...common}
						topic={topic}
						highWaterMark={highWaterMark}
						records={records}
						view={{...view, cursor}}
						error={pageError}
						scanned={view.filter ? page?.scanned : undefined}
						now={snapshot.now}
					/>
				);
			case 'groups':
				return <GroupsPane key={id} {...common} rows={rows} selected={Math.min(groupIndex, Math.max(0, rows.length - 1))} />;
			case 'wal':
				return <WalPane key={id} {...common} storage={snapshot.storage} topic={topicView} />;
			case 'cache':
				return <CachePane key={id} {...common} storage={snapshot.storage} topic={topicView} />;
			case 'index':
				return <IndexPane key={id} {...common} storage={snapshot.storage} topic={topicView} />;
			case 'events':
				return <EventsPane key={id} {...common} events={snapshot.events} total={snapshot.eventsTotal} dropped={snapshot.eventsDropped} scroll={eventsScroll} />;
			case 'server':
				return <ServerPane key={id} {...common} server={snapshot.server} />;
		}
	};

	let body: ReactNode;
	if (modal.kind === 'help') body = <HelpOverlay width={layout.columns} height={layout.bodyHeight} />;
	else if (modal.kind === 'detail') {
		body = <RecordDetail width={layout.columns} height={layout.bodyHeight} topic={modal.topic} record={modal.record} pretty={view.pretty} scroll={detailScroll} />;
	} else if (modal.kind === 'inspect') {
		body = (
			<Box height={layout.bodyHeight} overflow="hidden">
				<ByteInspector inspection={modal.inspection} topic={modal.topic} width={layout.columns} maxRows={inspectorHexRows(modal.inspection, layout.bodyHeight)} />
			</Box>
		);
	} else {
		body = (
			<Box flexDirection="row" height={layout.bodyHeight}>
				{layout.body.map((column, c) => (
					<Box key={c} flexDirection="column" width={column.width}>
						{column.rows.map((row, r) => (
							<Box key={r} flexDirection="row" height={row.height}>
								{row.panes.map((pane) => renderPane(pane.id, pane.width, pane.height))}
							</Box>
						))}
					</Box>
				))}
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={layout.columns} height={layout.rows - 1 + reserved}>
			<Header
				width={layout.columns}
				storage={snapshot.storage}
				serverUrl={snapshot.server?.url ?? null}
				uptimeMs={snapshot.now - snapshot.startedAt}
				appendRate={snapshot.appendRate}
				extra={headerExtra}
			/>
			{body}
			{form}
			{bottomSlot?.node}
			<Footer width={layout.columns} keys={footerKeys} message={message} />
		</Box>
	);
}
