import {afterEach, describe, expect, it} from 'vitest';
import type {BatchListener} from '../../source/core/event-hub.js';
import type {FlashQEvent} from '../../source/core/events.js';
import type {FlashQStats} from '../../source/core/stats.js';
import type {GroupInfo} from '../../source/engine/types.js';
import {waitFor} from '../helpers/wait-for.js';
import {computeLayout, PANE_IDS} from '../../source/ui/layout.js';
import {EventLog} from '../../source/ui/store/event-log.js';
import {Ring} from '../../source/ui/store/ring.js';
import {type EngineSource, TuiStore} from '../../source/ui/store/tui-store.js';

/** An engine double: stats we set by hand, events we push by hand. */
class FakeEngine implements EngineSource {
	listener: BatchListener<FlashQEvent> | null = null;
	records = 0;
	hits = 0;
	misses = 0;
	notices: FlashQStats['storage']['notices'] = [];
	stats(): FlashQStats {
		return {
			startedAt: 0,
			storage: {kind: 'file', dataDir: '/d', sync: 'always', commitThreshold: 10, cacheSize: 100, locked: true, notices: this.notices},
			totals: {records: this.records, bytes: 0, appends: 0, polls: 0, recordsRead: 0, topics: 1, groups: 0},
			topics: [
				{
					name: 't',
					highWaterMark: this.records,
					records: this.records,
					bytes: 0,
					appends: 0,
					polls: 0,
					recordsRead: 0,
					storage: {logBytes: 0, cache: {capacity: 100, maxBytes: 1000, entries: 0, bytes: 0, hits: this.hits, misses: this.misses, evictions: 0}},
				},
			],
		};
	}
	groups(): GroupInfo[] {
		return [];
	}
	subscribe(listener: BatchListener<FlashQEvent>): () => void {
		this.listener = listener;
		return () => {
			this.listener = null;
		};
	}
}

const append = (at: number, baseOffset: number, topic = 't'): FlashQEvent => ({type: 'append', at, topic, baseOffset, count: 10, bytes: 100});

let store: TuiStore | undefined;
afterEach(() => store?.close());

describe('TuiStore', () => {
	it('computes append rates and hit-rate history from stats deltas on its own clock', () => {
		const engine = new FakeEngine();
		let now = 10_000;
		store = new TuiStore(engine, null, {now: () => now, heartbeatMs: 0});
		store.publishNow();
		now += 1000;
		engine.records = 500;
		engine.hits = 3;
		engine.misses = 1;
		const snap = store.publishNow();
		expect(snap.appendRate).toBeCloseTo(500);
		expect(snap.topics[0]!.appendRate).toBeCloseTo(500);
		expect(snap.topics[0]!.hitRate).toBeCloseTo(0.75);
		expect(snap.topics[0]!.hitRateHistory.at(-1)).toBeCloseTo(0.75);
		expect(snap.appendHistory.at(-1)).toBeCloseTo(500);
	});

	it('keeps the event log bounded and counts dropped events', () => {
		const engine = new FakeEngine();
		store = new TuiStore(engine, null, {eventCapacity: 5, heartbeatMs: 0}).start();
		const events: FlashQEvent[] = [];
		// Different types so nothing coalesces.
		for (let i = 0; i < 12; i++) events.push({type: 'group.create', at: i * 5000, group: `g${i}`});
		events.push({type: 'poll', at: 60_000, topic: 't', fromOffset: 8, count: 3});
		engine.listener!(events, 4);
		const snap = store.publishNow();
		expect(snap.events).toHaveLength(5);
		expect(snap.events.at(-1)!.text).toBe('poll t: from 8, 3 rec');
		expect(snap.eventsTotal).toBe(13);
		expect(snap.eventsDropped).toBe(4);
	});

	it('shows in Events what storage did at open (before anyone listened) and a lock lost later', () => {
		const engine = new FakeEngine();
		engine.notices = [
			{at: 1, kind: 'recovery', level: 'warning', topic: 't', file: '/d/topics/74/log', position: 120, bytesDropped: 5, message: 'torn tail of /d/topics/74/log: dropped 5 bytes from byte 120'},
			{at: 2, kind: 'lock', level: 'info', message: 'took over the lock on /d from pid 7 on h: process 7 is gone'},
		];
		store = new TuiStore(engine, null, {heartbeatMs: 0}).start();
		engine.listener!([{type: 'lock', at: 3, state: 'compromised', dataDir: '/d'}, {type: 'storage.error', at: 3, message: 'lost the lock on data directory /d'}], 0);
		const lines = store.publishNow().events.map((e) => [e.level, e.text]);
		expect(lines).toEqual([
			['warn', 'storage: torn tail of /d/topics/74/log: dropped 5 bytes from byte 120'],
			['info', 'storage: took over the lock on /d from pid 7 on h: process 7 is gone'],
			['error', expect.stringContaining('compromised')],
			['error', 'storage.error: lost the lock on data directory /d'],
		]);
	});

	it('publishes a new snapshot object only when it publishes, and notifies subscribers', async () => {
		const engine = new FakeEngine();
		store = new TuiStore(engine, null, {minIntervalMs: 5, heartbeatMs: 0}).start();
		const first = store.getSnapshot();
		expect(store.getSnapshot()).toBe(first);
		let calls = 0;
		store.subscribe(() => calls++);
		engine.listener!([append(Date.now(), 0)], 0);
		await waitFor(() => calls >= 1, 10_000, 'a published snapshot');
		expect(store.getSnapshot()).not.toBe(first);
		expect(store.getSnapshot().events.at(-1)!.text).toContain('append t: 10 rec');
	});

	it('stretches the interval between snapshots when frames are costly and the engine is busy', async () => {
		const engine = new FakeEngine();
		store = new TuiStore(engine, null, {minIntervalMs: 50, heartbeatMs: 0, renderBudget: 0.1}).start();
		store.subscribe(() => undefined);
		expect(store.publishIntervalMs).toBe(50);
		// Drawing reported 800 ms for the last snapshot: far over a 10% budget.
		store.reportRenderTime(800);
		store.publishNow();
		await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
		// Idle engine: the stretch is capped so the screen stays lively.
		expect(store.publishIntervalMs).toBe(100);
		// Busy engine (many events since the last snapshot): the full stretch, capped at a second.
		engine.listener!(Array.from({length: 50}, (_, i) => append(2, i * 10)), 0);
		expect(store.publishIntervalMs).toBe(1000);
	});
});

