import type {FlashQStats} from '../../core/stats.js';
import {Ring} from './ring.js';

const RATE_WINDOW_MS = 1000;
/** History rings get one value a second. */
const HISTORY_STEP_MS = 1000;

interface Sample {
	at: number;
	records: Map<string, number>;
	fsyncs: Map<string, number>;
	totalRecords: number;
	requests: number;
}

interface HitCounter {
	hits: number;
	misses: number;
	history: Ring<number>;
}

export interface TopicRates {
	/** Records appended per second over the last second. */
	appendRate: number;
	fsyncRate: number;
	/** Cache hit ratio per second, newest last (0 when there were no reads in that second). */
	hitRateHistory: readonly number[];
}

export interface Rates {
	appendRate: number;
	requestRate: number;
	appendHistory: readonly number[];
	requestHistory: readonly number[];
	/** By topic name, for every topic in the stats sampled. */
	topics: ReadonlyMap<string, TopicRates>;
}

/**
 * Per-second rates from counters: each call samples the engine's (and server's) counters and
 * compares them with the newest sample at least a second old; once a second it also appends to
 * the sparkline histories (append rate, request rate, cache hit ratio per topic).
 */
export class RateSampler {
	private readonly samples = new Ring<Sample>(64);
	private readonly appendHistory: Ring<number>;
	private readonly requestHistory: Ring<number>;
	private readonly hitCounters = new Map<string, HitCounter>();
	private lastHistoryAt = 0;

	constructor(private readonly historyLength: number) {
		this.appendHistory = new Ring(historyLength);
		this.requestHistory = new Ring(historyLength);
	}

	/** `requests`: the server's request count so far (0 without a server). */
	sample(now: number, stats: FlashQStats, requests: number): Rates {
		const sample: Sample = {at: now, records: new Map(), fsyncs: new Map(), totalRecords: stats.totals.records, requests};
		for (const topic of stats.topics) {
			sample.records.set(topic.name, topic.records);
			sample.fsyncs.set(topic.name, topic.storage.fsync?.count ?? 0);
		}
		const base = this.baseSample(now) ?? sample;
		this.samples.push(sample);
		const seconds = Math.max((now - base.at) / 1000, 0.001);
		const rate = (current: number, previous: number | undefined): number =>
			base === sample ? 0 : Math.max(0, current - (previous ?? 0)) / seconds;

		const appendRate = rate(sample.totalRecords, base.totalRecords);
		const requestRate = rate(sample.requests, base.requests);
		const historyDue = now - this.lastHistoryAt >= HISTORY_STEP_MS;
		if (historyDue) {
			this.lastHistoryAt = now;
			this.appendHistory.push(appendRate);
			this.requestHistory.push(requestRate);
		}

		const topics = new Map<string, TopicRates>();
		for (const topic of stats.topics) {
			const cache = topic.storage.cache;
			let counter = this.hitCounters.get(topic.name);
			if (!counter) this.hitCounters.set(topic.name, (counter = {hits: 0, misses: 0, history: new Ring(this.historyLength)}));
			if (cache && historyDue) {
				const hits = cache.hits - counter.hits;
				const misses = cache.misses - counter.misses;
				counter.history.push(hits + misses > 0 ? hits / (hits + misses) : 0);
				counter.hits = cache.hits;
				counter.misses = cache.misses;
			}
			topics.set(topic.name, {
				appendRate: rate(topic.records, base.records.get(topic.name)),
				fsyncRate: rate(topic.storage.fsync?.count ?? 0, base.fsyncs.get(topic.name)),
				hitRateHistory: counter.history.toArray(),
			});
		}
		return {appendRate, requestRate, appendHistory: this.appendHistory.toArray(), requestHistory: this.requestHistory.toArray(), topics};
	}

	/** The newest sample at least a rate window old (or the oldest we have). */
	private baseSample(now: number): Sample | undefined {
		const samples = this.samples.toArray();
		let base: Sample | undefined;
		for (const sample of samples) {
			if (now - sample.at >= RATE_WINDOW_MS) base = sample;
			else break;
		}
		return base ?? samples[0];
	}
}
