import {Counter, Gauge, Registry} from 'prom-client';
import type {FlashQ} from '../engine/flashq.js';
import type {FlashQStats} from '../core/stats.js';

export interface ServerMetrics {
	/** Prometheus text of everything, read from one `queue.stats()` snapshot taken now. */
	scrape(): Promise<{text: string; contentType: string}>;
	/** Counts one finished request (route template, not raw path, to bound the label set). */
	observeRequest(method: string, route: string, status: number): void;
}

/**
 * Metrics on the server's own Registry (never the global one, so two servers in one process do
 * not collide). Engine figures are not mirrored on every operation: collectors read the stats
 * snapshot at scrape time, so an unscraped server pays nothing.
 */
export function createMetrics(queue: FlashQ): ServerMetrics {
	const registry = new Registry();
	let snapshot: FlashQStats | null = null;
	const stats = (): FlashQStats => (snapshot ??= queue.stats());

	/** One metric per topic, its value picked from the stats snapshot at scrape time (undefined: not reported). */
	const perTopic = (kind: 'counter' | 'gauge', name: string, help: string, pick: (t: FlashQStats['topics'][number]) => number | undefined) => {
		const Metric = kind === 'counter' ? Counter : Gauge;
		new Metric({
			name,
			help,
			labelNames: ['topic'],
			registers: [registry],
			collect(this: Counter | Gauge) {
				this.reset();
				for (const topic of stats().topics) {
					const value = pick(topic);
					if (value === undefined) continue;
					if (this instanceof Counter) this.inc({topic: topic.name}, value);
					else this.set({topic: topic.name}, value);
				}
			},
		});
	};
	const perTopicCounter = (name: string, help: string, pick: (t: FlashQStats['topics'][number]) => number | undefined) =>
		perTopic('counter', name, help, pick);
	const perTopicGauge = (name: string, help: string, pick: (t: FlashQStats['topics'][number]) => number | undefined) =>
		perTopic('gauge', name, help, pick);

	perTopicCounter('flashq_records_appended_total', 'Records appended to the topic since start', (t) => t.records);
	perTopicCounter('flashq_bytes_appended_total', 'UTF-8 bytes of records appended since start', (t) => t.bytes);
	perTopicCounter('flashq_appends_total', 'Append calls (produce batches) since start', (t) => t.appends);
	perTopicCounter('flashq_polls_total', 'Polls and group fetches since start', (t) => t.polls);
	perTopicCounter('flashq_records_read_total', 'Records returned by polls and fetches since start', (t) => t.recordsRead);
	perTopicGauge('flashq_high_water_mark', 'Next offset to assign (records ever appended)', (t) => t.highWaterMark);
	perTopicGauge('flashq_log_bytes', 'Bytes of record data held by the topic log', (t) => t.storage.logBytes);
	perTopicGauge('flashq_wal_pending_records', 'Records in the WAL not yet committed to the main log', (t) => t.storage.wal?.pendingRecords);
	perTopicCounter('flashq_wal_commits_total', 'WAL commits into the main log', (t) => t.storage.wal?.commits);
	perTopicCounter('flashq_fsyncs_total', 'fsync calls', (t) => t.storage.fsync?.count);
	perTopicCounter('flashq_fsync_seconds_total', 'Time spent in fsync', (t) =>
		t.storage.fsync === undefined ? undefined : t.storage.fsync.totalLatencyMs / 1000,
	);
	perTopicCounter('flashq_cache_hits_total', 'Record cache hits', (t) => t.storage.cache?.hits);
	perTopicCounter('flashq_cache_misses_total', 'Record cache misses', (t) => t.storage.cache?.misses);
	perTopicGauge('flashq_topic_failed', '1 when an I/O error has put the topic into its fail-stop state', (t) =>
		t.storage.failed === undefined ? undefined : Number(t.storage.failed),
	);

	new Gauge({
		name: 'flashq_topics',
		help: 'Topics that exist',
		registers: [registry],
		collect() {
			this.set(stats().totals.topics);
		},
	});
	new Gauge({
		name: 'flashq_consumer_groups',
		help: 'Consumer groups that exist',
		registers: [registry],
		collect() {
			this.set(stats().totals.groups);
		},
	});
	new Gauge({
		name: 'flashq_uptime_seconds',
		help: 'Seconds since the engine opened',
		registers: [registry],
		collect() {
			this.set((Date.now() - stats().startedAt) / 1000);
		},
	});
	new Gauge({
		name: 'flashq_storage_locked',
		help: 'File storage: 1 while this process holds the data directory lock, 0 once lost (it then writes nothing); absent for memory storage',
		registers: [registry],
		collect() {
			this.reset();
			const storage = stats().storage;
			if (storage.kind === 'file') this.set(Number(storage.locked));
		},
	});
	new Counter({
		name: 'flashq_storage_notices_total',
		help: 'Storage notices since start: recovery actions at open (torn tail cut, WAL frames dropped, repair) and lock takeovers or losses',
		labelNames: ['kind', 'level'],
		registers: [registry],
		collect() {
			this.reset();
			for (const kind of ['recovery', 'lock'] as const) {
				for (const level of ['info', 'warning'] as const) this.inc({kind, level}, 0);
			}
			for (const notice of stats().storage.notices) this.inc({kind: notice.kind, level: notice.level});
		},
	});
	new Gauge({
		name: 'flashq_consumer_lag',
		help: 'High water mark minus committed offset, per group and topic it committed for',
		labelNames: ['group', 'topic'],
		registers: [registry],
		collect() {
			this.reset();
			for (const group of queue.groups()) {
				for (const info of group.offsets) this.set({group: group.groupId, topic: info.topic}, info.lag);
			}
		},
	});
	// Counted in plain maps on the hot path (prom-client hashes label objects on every inc) and
	// handed to the counter at scrape time. Nested by route, method, status: the keys are
	// constant strings and small numbers, so no key string is built per request.
	const requestCounts = new Map<string, Map<string, Map<number, number>>>();
	new Counter({
		name: 'flashq_http_requests_total',
		help: 'Finished HTTP requests',
		labelNames: ['method', 'route', 'status'],
		registers: [registry],
		collect() {
			this.reset();
			for (const [route, byMethod] of requestCounts) {
				for (const [method, byStatus] of byMethod) {
					for (const [status, count] of byStatus) this.inc({method, route, status: String(status)}, count);
				}
			}
		},
	});

	return {
		async scrape() {
			snapshot = null;
			try {
				return {text: await registry.metrics(), contentType: registry.contentType};
			} finally {
				snapshot = null;
			}
		},
		observeRequest(method, route, status) {
			let byMethod = requestCounts.get(route);
			if (byMethod === undefined) requestCounts.set(route, (byMethod = new Map()));
			let byStatus = byMethod.get(method);
			if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
			byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
		},
	};
}
