/**
 * NATS storage in the TUI (issue 14): the WAL, Cache and Index boxes show the topic's stream, its
 * replicas and the offset <-> sequence mapping, at the sizes each pane gets on an 80x24 and a
 * 160x45 terminal (as a watched pane), every figure whole and nothing drawn past the box.
 */
import React from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import type {FlashQEvent} from '../../source/core/events.js';
import type {StorageInfo, TopicStorageStats} from '../../source/core/stats.js';
import {Header} from '../../source/ui/components/header.js';
import {formatClock} from '../../source/ui/format.js';
import {computeLayout, paneBox, type PaneId} from '../../source/ui/layout.js';
import {CachePane} from '../../source/ui/panes/cache-pane.js';
import {IndexPane} from '../../source/ui/panes/index-pane.js';
import {WalPane} from '../../source/ui/panes/wal-pane.js';
import {EventLog} from '../../source/ui/store/event-log.js';
import type {TopicView} from '../../source/ui/store/snapshot.js';
import {fitProblems, renderSized, type SizedScreen} from './sized-render.js';

const natsInfo: StorageInfo = {
	kind: 'nats',
	dataDir: null,
	sync: null,
	commitThreshold: null,
	cacheSize: null,
	locked: true,
	notices: [],
	nats: {servers: ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4223', 'nats://127.0.0.1:4224'], prefix: 'shop', replicas: 3, connectedTo: 'nats://127.0.0.1:4223'},
};

const INFO_AT = Date.UTC(2026, 0, 2, 10, 20, 30, 456);

const natsStorage: TopicStorageStats = {
	logBytes: 99_000,
	jetstream: {
		stream: 'shop_orders',
		subject: 'shop.t.orders',
		replicas: 3,
		leader: 'n1',
		followers: [
			{name: 'n2', current: true, lag: 0, activeMs: 12},
			{name: 'n3', current: false, lag: 57, activeMs: 1200},
		],
		firstSeq: 1,
		lastSeq: 1234,
		bytes: 99_000,
		resends: 5,
		duplicates: 2,
		inFlight: 3,
		lastRead: {method: 'consumer', fromOffset: 100, records: 1000, ms: 34},
		infoAt: INFO_AT,
	},
};

const topicView = (storage: TopicStorageStats = natsStorage): TopicView => ({
	name: 'orders',
	records: 1234,
	appended: 1234,
	highWaterMark: 1234,
	bytes: 99_000,
	appends: 20,
	appendRate: 512,
	fsyncRate: 0,
	hitRate: null,
	hitRateHistory: [],
	lookups: [],
	storage,
});

const screens: SizedScreen[] = [];
afterEach(() => {
	for (const s of screens.splice(0)) s.unmount();
});

/** The box a pane gets on a terminal when it is the watched one (the tour's case; unwatched ones may be a title row). */
function boxAt(columns: number, rows: number, id: PaneId): {width: number; height: number} {
	const box = paneBox(computeLayout(columns, rows, false, {favour: [id]}), id);
	if (!box) throw new Error(`no ${id} box at ${columns}x${rows}`);
	return box;
}

const PANES = {
	wal: (w: number, h: number, topic: TopicView | null, storage = natsInfo) => <WalPane width={w} height={h} storage={storage} topic={topic} />,
	cache: (w: number, h: number, topic: TopicView | null, storage = natsInfo) => <CachePane width={w} height={h} storage={storage} topic={topic} />,
	index: (w: number, h: number, topic: TopicView | null, storage = natsInfo) => <IndexPane width={w} height={h} storage={storage} topic={topic} />,
} as const;

/** Every figure of the snapshot, by the pane that must show it. */
const FIGURES: Record<keyof typeof PANES, (string | RegExp)[]> = {
	wal: ['4 Stream', 'ack: in memory on 2 of 3', 'fsync to disk every 2 min', 'stream shop_orders R3', /seq 1\.\.1234 +96\.7 KiB/, /in flight 3 +resends 5/, 'duplicates 2'],
	cache: ['5 Replicas', 'leader n1', 'n2 current lag 0 12ms ago', 'n3 behind lag 57 1.2s ago', '2 of 3 current, need 2', `info at ${formatClock(INFO_AT)}`],
	index: ['6 Offset <-> Seq', 'offset = seq - 1', 'offsets 0..1233', 'seq 1..1234', 'read: consumer', '1000 rec from 100', 'in 34.00 ms'],
};

async function paneFrame(id: keyof typeof PANES, columns: number, rows: number, topic: TopicView | null = topicView(), storage = natsInfo): Promise<string> {
	const {width, height} = boxAt(columns, rows, id);
	const screen = await renderSized(PANES[id](width, height, topic, storage), width, height);
	screens.push(screen);
	const frame = screen.frame();
	// Nothing past the box: no line wider than the pane, no more lines than its height, borders whole.
	expect(fitProblems(frame, width, height), frame).toEqual([]);
	const lines = frame.split('\n');
	expect(lines).toHaveLength(height);
	expect(lines[0]).toMatch(/^╭─+╮$/);
	expect(lines.at(-1)).toMatch(/^╰─+╯$/);
	for (const line of lines.slice(1, -1)) expect([...line]).toHaveLength(width);
	return frame;
}

describe.each([
	[80, 24],
	[160, 45],
] as const)('NATS storage panes at %ix%i', (columns, rows) => {
	it.each(['wal', 'cache', 'index'] as const)('the %s box shows every figure of the stream whole', async (id) => {
		const frame = await paneFrame(id, columns, rows);
		for (const figure of FIGURES[id]) expect(frame, frame).toMatch(typeof figure === 'string' ? new RegExp(figure.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : figure);
	});

	it('an election in progress: no leader, writes wait, the current count below the majority in words', async () => {
		const js = natsStorage.jetstream!;
		const topic = topicView({
			...natsStorage,
			jetstream: {...js, leader: null, followers: [{name: 'n2', current: true, lag: 0, activeMs: 4000}, {name: 'n3', current: false, lag: 900, activeMs: 9000}]},
		});
		const frame = await paneFrame('cache', columns, rows, topic);
		expect(frame).toContain('leader: none (election)');
		expect(frame).toContain('writes wait for a leader');
		expect(frame).toContain('1 of 3 current, need 2');
	});

	it('R1: ack on the one node, no followers, a get read and an empty-stream mapping', async () => {
		const js = natsStorage.jetstream!;
		const r1: TopicStorageStats = {logBytes: 0, jetstream: {...js, replicas: 1, followers: [], firstSeq: 0, lastSeq: 0, bytes: 0, resends: 0, duplicates: 0, inFlight: 0, lastRead: {method: 'get', fromOffset: 0, records: 2, ms: 0.5}}};
		const info: StorageInfo = {...natsInfo, nats: {...natsInfo.nats!, replicas: 1}};
		expect(await paneFrame('wal', columns, rows, topicView(r1), info)).toContain('ack: in memory on 1 of 1');
		expect(await paneFrame('cache', columns, rows, topicView(r1), info)).toContain('R1: no followers');
		const index = await paneFrame('index', columns, rows, topicView(r1), info);
		expect(index).toContain('no records yet');
		expect(index).toContain('read: get');
		expect(index).toContain('2 rec from 0');
	});

	it('the header names the storage, prefix, replicas and the server it is connected to', async () => {
		const screen = await renderSized(<Header width={columns} storage={natsInfo} serverUrl={null} uptimeMs={1000} appendRate={0} />, columns, 1);
		screens.push(screen);
		expect(screen.frame()).toMatch(/^FlashQ storage nats shop R3 connected nats:\/\/127\.0\.0\.1:4223 /);
		expect(fitProblems(screen.frame(), columns, 1)).toEqual([]);
	});
});

it('file storage keeps its pane titles and header; only NATS renames the storage boxes', async () => {
	const fileInfo: StorageInfo = {kind: 'file', dataDir: '/tmp/q', sync: 'always', commitThreshold: 64, cacheSize: 1000, locked: true, notices: []};
	const wal = await renderSized(<WalPane width={45} height={10} storage={fileInfo} topic={null} />, 45, 10);
	const header = await renderSized(<Header width={120} storage={fileInfo} serverUrl={null} uptimeMs={0} appendRate={0} />, 120, 1);
	screens.push(wal, header);
	expect(wal.frame()).toContain('4 WAL');
	expect(header.frame()).toMatch(/storage file dir \/tmp\/q lock held sync always/);
	const header2 = await renderSized(<Header width={120} storage={{...natsInfo, nats: {...natsInfo.nats!, connectedTo: null}}} serverUrl={null} uptimeMs={0} appendRate={0} />, 120, 1);
	screens.push(header2);
	expect(header2.frame()).toMatch(/storage nats shop R3 not connected/);
});

describe('Events pane narration of NATS storage', () => {
	const ack = (at: number, baseOffset: number, count: number, resent = 0, duplicates = 0): FlashQEvent => ({type: 'nats.ack', at, topic: 'orders', baseOffset, count, latencyMs: 2, resent, duplicates});

	it('folds a burst of acks into one line with the offset range and records, and keeps an ack after a resend on its own warning line', () => {
		const log = new EventLog(50);
		log.add(ack(1000, 10, 10));
		// Concurrent publishes: the acks need not come in offset order.
		log.add(ack(1001, 0, 10));
		log.add(ack(1002, 20, 5, 5, 2));
		const lines = log.snapshot();
		expect(lines.map((l) => l.text)).toEqual([
			'nats.ack x2 orders: offsets 0..19 (20 rec) stored by the stream in 2.00 ms avg',
			'nats.ack orders: offsets 20..24 (5 rec) stored by the stream in 2.00 ms, after 5 resent in offset order (2 already stored: duplicates)',
		]);
		expect(lines.map((l) => l.level)).toEqual(['step', 'warn']);
	});

	it('tells a leader loss, the election result and connection changes in words', () => {
		const log = new EventLog(50);
		log.add({type: 'nats.leader', at: 1, topic: 'orders', leader: 'n1', previous: null});
		log.add({type: 'nats.leader', at: 2, topic: 'orders', leader: null, previous: 'n1'});
		log.add({type: 'nats.leader', at: 3, topic: 'orders', leader: 'n2', previous: 'n1'});
		log.add({type: 'nats.connection', at: 4, state: 'disconnected', server: 'nats://127.0.0.1:4222'});
		log.add({type: 'nats.connection', at: 5, state: 'reconnected', server: 'nats://127.0.0.1:4223'});
		const lines = log.snapshot();
		expect(lines.map((l) => [l.level, l.text])).toEqual([
			['info', 'nats.leader orders: n1 leads the stream'],
			['warn', 'nats.leader orders: n1 lost, election running; writes wait'],
			['info', 'nats.leader orders: n2 elected (was n1); writes resume'],
			['warn', 'nats disconnected from nats://127.0.0.1:4222; the client tries the other servers'],
			['info', 'nats reconnected to nats://127.0.0.1:4223'],
		]);
	});
});
