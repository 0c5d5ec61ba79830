import type {KeyPress} from './input/parse-keys.js';
import type {PaneId} from './layout.js';

/** One line of help: the keys as shown and what they do. */
export interface KeyHelp {
	keys: string;
	does: string;
}

/**
 * A key the app names in its tables: one printable character ('k', 'G', '?', ' '), or a named key
 * ('up', 'return', 'escape', 'tab', 'shift+tab', 'pageup', 'home', 'ctrl+c'...).
 */
export type KeySpec = string;

/**
 * One row of a key table: how help shows it, and the commands its keys run. The handlers look keys
 * up in the same rows the footer and the help overlay print, so the two cannot drift apart.
 */
export interface Binding<C extends string> extends KeyHelp {
	on: Partial<Record<C, readonly KeySpec[]>>;
	/** The footer's shorter form, when it shows this row among the global keys. */
	short?: KeyHelp;
	/** Handled but not listed (a second way to close, say). */
	hidden?: boolean;
}

/** Whether a key press is the key `spec` names. */
export function matches(spec: KeySpec, key: KeyPress): boolean {
	if ([...spec].length === 1) return key.name === 'char' && key.text === spec && !key.ctrl && !key.meta;
	if (spec.startsWith('ctrl+')) return key.name === 'char' && key.ctrl && key.text === spec.slice(5);
	if (spec === 'shift+tab') return key.name === 'tab' && key.shift;
	if (spec === 'tab') return key.name === 'tab' && !key.shift;
	return key.name === spec && !key.ctrl && !key.meta;
}

/** The command a key runs in `table`, or null. */
export function commandFor<C extends string>(table: readonly Binding<C>[], key: KeyPress): C | null {
	for (const row of table) {
		for (const [command, specs] of Object.entries(row.on) as [C, readonly KeySpec[]][]) {
			if (specs.some((spec) => matches(spec, key))) return command;
		}
	}
	return null;
}

/** The rows help shows. */
export const helpOf = <C extends string>(table: readonly Binding<C>[]): KeyHelp[] =>
	table.filter((row) => !row.hidden).map(({keys, does}) => ({keys, does}));

const DIGITS = (to: number): string[] => Array.from({length: to}, (_, i) => String(i + 1));

export const SYSTEM_BINDINGS: readonly Binding<'quit'>[] = [{keys: 'Ctrl+C', does: 'quit', on: {quit: ['ctrl+c']}}];

export type GlobalCommand = 'nextPane' | 'previousPane' | 'jump' | 'logMap' | 'produce' | 'tour' | 'help' | 'quit';

/** Keys that work in every pane. */
export const GLOBAL_BINDINGS: readonly Binding<GlobalCommand>[] = [
	{keys: 'Tab/S-Tab', does: 'next/previous pane', short: {keys: 'Tab', does: 'pane'}, on: {nextPane: ['tab'], previousPane: ['shift+tab']}},
	// The Server pane (8) is there only with --serve (8 without it says so): help does not promise eight panes.
	// The Log Map (9) is a band above the panes while m shows it (or the tour watches it); its row says so.
	{keys: '1-7 (8)', does: 'pane (8 = Server)', on: {jump: DIGITS(9)}},
	{keys: 'm', does: 'log map on/off (9)', on: {logMap: ['m']}},
	{keys: 'p', does: 'produce a record', short: {keys: 'p', does: 'produce'}, on: {produce: ['p']}},
	{keys: 't', does: 'guided tour', on: {tour: ['t']}},
	{keys: '?', does: 'help', short: {keys: '?', does: 'help'}, on: {help: ['?']}},
	{keys: 'q', does: 'quit', short: {keys: 'q', does: 'quit'}, on: {quit: ['q']}},
];

export type PaneCommand =
	| 'up'
	| 'down'
	| 'first'
	| 'last'
	| 'open'
	| 'pageDown'
	| 'pageUp'
	| 'inspect'
	| 'seek'
	| 'follow'
	| 'filter'
	| 'pretty'
	| 'produce'
	| 'create'
	| 'delete'
	| 'commit'
	| 'rewind'
	| 'export'
	| 'reset';

const UP_DOWN = {up: ['up', 'k'], down: ['down', 'j']} as const;

