import {render} from 'ink-testing-library';
import React from 'react';
import stripAnsi from 'strip-ansi';
import {describe, expect, it} from 'vitest';
import type {StorageInfo, TopicStorageStats} from '../../source/core/stats.js';
import {CachePane} from '../../source/ui/panes/cache-pane.js';
import {EventsPane} from '../../source/ui/panes/events-pane.js';
import {GroupsPane, groupRows} from '../../source/ui/panes/groups-pane.js';
import {IndexPane} from '../../source/ui/panes/index-pane.js';
import {RecordsPane} from '../../source/ui/panes/records-pane.js';
import {ServerPane} from '../../source/ui/panes/server-pane.js';
import {TopicsPane} from '../../source/ui/panes/topics-pane.js';
import {WalPane} from '../../source/ui/panes/wal-pane.js';
import type {TopicView} from '../../source/ui/store/snapshot.js';

const frameOf = (node: React.ReactElement): string => {
	const {lastFrame, unmount} = render(node);
	const out = stripAnsi(lastFrame() ?? '');
	unmount();
	return out;
};

const memoryInfo: StorageInfo = {kind: 'memory', dataDir: null, sync: null, commitThreshold: null, cacheSize: null, locked: false, notices: []};
const fileInfo: StorageInfo = {kind: 'file', dataDir: '/tmp/q', sync: 'always', commitThreshold: 64, cacheSize: 1000, locked: true, notices: []};

const fileStorage: TopicStorageStats = {
	logBytes: 40_960,
	wal: {pendingRecords: 12, pendingBytes: 1536, walBytes: 2048, commits: 7, lastCommitTime: 1},
	fsync: {count: 42, lastLatencyMs: 0.21, totalLatencyMs: 10.5},
	cache: {capacity: 1000, maxBytes: 1_048_576, entries: 250, bytes: 32_000, hits: 300, misses: 100, evictions: 5},
	index: {entries: 17, interval: 64, lookups: 9, lastLookup: {offset: 130, entryOffset: 128, position: 8192, scanned: 2}},
};

const topicView = (over: Partial<TopicView> = {}): TopicView => ({
	name: 'orders',
	records: 1234,
	appended: 1234,
	highWaterMark: 1234,
	bytes: 99_000,
	appends: 20,
	appendRate: 512,
	fsyncRate: 3,
	hitRate: 0.75,
	hitRateHistory: [0, 0.5, 1, 0.75],
	lookups: [],
	storage: fileStorage,
	...over,
});

describe('Topics pane', () => {
	it('lists name, record count, high water mark and rate, marking the selection', () => {
		const f = frameOf(<TopicsPane width={60} height={8} topics={[topicView(), topicView({name: 'audit', records: 3, highWaterMark: 3, appendRate: 0})]} selected="audit" />);
		expect(f).toContain('Topics');
		expect(f).toMatch(/orders\s+1234\s+1234\s+512\/s/);
		expect(f).toMatch(/› audit\s+3\s+3/);
	});
	it('explains how to start when empty', () => {
		expect(frameOf(<TopicsPane width={60} height={8} topics={[]} selected={null} />)).toContain('no topics yet');
	});
});

describe('WAL pane', () => {
	it('says plainly that memory storage has no WAL', () => {
		expect(frameOf(<WalPane width={50} height={8} storage={memoryInfo} topic={topicView({storage: {logBytes: 10}})} />)).toContain('memory storage: no WAL');
	});
	it('shows sync mode, threshold, pending, commits, fsyncs and sizes for file storage', () => {
		const f = frameOf(<WalPane width={60} height={10} storage={fileInfo} topic={topicView()} />);
		expect(f).toContain('WAL');
		expect(f).toContain('sync always');
		expect(f).toContain('commit threshold 64');
		expect(f).toContain('pending 12 rec / 1.5 KiB');
		expect(f).toContain('commits 7');
		expect(f).toContain('fsyncs 42');
		expect(f).toContain('last fsync 210 µs');
		expect(f).toMatch(/WAL 2\.0 KiB\s+log 40\.0 KiB/);
	});
	it('shows a failed topic in plain words', () => {
		const f = frameOf(<WalPane width={60} height={10} storage={fileInfo} topic={topicView({storage: {...fileStorage, failed: true, failure: 'EIO: disk gone'}})} />);
		expect(f).toContain('FAILED: EIO: disk gone');
	});
});

describe('Cache pane', () => {
	it('says plainly that memory storage has no cache', () => {
		expect(frameOf(<CachePane width={50} height={8} storage={memoryInfo} topic={topicView({storage: {logBytes: 1}})} />)).toContain('memory storage: no cache');
	});
	it('shows capacity, entries, hits, misses, hit rate, evictions and a sparkline', () => {
		const f = frameOf(<CachePane width={60} height={10} storage={fileInfo} topic={topicView()} />);
		expect(f).toContain('Cache');
		expect(f).toContain('capacity 1000 rec / 1.0 MiB');
		expect(f).toContain('entries 250');
		expect(f).toContain('hits 300  misses 100');
		expect(f).toContain('hit rate 75.0%  evictions 5');
		expect(f).toMatch(/hit rate\/s\s+▁▅█▆/);
	});
});

