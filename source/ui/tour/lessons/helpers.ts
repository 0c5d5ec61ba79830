import type {FlashQ} from '../../../engine/flashq.js';
import type {TopicStats} from '../../../core/stats.js';
import type {RecordInput} from '../../../engine/types.js';
import type {IndexLookup} from '../../../core/stats.js';
import {formatBytes, formatCount} from '../../format.js';
import {span} from '../../panes/log-map.js';
import type {Claim} from '../lesson.js';

/** A topic's stats as the TUI sees them (throws if the topic does not exist: a lesson bug). */
export function topicStats(engine: FlashQ, topic: string): TopicStats {
	const stats = engine.stats().topics.find((t) => t.name === topic);
	if (!stats) throw new Error(`topic '${topic}' does not exist`);
	return stats;
}

export const hwm = (engine: FlashQ, topic: string): number => (engine.hasTopic(topic) ? topicStats(engine, topic).highWaterMark : 0);

/** Yields a macrotask, as time passing between producers would: scheduled fsyncs get to run. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Posts records one per call, letting the event loop turn between them (and, given `pace`, waiting
 * so the class sees each one land). Returns the offsets.
 */
export async function postOneByOne(engine: FlashQ, topic: string, records: readonly RecordInput[], pace?: () => Promise<void>): Promise<number[]> {
	const offsets: number[] = [];
	for (const [i, record] of records.entries()) {
		if (i > 0) await pace?.();
		const [appended] = await engine.post(topic, [record]);
		offsets.push(appended!.offset);
		await tick();
	}
	return offsets;
}

/** Waits (bounded) until `done` holds: for background fsyncs whose completion the step reports. */
export async function waitFor(done: () => boolean, timeoutMs = 5000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!done()) {
		if (Date.now() > until) throw new Error('timed out waiting for the engine');
		await new Promise((resolve) => setTimeout(resolve, 2));
	}
}

/** Milliseconds of `run`, measured with the high-resolution clock. */
export async function timed<T>(run: () => Promise<T>): Promise<{value: T; ms: number}> {
	const started = performance.now();
	const value = await run();
	return {value, ms: performance.now() - started};
}

export const fmtMs = (ms: number | undefined): string => (ms === undefined ? '?' : ms < 1 ? `${Math.round(ms * 1000)} µs` : `${ms.toFixed(2)} ms`);

/** A message with the lesson's (random) directory replaced, so facts repeat between runs. */
export const withoutDir = (message: string | null | undefined, dataDir: string | null): string | null =>
	message == null ? null : dataDir ? message.replaceAll(dataDir, '<data dir>') : message;

/** How the panes draw a figure, for a step's `cites` (the fidelity test looks for each on screen). */
export const pane = {
	/** A Topics row: name, record count, high water mark. */
	topic: (name: string, records: number, highWaterMark: number): Claim => ({pane: 'Topics', text: `${name} ${formatCount(records)} ${formatCount(highWaterMark)}`}),
	/** A Consumer Groups row: group, topic, committed offset, high water mark, lag. */
	group: (group: string, topic: string, committed: number, highWaterMark: number, lag: number): Claim => ({
		pane: 'Consumer Groups',
		text: `${group}/${topic} ${formatCount(committed)} ${formatCount(highWaterMark)} ${formatCount(lag)}`,
	}),
	/** The Records pane's title: topic and the offsets it lists (`first..last of count`). */
	records: (topic: string, first: number, last: number, count: number): Claim => ({pane: 'Records', text: `${topic} ${first}..${last} of ${count}`}),
	/** A Records row: the record at this offset is listed. */
	record: (offset: number): Claim => ({pane: 'Records', text: String(offset), start: true}),
	wal: (text: string): Claim => ({pane: 'WAL', text}),
	pending: (records: number, bytes: number): Claim => ({pane: 'WAL', text: `pending ${formatCount(records)} rec / ${formatBytes(bytes)}`}),
	cache: (text: string): Claim => ({pane: 'Cache', text}),
	index: (text: string): Claim => ({pane: 'Offset Index', text}),
	/** A Log Map line (its legend: "█ log 0..9  ▒ WAL only none", "a billing 5 lag 10"). */
	map: (text: string): Claim => ({pane: 'Log Map', text}),
	/** The Log Map's storage legend on file storage: the offsets in the log, then those only in the WAL. */
	mapLog: (committed: number, highWaterMark: number): Claim => ({pane: 'Log Map', text: `█ log ${span(0, committed)}  ▒ WAL only ${span(committed, highWaterMark)}`}),
	/** An Offset Index lookup line. */
	lookup: (l: Readonly<IndexLookup>): Claim => ({pane: 'Offset Index', text: `${l.offset} -> entry ${l.entryOffset} @ byte ${l.position}, scanned ${l.scanned}`}),
};