/** Each pane's own keys (they come after the global ones). */
export const PANE_BINDINGS: Record<PaneId, readonly Binding<PaneCommand>[]> = {
	topics: [
		{keys: '↑↓/j k', does: 'select topic', on: UP_DOWN},
		{keys: 'g/G', does: 'first/last topic', on: {first: ['g'], last: ['G']}},
		{keys: 'Enter', does: 'browse records', on: {open: ['return']}},
		{keys: 'c', does: 'create topic', on: {create: ['c']}},
		{keys: 'd', does: 'delete topic', on: {delete: ['d']}},
	],
	records: [
		{keys: '↑↓/j k', does: 'move', on: UP_DOWN},
		{keys: 'PgUp/PgDn ←→', does: 'page', on: {pageUp: ['pageup', 'left'], pageDown: ['pagedown', 'right']}},
		{keys: 'g/G', does: 'start/end', on: {first: ['g', 'home'], last: ['G', 'end']}},
		{keys: 'Enter', does: 'record detail', on: {open: ['return']}},
		{keys: 'x', does: 'byte inspector', on: {inspect: ['x']}},
		{keys: 's', does: 'seek', on: {seek: ['s']}},
		{keys: 'f', does: 'follow', on: {follow: ['f']}},
		{keys: '/', does: 'filter', on: {filter: ['/']}},
		{keys: 'e', does: 'export to .jsonl', on: {export: ['e']}},
		{keys: 'v', does: 'JSON pretty/raw', on: {pretty: ['v']}},
		// p is a global key; this row says what it does here.
		{keys: 'p', does: 'produce (pre-filled from record)', on: {}},
	],
	groups: [
		{keys: '↑↓/j k', does: 'select', on: UP_DOWN},
		{keys: 'c', does: 'create group', on: {create: ['c']}},
		{keys: 'd', does: 'delete group', on: {delete: ['d']}},
		{keys: 'o', does: 'commit offset', on: {commit: ['o']}},
		{keys: 'r', does: 'rewind to 0', on: {rewind: ['r']}},
		{keys: 's', does: 'reset offset', on: {reset: ['s']}},
	],
	wal: [],
	cache: [],
	index: [],
	events: [
		{keys: '↑↓/j k', does: 'scroll', on: UP_DOWN},
		{keys: 'g/G', does: 'oldest/newest', on: {first: ['g'], last: ['G']}},
	],
	server: [],
	logmap: [],
};

export type FormCommand = 'submit' | 'previous' | 'next' | 'cancel';

export const FORM_BINDINGS: readonly Binding<FormCommand>[] = [
	{keys: 'Enter', does: 'next field / submit', on: {submit: ['return']}},
	{keys: '↑↓', does: 'previous/next field', on: {previous: ['up'], next: ['down']}},
	{keys: 'Esc', does: 'cancel', on: {cancel: ['escape']}},
];

/** A choice list (seek, delete confirmation); its title shows these. */
export const CHOICE_BINDINGS: readonly Binding<'up' | 'down' | 'choose' | 'pick' | 'cancel'>[] = [
	{keys: '↑↓/j k', does: 'choose', on: UP_DOWN},
	{keys: 'Enter', does: 'select', on: {choose: ['return']}},
	{keys: '1-9', does: 'select that line', on: {pick: DIGITS(9)}},
	{keys: 'Esc', does: 'cancel', on: {cancel: ['escape']}},
];

export type OverlayCommand = 'up' | 'down' | 'pageUp' | 'pageDown' | 'inspect' | 'pretty' | 'produce' | 'close' | 'quit' | 'next' | 'previous' | 'copy';

/** Scrolling a view that does not fit (help, detail, byte inspector). */
const SCROLL = {...UP_DOWN, pageUp: ['pageup'], pageDown: ['pagedown']} as const;

export const DETAIL_BINDINGS: readonly Binding<OverlayCommand>[] = [
	{keys: '↑↓ PgUp/PgDn', does: 'scroll', on: SCROLL},
	{keys: '←→/h l', does: 'prev/next record', on: {previous: ['left', 'h'], next: ['right', 'l']}},
	{keys: 'c', does: 'copy to .json file', on: {copy: ['c']}},
	{keys: 'x', does: 'byte inspector', on: {inspect: ['x']}},
	{keys: 'v', does: 'JSON pretty/raw', on: {pretty: ['v']}},
	{keys: 'p', does: 're-produce', on: {produce: ['p']}},
	{keys: 'Esc', does: 'close', on: {close: ['escape', 'return']}},
	{keys: 'q', does: 'quit', on: {quit: ['q']}, hidden: true},
];

export const INSPECTOR_BINDINGS: readonly Binding<OverlayCommand>[] = [
	{keys: '↑↓ PgUp/PgDn', does: 'scroll', on: SCROLL},
	{keys: 'Esc/x', does: 'close the byte inspector', on: {close: ['escape', 'x', 'return']}},
	{keys: 'q', does: 'quit', on: {quit: ['q']}},
];

export const HELP_BINDINGS: readonly Binding<OverlayCommand>[] = [
	{keys: '↑↓ PgUp/PgDn', does: 'scroll', on: SCROLL},
	{keys: 'Esc/?', does: 'close help', on: {close: ['escape', '?', 'q', 'return']}},
];

export type TourCommand = 'next' | 'back' | 'restart' | 'leave';

