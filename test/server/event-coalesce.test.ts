import {describe, expect, it} from 'vitest';
import type {FlashQEvent} from '../../source/core/events.js';
import {FlashQ} from '../../source/engine/flashq.js';
import {COALESCE_ABOVE, coalesceEngineEvents, coalesceRequestEvents} from '../../source/server/event-coalesce.js';
import type {RequestEvent} from '../../source/server/types.js';
import {EventLog} from '../../source/ui/store/event-log.js';

const append = (i: number, topic = 't'): FlashQEvent => ({type: 'append', at: 1000 + i, topic, baseOffset: i, count: 1, bytes: 10});

describe('folding large /events batches', () => {
	it('leaves a batch of up to COALESCE_ABOVE events as it is', () => {
		const events = Array.from({length: COALESCE_ABOVE}, (_, i) => append(i));
		expect(coalesceEngineEvents(events)).toEqual(events);
	});

	it('folds consecutive equal steps of a large batch into one event with sums and `merged`; different steps stay apart', () => {
		const events: FlashQEvent[] = [
			...Array.from({length: 100}, (_, i) => append(i)),
			{type: 'fsync', at: 2000, topic: 't', file: 'wal', latencyMs: 1, records: 50},
			{type: 'fsync', at: 2001, topic: 't', file: 'wal', latencyMs: 3, records: 50},
			{type: 'fsync', at: 2002, topic: 't', file: 'log', latencyMs: 5, records: 0},
			...Array.from({length: 10}, (_, i) => append(100 + i, 'other')),
		];
		const before = JSON.stringify(events);
		const folded = coalesceEngineEvents(events);
		expect(folded).toEqual([
			{type: 'append', at: 1099, topic: 't', baseOffset: 0, count: 100, bytes: 1000, merged: 100},
			{type: 'fsync', at: 2001, topic: 't', file: 'wal', latencyMs: 4, records: 100, merged: 2},
			{type: 'fsync', at: 2002, topic: 't', file: 'log', latencyMs: 5, records: 0},
			{type: 'append', at: 1109, topic: 'other', baseOffset: 100, count: 10, bytes: 100, merged: 10},
		]);
		// The hub's objects are shared with other listeners: never changed.
		expect(JSON.stringify(events)).toBe(before);
	});

	it('the Events pane reads a folded batch as the events it stands for', () => {
		const events = Array.from({length: 100}, (_, i) => append(i));
		const plain = new EventLog();
		for (const e of events) plain.add(e);
		const folded = new EventLog();
		for (const e of coalesceEngineEvents(events)) folded.add(e);
		expect(folded.snapshot().map((l) => l.text)).toEqual(plain.snapshot().map((l) => l.text));
		expect(folded.total).toBe(plain.total);
	});

	it('folds equal requests (method, path, status), summing latency', () => {
		const requests: RequestEvent[] = Array.from({length: 80}, (_, i) => ({type: 'request', at: i, method: 'POST', path: '/topics/t/records', status: i < 70 ? 200 : 400, latencyMs: 2}));
		expect(coalesceRequestEvents(requests)).toEqual([
			{type: 'request', at: 69, method: 'POST', path: '/topics/t/records', status: 200, latencyMs: 140, merged: 70},
			{type: 'request', at: 79, method: 'POST', path: '/topics/t/records', status: 400, latencyMs: 20, merged: 10},
		]);
	});

	it('a burst of posts to a real engine folds to a few events that still add up to every record', async () => {
		const queue = await FlashQ.open({storage: 'memory'});
		const batches: FlashQEvent[][] = [];
		queue.subscribe((events) => batches.push([...events]));
		await Promise.all(Array.from({length: 500}, (_, i) => queue.post('t', [{value: `v${i}`}])));
		queue.events.flush();
		const sent = batches.map(coalesceEngineEvents).flat();
		const appends = sent.filter((e) => e.type === 'append');
		expect(appends.reduce((n, e) => n + (e.type === 'append' ? e.count : 0), 0)).toBe(500);
		expect(appends.reduce((n, e) => n + (e.merged ?? 1), 0)).toBe(500);
		expect(sent.length).toBeLessThan(50);
		await queue.close();
	});
});
