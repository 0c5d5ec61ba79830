import {Box, Text, useApp, useStdin} from 'ink';
import React, {type ReactNode, useCallback, useMemo, useRef, useState} from 'react';
import type {RecordWithOffset} from '../engine/types.js';
import {paneAction, overlayAction, type AppAction, StrayKeys} from './app-actions.js';
import {Footer} from './components/footer.js';
import {Header} from './components/header.js';
import {errorMessage, formatHeaders} from './format.js';
import {KeypressProvider, useKeyLayer} from './input/keypress.js';
import type {KeyPress} from './input/parse-keys.js';
import type {FrameInspection} from './inspector/frame-inspection.js';
import {inspectRecord} from './inspector/inspect-record.js';
import {CHOICE_KEYS, commandFor, DETAIL_KEYS, FOOTER_GLOBAL_KEYS, FORM_KEYS, HELP_OVERLAY_KEYS, INSPECTOR_KEYS, type KeyHelp, PANE_KEYS, type PaneCommand, SYSTEM_BINDINGS} from './keys.js';
import {type Layout, MIN_COLUMNS, MIN_ROWS, type PaneId, computeLayout} from './layout.js';
import {resetTarget} from './forms/group-reset-forms.js';
import {topicAfterDeletion, topicDeletion} from './forms/topic-forms.js';
import {isChoice, isForm, isView, type Modal, ModalHost, modalRows} from './modal-host.js';
import {OverlayView, overlayMaxScroll} from './overlay-view.js';
import {PaneGrid} from './pane-grid.js';
import {groupRows} from './panes/groups-pane.js';
import {recordRows} from './panes/records-pane.js';
import type {Page} from './records-source.js';
import {useSnapshot} from './store/use-snapshot.js';
import type {TuiStore} from './store/tui-store.js';
import type {Act, LiveQueue} from './tui-engine.js';
import {useConnection} from './use-connection.js';
import {useRecordsTools} from './use-records-tools.js';
import {useRecordsView} from './use-records-view.js';
import {type TerminalSize, useTerminalSize} from './use-terminal-size.js';

export type {TuiEngine} from './tui-engine.js';

export interface AppProps {
	store: TuiStore;
	/** The queue on screen: in this process or (--connect) in another; only the header shows which. */
	engine: LiveQueue;
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
	initialFocus?: PaneId;
	/** Keys shown first in the footer (e.g. the tour's). */
	extraFooterKeys?: readonly KeyHelp[];
	/** Selects this topic whenever the value changes (the tour's step names the topic its text is about). */
	focusTopic?: string | null;
	/** What `t` does (start the guided tour); without it, t says the tour is not available. */
	onTour?: () => void;
	/** Why `t` does nothing here (a connected app: the tour needs local engines). */
	noTour?: string;
	/** Shown for the server in the header instead of its address or 'off' (the tour explains whose queue it serves). */
	serverLabel?: string;
	/** Where the Records pane's export (e) and the detail's copy (c) write files; the working directory by default. */
	exportDir?: string;
}

function footerKeys(modal: Modal, focus: PaneId, extra: readonly KeyHelp[] | undefined): readonly KeyHelp[] {
	if (isForm(modal)) return isChoice(modal) ? CHOICE_KEYS : FORM_KEYS;
	switch (modal.kind) {
		case 'detail':
			return DETAIL_KEYS;
		case 'inspect':
			return INSPECTOR_KEYS;
		case 'help':
			return HELP_OVERLAY_KEYS;
		default:
			return [...(extra ?? []), ...PANE_KEYS[focus], ...FOOTER_GLOBAL_KEYS];
	}
}

/** The whole screen: header, panes laid out for the terminal size, forms/overlays, footer. */
export function App(props: AppProps) {
	return (
		<KeypressProvider>
			<AppScreen {...props} />
		</KeypressProvider>
	);
}