/** The tour's keys while it runs (they come before the panes' own). Prediction digits come from the question. */
export const TOUR_BINDINGS: readonly Binding<TourCommand>[] = [
	{keys: 'n/Space', does: 'next / run step', short: {keys: 'n', does: 'next'}, on: {next: ['n', ' ']}},
	{keys: 'b', does: 'back one step', short: {keys: 'b', does: 'back'}, on: {back: ['b']}},
	{keys: 'r', does: 'restart lesson', short: {keys: 'r', does: 'restart'}, on: {restart: ['r']}},
	{keys: '1-9', does: 'answer a prediction', on: {}},
	{keys: 'Esc', does: 'leave (your engine)', short: {keys: 'Esc', does: 'leave tour'}, on: {leave: ['escape']}},
];

const shortOf = <C extends string>(table: readonly Binding<C>[]): KeyHelp[] => table.flatMap((row) => (row.short ? [row.short] : []));

/** The footer's short list after the pane's keys (the full list is in the help overlay). */
export const FOOTER_GLOBAL_KEYS: readonly KeyHelp[] = shortOf(GLOBAL_BINDINGS);
export const GLOBAL_KEYS: readonly KeyHelp[] = helpOf(GLOBAL_BINDINGS);
export const PANE_KEYS: Record<PaneId, readonly KeyHelp[]> = {
	topics: helpOf(PANE_BINDINGS.topics),
	records: helpOf(PANE_BINDINGS.records),
	groups: helpOf(PANE_BINDINGS.groups),
	wal: helpOf(PANE_BINDINGS.wal),
	cache: helpOf(PANE_BINDINGS.cache),
	index: helpOf(PANE_BINDINGS.index),
	events: helpOf(PANE_BINDINGS.events),
	server: helpOf(PANE_BINDINGS.server),
	logmap: helpOf(PANE_BINDINGS.logmap),
};
export const FORM_KEYS: readonly KeyHelp[] = helpOf(FORM_BINDINGS);
/** A choice menu's footer (seek, delete confirmation): it has lines to pick, not fields. */
export const CHOICE_KEYS: readonly KeyHelp[] = helpOf(CHOICE_BINDINGS);
export const DETAIL_KEYS: readonly KeyHelp[] = helpOf(DETAIL_BINDINGS);
export const INSPECTOR_KEYS: readonly KeyHelp[] = helpOf(INSPECTOR_BINDINGS);
export const HELP_OVERLAY_KEYS: readonly KeyHelp[] = helpOf(HELP_BINDINGS);
export const TOUR_KEYS: readonly KeyHelp[] = helpOf(TOUR_BINDINGS);
/** The tour's keys in the footer (short). */
export const TOUR_FOOTER_KEYS: readonly KeyHelp[] = shortOf(TOUR_BINDINGS);

/** What the filter form (/) takes. */
export const FILTER_HELP: readonly KeyHelp[] = [
	{keys: 'text', does: 'contains, any case'},
	{keys: '/re/flags', does: 'regular expression'},
	{keys: 'header', does: 'name[=value|=/re/]'},
	{keys: 'empty', does: 'clears the filter'},
];

/** What the seek form (s) offers. */
export const SEEK_HELP: readonly KeyHelp[] = [
	{keys: 'beginning', does: 'offset 0'},
	{keys: 'end', does: 'the last page'},
	{keys: 'offset', does: 'a given offset'},
	{keys: 'time', does: 'first record at/after (local HH:MM[:SS], ISO, -5m)'},
];

/** What the group offset reset (s in Consumer Groups) offers; it shows old -> new before committing. */
export const RESET_HELP: readonly KeyHelp[] = [
	{keys: 'earliest', does: 'offset 0'},
	{keys: 'latest', does: 'the high water mark'},
	{keys: 'offset', does: 'a given offset (may rewind)'},
	{keys: 'time', does: 'first record at/after (local date time, ISO)'},
];

export const HELP_SECTIONS: readonly {title: string; keys: readonly KeyHelp[]}[] = [
	{title: 'Everywhere', keys: [...GLOBAL_KEYS, ...helpOf(SYSTEM_BINDINGS)]},
	{title: 'Topics', keys: PANE_KEYS.topics},
	{title: 'Records', keys: PANE_KEYS.records},
	{title: 'Record detail', keys: DETAIL_KEYS},
	{title: 'Consumer Groups', keys: PANE_KEYS.groups},
	{title: 'Events', keys: PANE_KEYS.events},
	{title: 'Forms', keys: FORM_KEYS},
	{title: 'Seek (s)', keys: SEEK_HELP},
	{title: 'Filter (/)', keys: FILTER_HELP},
	{title: 'Reset offset (s in Groups)', keys: RESET_HELP},
	{title: 'Tour (t)', keys: TOUR_KEYS},
];