describe('Offset Index pane', () => {
	it('says plainly that memory storage has no index', () => {
		expect(frameOf(<IndexPane width={50} height={8} storage={memoryInfo} topic={null} />)).toContain('memory storage: no offset index');
	});
	it('shows entries, interval and the latest lookups, newest first', () => {
		const lookups = [
			{at: 1, offset: 5, entryOffset: 0, position: 0, scanned: 5},
			{at: 2, offset: 70, entryOffset: 64, position: 4096, scanned: 6},
		];
		const f = frameOf(<IndexPane width={70} height={10} storage={fileInfo} topic={topicView({lookups})} />);
		expect(f).toContain('Offset Index');
		expect(f).toContain('entries 17  lookups 9  (1 per 64 B)');
		const first = f.indexOf('70 -> entry 64 @ byte 4096, scanned 6');
		const second = f.indexOf('5 -> entry 0 @ byte 0, scanned 5');
		expect(first).toBeGreaterThan(0);
		expect(second).toBeGreaterThan(first);
	});
	it('falls back to the last lookup from stats when no events were seen', () => {
		const f = frameOf(<IndexPane width={70} height={10} storage={fileInfo} topic={topicView()} />);
		expect(f).toContain('130 -> entry 128 @ byte 8192, scanned 2');
	});
});

describe('Records pane', () => {
	const records = [
		{offset: 7, timestamp: '2020-01-01T10:00:00.000Z', key: 'k7', value: '{"a": 1}', headers: {h: 'x'}},
		{offset: 8, timestamp: '2020-01-01T10:00:01.000Z', key: null, value: 'plain text', headers: null},
	];
	const view = {start: 7, follow: false, filter: null, pretty: true, cursor: 1};
	it('shows offset, time, key, value (compact JSON) and headers, with the range', () => {
		const f = frameOf(<RecordsPane width={98} height={10} topic="orders" highWaterMark={20} records={records} view={view} />);
		expect(f).toContain('Records orders  7..8 of 20');
		expect(f).toMatch(/7 2020-01-01 10:00:00\.000|7 10:00:00\.000/);
		expect(f).toContain('{"a":1}');
		expect(f).toContain('h=x');
		expect(f).toMatch(/› +8 .*∅ +plain text/);
	});
	it('shows raw values, follow and filter modes in the title', () => {
		const f = frameOf(<RecordsPane width={98} height={10} topic="orders" highWaterMark={20} records={records} view={{...view, pretty: false, follow: true, filter: {field: 'any', text: 'k7'}}} scanned={20} />);
		expect(f).toContain('{"a": 1}');
		expect(f).toContain('FOLLOW');
		expect(f).toContain('filter "k7" (20 scanned)');
		expect(f).toContain('raw');
	});
	it('shows the filtered field, and a regular expression as written', () => {
		const on = (filter: {field: 'key' | 'header' | 'value'; text: string}) => frameOf(<RecordsPane width={98} height={10} topic="orders" highWaterMark={20} records={records} view={{...view, filter}} />);
		expect(on({field: 'key', text: 'k7'})).toContain('filter key "k7"');
		expect(on({field: 'header', text: 'h=x'})).toContain('filter header "h=x"');
		expect(on({field: 'value', text: '/^pl/i'})).toContain('filter value /^pl/i');
	});
	it('shows read errors as text', () => {
		expect(frameOf(<RecordsPane width={98} height={10} topic="orders" highWaterMark={0} records={[]} view={view} error="Storage error: EIO" />)).toContain('Storage error: EIO');
	});
});

describe('Consumer Groups pane', () => {
	it('shows committed offset, high water mark and lag per topic, and groups without commits', () => {
		const rows = groupRows([
			{groupId: 'billing', offsets: [{topic: 'orders', committedOffset: 3, highWaterMark: 10, lag: 7}]},
			{groupId: 'empty', offsets: []},
		]);
		const f = frameOf(<GroupsPane width={70} height={8} rows={rows} selected={0} />);
		expect(f).toContain('Consumer Groups');
		expect(f).toMatch(/› billing\/orders\s+3\s+10\s+7/);
		expect(f).toMatch(/empty\s+\(no commits\)/);
	});
});

describe('Events pane', () => {
	it('shows the newest lines that fit, with totals and drops', () => {
		const events = Array.from({length: 30}, (_, i) => ({id: i, at: 0, type: 'append' as const, topic: 't', count: 1, level: 'step' as const, text: `line ${i}`}));
		const f = frameOf(<EventsPane width={60} height={8} events={events} total={300} dropped={12} scroll={0} />);
		expect(f).toContain('300 events, 12 dropped');
		expect(f).toContain('line 29');
		expect(f).not.toContain('line 20 ');
		const scrolled = frameOf(<EventsPane width={60} height={8} events={events} total={300} dropped={0} scroll={10} />);
		expect(scrolled).toContain('line 19');
		expect(scrolled).not.toContain('line 29');
	});
});

describe('Server pane', () => {
	it('shows address, request rate and the last requests', () => {
		const server = {
			url: 'http://127.0.0.1:8080',
			stats: {requests: 120, errors: 2, inFlight: 1},
			requestRate: 40,
			requestHistory: [10, 20, 40],
			requests: [
				{type: 'request' as const, at: 0, method: 'POST', path: '/topics/orders/records', status: 200, latencyMs: 1.5},
				{type: 'request' as const, at: 0, method: 'GET', path: '/nope', status: 404, latencyMs: 0.3},
			],
		};
		const f = frameOf(<ServerPane width={80} height={10} server={server} />);
		expect(f).toContain('Server http://127.0.0.1:8080');
		expect(f).toContain('40/s  total 120  errors 2  in flight 1');
		expect(f).toMatch(/GET\s+\/nope\s+404/);
		expect(f).toMatch(/POST\s+\/topics\/orders\/records\s+200\s+1\.50 ms/);
		expect(f.indexOf('/nope')).toBeLessThan(f.indexOf('/topics/orders'));
	});
	it('says how to start a server when there is none', () => {
		expect(frameOf(<ServerPane width={60} height={6} server={null} />)).toContain('--serve');
	});
});