describe('EventLog', () => {
	it('folds a burst of appends and WAL writes into one line per step', () => {
		const log = new EventLog(50);
		for (let i = 0; i < 30; i++) {
			log.add(append(1000 + i, i * 10));
			log.add({type: 'wal.write', at: 1000 + i, topic: 't', baseOffset: i * 10, count: 10, bytes: 100, pendingRecords: 10, pendingBytes: 100});
		}
		const lines = log.snapshot();
		expect(lines.map((l) => l.text)).toEqual([
			'append x30 t: 300 rec, 2.9 KiB, offsets 0..299',
			'wal.write x30 t: 300 rec, 2.9 KiB; pending 10 rec / 100 B',
		]);
	});

	it('starts a new line after a second, and keeps errors as their own lines', () => {
		const log = new EventLog(50);
		log.add(append(0, 0));
		log.add(append(2000, 10));
		log.add({type: 'storage.error', at: 2001, topic: 't', message: 'EIO'});
		const lines = log.snapshot();
		expect(lines).toHaveLength(3);
		expect(lines[2]).toMatchObject({level: 'error', text: 'storage.error t: EIO'});
	});
});

describe('Ring', () => {
	it('keeps the newest items in order', () => {
		const ring = new Ring<number>(3);
		for (let i = 1; i <= 5; i++) ring.push(i);
		expect(ring.toArray()).toEqual([3, 4, 5]);
		expect(ring.fromEnd(0)).toBe(5);
		expect(ring.fromEnd(2)).toBe(3);
		expect(ring.fromEnd(3)).toBeUndefined();
	});
});

describe('layout', () => {
	for (const [columns, rows] of [
		[100, 30],
		[160, 45],
		[220, 60],
	] as const) {
		for (const server of [false, true]) {
			it(`fills ${columns}x${rows}${server ? ' with the server pane' : ''} exactly, one row short of the screen`, () => {
				const layout = computeLayout(columns, rows, server);
				expect(layout.panes).toEqual(PANE_IDS.filter((id) => (server || id !== 'server') && id !== 'logmap'));
				for (const column of layout.body) {
					expect(column.rows.reduce((n, r) => n + r.height, 0)).toBe(layout.bodyHeight);
					for (const row of column.rows) expect(row.panes.reduce((n, p) => n + p.width, 0)).toBe(column.width);
				}
				expect(layout.body.reduce((n, c) => n + c.width, 0)).toBe(columns);
				expect(layout.bodyHeight + 2).toBe(rows - 1);
				expect(layout.mode).toBe(columns >= 140 && rows >= 40 ? 'wide' : 'narrow');
			});
		}
	}
});
