import type {PaneId} from './layout.js';

export interface KeyHelp {
	keys: string;
	does: string;
}

/** Keys that work in every pane. One list feeds both the footer and the `?` overlay. */
/** The footer's short list after the pane's keys (the full list is in the help overlay). */
export const FOOTER_GLOBAL_KEYS: readonly KeyHelp[] = [
	{keys: 'Tab', does: 'pane'},
	{keys: 'p', does: 'produce'},
	{keys: '?', does: 'help'},
	{keys: 'q', does: 'quit'},
];

export const GLOBAL_KEYS: readonly KeyHelp[] = [
	{keys: 'Tab/S-Tab', does: 'next/previous pane'},
	{keys: '1-8', does: 'jump to pane'},
	{keys: 'p', does: 'produce a record'},
	{keys: 't', does: 'guided tour'},
	{keys: '?', does: 'help'},
	{keys: 'q', does: 'quit'},
];

export const PANE_KEYS: Record<PaneId, readonly KeyHelp[]> = {
	topics: [
		{keys: '↑↓/j k', does: 'select topic'},
		{keys: 'g/G', does: 'first/last topic'},
		{keys: 'Enter', does: 'browse records'},
	],
	records: [
		{keys: '↑↓/j k', does: 'move'},
		{keys: 'PgUp/PgDn ←→', does: 'page'},
		{keys: 'g/G', does: 'start/end'},
		{keys: 'Enter', does: 'record detail'},
		{keys: 'x', does: 'byte inspector'},
		{keys: 's', does: 'seek'},
		{keys: 'f', does: 'follow'},
		{keys: '/', does: 'filter'},
		{keys: 'v', does: 'JSON pretty/raw'},
		{keys: 'p', does: 'produce (pre-filled from record)'},
	],
	groups: [
		{keys: '↑↓/j k', does: 'select'},
		{keys: 'c', does: 'create group'},
		{keys: 'd', does: 'delete group'},
		{keys: 'o', does: 'commit offset'},
		{keys: 'r', does: 'rewind to 0'},
	],
	wal: [],
	cache: [],
	index: [],
	events: [
		{keys: '↑↓/j k', does: 'scroll'},
		{keys: 'g/G', does: 'oldest/newest'},
	],
	server: [],
};

export const FORM_KEYS: readonly KeyHelp[] = [
	{keys: 'Enter', does: 'next field / submit'},
	{keys: '↑↓', does: 'previous/next field'},
	{keys: 'Esc', does: 'cancel'},
];

/** What the seek form (s) offers. */
export const SEEK_HELP: readonly KeyHelp[] = [
	{keys: 'beginning', does: 'offset 0'},
	{keys: 'end', does: 'the last page'},
	{keys: 'offset', does: 'a given offset'},
	{keys: 'time', does: 'first record at/after (UTC HH:MM[:SS], ISO, -5m)'},
];

export const DETAIL_KEYS: readonly KeyHelp[] = [
	{keys: '↑↓/j k', does: 'scroll'},
	{keys: 'x', does: 'byte inspector'},
	{keys: 'v', does: 'JSON pretty/raw'},
	{keys: 'p', does: 're-produce'},
	{keys: 'Esc', does: 'close'},
];

export const INSPECTOR_KEYS: readonly KeyHelp[] = [
	{keys: 'Esc/x', does: 'close the byte inspector'},
	{keys: 'q', does: 'quit'},
];

/** The tour's keys while it runs (they come before the panes' own). */
export const TOUR_KEYS: readonly KeyHelp[] = [
	{keys: 'n/Space', does: 'next / run step'},
	{keys: 'b', does: 'back one step'},
	{keys: 'r', does: 'restart lesson'},
	{keys: '1-9', does: 'answer a prediction'},
	{keys: 'Esc', does: 'leave (keep engine)'},
];

/** The tour's keys in the footer (short). */
export const TOUR_FOOTER_KEYS: readonly KeyHelp[] = [
	{keys: 'n', does: 'next'},
	{keys: 'b', does: 'back'},
	{keys: 'r', does: 'restart'},
	{keys: 'Esc', does: 'leave tour'},
];

export const HELP_SECTIONS: readonly {title: string; keys: readonly KeyHelp[]}[] = [
	{title: 'Everywhere', keys: [...GLOBAL_KEYS, {keys: 'Ctrl+C', does: 'quit'}]},
	{title: 'Topics', keys: PANE_KEYS.topics},
	{title: 'Records', keys: PANE_KEYS.records},
	{title: 'Record detail', keys: DETAIL_KEYS},
	{title: 'Consumer Groups', keys: PANE_KEYS.groups},
	{title: 'Events', keys: PANE_KEYS.events},
	{title: 'Forms', keys: FORM_KEYS},
	{title: 'Seek (s)', keys: SEEK_HELP},
	{title: 'Tour (t)', keys: TOUR_KEYS},
];