function AppScreen(props: AppProps) {
	const {store, engine, onQuit, highlight, headerExtra, bottomSlot} = props;
	const snapshot = useSnapshot(store);
	const connection = useConnection(engine);
	const {exit} = useApp();
	const {isRawModeSupported} = useStdin();
	const inputActive = isRawModeSupported === true;
	const size = useTerminalSize(props.size);
	const [focus, setFocus] = useState<PaneId>(props.initialFocus ?? 'topics');
	const [selectedTopic, setSelectedTopic] = useState<string | null>(props.initialPage?.topic ?? null);
	const [groupIndex, setGroupIndex] = useState(0);
	const [eventsScroll, setEventsScroll] = useState(0);
	const [viewScroll, setViewScroll] = useState(0);
	const [modal, setModal] = useState<Modal>({kind: 'none'});
	const [message, setMessage] = useState<{text: string; level: 'info' | 'error'} | null>(null);
	const quitting = useRef(false);
	const [focusedTopic, setFocusedTopic] = useState<string | null>(null);
	const stray = useRef(new StrayKeys()).current;
	// m: the Log Map band above the panes (the tour shows it when a step watches it).
	const [logMap, setLogMap] = useState(false);

	// Keep a topic selected: the first one as soon as any exists.
	const topicNames = snapshot.topics.map((t) => t.name);
	const topic = selectedTopic !== null && topicNames.includes(selectedTopic) ? selectedTopic : (topicNames[0] ?? null);
	const topicView = snapshot.topics.find((t) => t.name === topic) ?? null;
	const highWaterMark = topicView?.highWaterMark ?? 0;

	const formRows = modalRows(modal);
	const slotRows = bottomSlot?.rows ?? 0;
	const hasServer = snapshot.server !== null;
	// The watched (highlighted) panes get the rows they need; the bottom slot gets what is left.
	const layout: Layout = useMemo(
		() => computeLayout(size.columns, size.rows, hasServer, {favour: highlight, formRows, bottomRows: slotRows, logMap}),
		[size.columns, size.rows, hasServer, highlight, formRows, slotRows, logMap],
	);
	const recordsBox = layout.body.flatMap((c) => c.rows.flatMap((r) => r.panes)).find((p) => p.id === 'records');
	const pageSize = recordRows(recordsBox?.height ?? 10);
	const records = useRecordsView({engine, topic, highWaterMark, pageSize, initialPage: props.initialPage});
	// A new focusTopic selects it, set while rendering (React's "adjust state when a prop changes"): no frame on the old topic.
	if ((props.focusTopic ?? null) !== focusedTopic) {
		setFocusedTopic(props.focusTopic ?? null);
		if (props.focusTopic && props.focusTopic !== selectedTopic) {
			setSelectedTopic(props.focusTopic);
			records.reset();
		}
	}
	// The topic on screen was deleted (here or by another client): its neighbour, from its start.
	const topicsKey = topicNames.join('\n');
	const [listed, setListed] = useState({key: topicsKey, names: topicNames, topic});
	if (listed.key !== topicsKey) {
		setListed({key: topicsKey, names: topicNames, topic});
		const next = topicAfterDeletion(listed.names, topicNames, listed.topic);
		if (next !== undefined) {
			setSelectedTopic(next);
			records.reset();
		}
	} else if (listed.topic !== topic) setListed({...listed, topic});

	const rows = useMemo(() => groupRows(snapshot.groups, snapshot.lagTrends), [snapshot.groups, snapshot.lagTrends]);
	const groupSelected = Math.min(groupIndex, Math.max(0, rows.length - 1));
	const groupRow = rows[groupSelected] ?? null;

	const say = useCallback(
		(text: string, level: 'info' | 'error' = 'info') => {
			setMessage({text, level});
			store.note(text, level === 'error' ? 'error' : 'info');
		},
		[store],
	);
	const tools = useRecordsTools({reader: engine, dir: props.exportDir ?? process.cwd(), say, show: (text) => setMessage(text === null ? null : {text, level: 'info'})});

	// Engine actions: errors become messages, never exceptions in the render tree.
	const act = useCallback<Act>(
		async (what, action) => {
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

	const quit = () => {
		if (quitting.current) return;
		quitting.current = true;
		onQuit?.();
		exit();
	};

	const selectTopic = (name: string) => {
		setSelectedTopic(name);
		records.reset();
	};

	const openProduce = (from: RecordWithOffset | null) => {
		setModal({
			kind: 'produce',
			initial: from
				? {topic: topic ?? '', key: from.key ?? '', value: from.value, headers: formatHeaders(from.headers)}
				: {topic: topic ?? '', key: '', value: '', headers: ''},
		});
	};

	// The byte inspector asks the engine where the frame is; a failure is a message.
	const inspect = (name: string, record: RecordWithOffset) => {
		// The answer may come after the user moved on to a form: it then opens nothing.
		const open = (inspection: FrameInspection) => {
			setViewScroll(0);
			setModal((m) => (m.kind === 'none' || m.kind === 'detail' ? {kind: 'inspect', topic: name, inspection} : m));
		};
		inspectRecord(engine, name, record).then(open, (error: unknown) => say(`byte inspector failed: ${errorMessage(error)}`, 'error'));
	};

	const runPaneCommand = (pane: PaneId, command: PaneCommand): void => {
		const step = command === 'up' ? -1 : command === 'down' ? 1 : 0;
		if (pane === 'topics') {
			const i = topic ? topicNames.indexOf(topic) : -1;
			const to = step !== 0 ? i + step : command === 'first' ? 0 : command === 'last' ? topicNames.length - 1 : -1;
			if (command === 'open') setFocus('records');
			else if (command === 'create') setModal({kind: 'topic-create'});
			else if (command === 'delete' && topic) setModal({kind: 'topic-delete', deletion: topicDeletion(topic, highWaterMark, snapshot.groups)});
			else if (to >= 0 && to < topicNames.length) selectTopic(topicNames[to]!);
		} else if (pane === 'records') {
			if (!topic) return;
			if (step !== 0) records.move(step);
			else if (command === 'pageDown' || command === 'pageUp') records.page(command === 'pageDown' ? 1 : -1);
			else if (command === 'first') records.seek(0);
			else if (command === 'last') records.seekEnd();
			else if (command === 'follow') setMessage({text: records.toggleFollow(), level: 'info'});
			else if (command === 'seek') setModal({kind: 'seek'});
			else if (command === 'filter') setModal({kind: 'filter'});
			else if (command === 'pretty') records.togglePretty();
			else if (command === 'export') {
				if (highWaterMark === 0) setMessage({text: `${topic} is empty: nothing to export`, level: 'error'});
				else setModal({kind: 'export'});
			} else if (command === 'inspect' && records.selected) inspect(topic, records.selected);
			else if (command === 'open' && records.selected) {
				setViewScroll(0);
				setModal({kind: 'detail', record: records.selected, topic});
			}
		} else if (pane === 'groups') {
			if (step !== 0) setGroupIndex(Math.max(0, Math.min(rows.length - 1, groupSelected + step)));
			else if (command === 'create') setModal({kind: 'group-create'});
			else if (command === 'delete' && groupRow) setModal({kind: 'group-delete', group: groupRow.group});
			else if (command === 'reset' && groupRow) {
				const target = resetTarget(groupRow, topic, snapshot.topics);
				if (target) setModal({kind: 'group-reset', target});
				else setMessage({text: 'no topic to reset for: produce a record first', level: 'error'});
			}
			else if ((command === 'commit' || command === 'rewind') && groupRow) {
				const target = groupRow.topic ?? topic;
				if (!target) {
					setMessage({text: 'no topic to commit for: produce a record first', level: 'error'});
					return;
				}
				const hwm = snapshot.topics.find((t) => t.name === target)?.highWaterMark ?? 0;
				const highWaterMarks = Object.fromEntries(snapshot.topics.map((t) => [t.name, t.highWaterMark]));
				if (command === 'commit') setModal({kind: 'group-commit', group: groupRow.group, topic: target, offset: hwm, highWaterMarks});
				else
					void act('rewind', async () => {
						await engine.commitOffset(groupRow.group, target, 0);
						return `rewound ${groupRow.group} on ${target} to 0`;
					});
			}
		} else if (pane === 'events') {
			const newest = Math.max(0, snapshot.events.length - 1);
			// The list shows the newest first: up scrolls back in time.
			if (step !== 0) setEventsScroll((s) => Math.max(0, Math.min(s - step, newest)));
			else if (command === 'first') setEventsScroll(newest);
			else if (command === 'last') setEventsScroll(0);
		}
	};

	const run = (action: AppAction): void => {
		switch (action.type) {
			case 'quit':
				return quit();
			case 'help':
				setViewScroll(0);
				return setModal({kind: 'help'});
			case 'focus':
				return setFocus(action.pane);
			case 'produce':
				return openProduce(focus === 'records' ? records.selected : null);
			case 'pane':
				return runPaneCommand(action.pane, action.command);
			case 'tour':
				return props.onTour ? props.onTour() : setMessage({text: props.noTour ?? 't: the guided tour is not available here', level: 'error'});
			case 'logMap':
				if (logMap && focus === 'logmap') setFocus('topics');
				return setLogMap((shown) => !shown);
			case 'notHere':
				return setMessage({text: action.text, level: 'error'});
			case 'none':
				return;
		}
	};

	// Ctrl+C quits from anywhere, forms included.
	useKeyLayer('system', (key: KeyPress) => {
		if (commandFor(SYSTEM_BINDINGS, key) !== 'quit') return false;
		quit();
		return true;
	});
	// An open view takes every key; an open form takes them on its own layer, above this one.
	useKeyLayer(
		'overlay',
		(key: KeyPress) => {
			if (!isView(modal)) return true;
			const command = overlayAction(modal.kind, key);
			const page = Math.max(1, layout.bodyHeight - 4);
			const by = command === 'up' ? -1 : command === 'down' ? 1 : command === 'pageUp' ? -page : command === 'pageDown' ? page : 0;
			if (command === 'close') setModal({kind: 'none'});
			else if (command === 'quit') quit();
			else if (by !== 0) {
				const most = overlayMaxScroll(modal, layout.columns, layout.bodyHeight, records.view.pretty);
				setViewScroll((s) => Math.max(0, Math.min(most, s + by)));
			} else if (modal.kind === 'detail') {
				if (command === 'inspect') inspect(modal.topic, modal.record);
				else if (command === 'pretty') records.togglePretty();
				else if (command === 'produce') openProduce(modal.record);
				else if (command === 'copy') tools.copy(modal.topic, modal.record);
				else if (command === 'next' || command === 'previous') {
					const {topic: shown, record} = modal;
					tools.step(shown, record.offset, command === 'next' ? 1 : -1, records.view.filter, (next) => {
						// A step that resolves after the view moved on (closed, or another step) changes nothing.
						setModal((m) => (m.kind === 'detail' && m.topic === shown && m.record.offset === record.offset ? {...m, record: next} : m));
						setViewScroll(0);
						records.reveal(next.offset);
					});
				}
			}
			return true;
		},
		modal.kind !== 'none',
	);
	useKeyLayer('pane', (key: KeyPress) => {
		if (key.ctrl) return true;
		const swallowed = stray.swallow(key, Date.now());
		const action = swallowed === null ? paneAction({focus, panes: layout.panes}, key) : ({type: 'notHere', text: swallowed} as const);
		if (swallowed === null) stray.saw(key, action, Date.now());
		setMessage(null);
		// Too small to show what a key does: only quitting works.
		if (!layout.tooSmall || action.type === 'quit') run(action);
		return true;
	});

	const body = isView(modal) ? (
		<OverlayView modal={modal} width={layout.columns} height={layout.bodyHeight} pretty={records.view.pretty} scroll={viewScroll} />
	) : (
		<PaneGrid
			layout={layout}
			snapshot={snapshot}
			focus={focus}
			highlight={highlight}
			topic={topic}
			topicView={topicView}
			records={records}
			groupRows={rows}
			groupIndex={groupSelected}
			eventsScroll={eventsScroll}
		/>
	);

	if (layout.tooSmall) return <TooSmall columns={size.columns} rows={size.rows} />;

	return (
		<Box flexDirection="column" width={layout.columns} height={layout.rows - 1}>
			<Header
				width={layout.columns}
				storage={snapshot.storage}
				serverUrl={props.serverLabel ?? snapshot.server?.url ?? null}
				uptimeMs={snapshot.now - snapshot.startedAt}
				appendRate={snapshot.appendRate}
				connection={connection}
				extra={headerExtra}
			/>
			{body}
			<ModalHost
				modal={modal}
				open={setModal}
				width={layout.columns - 1}
				active={inputActive}
				engine={engine}
				act={act}
				topic={topic}
				highWaterMark={highWaterMark}
				records={records}
				tools={tools}
				selectTopic={selectTopic}
				say={(text) => setMessage({text, level: 'info'})}
				onGroupDeleted={() => setGroupIndex((i) => Math.max(0, i - 1))}
			/>
			{bottomSlot ? (
				<Box height={layout.bottomRows} overflow="hidden" flexShrink={0}>
					{bottomSlot.node}
				</Box>
			) : null}
			<Footer width={layout.columns} keys={footerKeys(modal, focus, props.extraFooterKeys)} message={message} />
		</Box>
	);
}

/** Below the smallest supported size: what is wrong and what is needed (q still quits). */
function TooSmall({columns, rows}: {columns: number; rows: number}) {
	return (
		<Box flexDirection="column" width={Math.max(1, columns)} height={Math.max(1, rows - 1)} overflow="hidden">
			<Text color="yellow" bold wrap="wrap">
				terminal too small ({columns}x{rows}, need {MIN_COLUMNS}x{MIN_ROWS})
			</Text>
			<Text wrap="wrap">Enlarge the window or make the font smaller; q quits.</Text>
		</Box>
	);
}
