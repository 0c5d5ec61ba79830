import type {PollOptions, PollResult, RecordWithOffset} from '../engine/types.js';
import {type RecordFilter, compileFilter, isActive} from './record-filter.js';

/**
 * The engine call the Records pane makes (FlashQ fits): `peek`, a poll counted nowhere, so the
 * pane's reads never show as cache hits/misses, index lookups or polls in the panes beside it.
 */
export interface RecordReader {
	peek(topic: string, options?: PollOptions): Promise<PollResult>;
}

/** A filtered page never examines more than this many records: the UI stays responsive on big topics. */
export const FILTER_SCAN_LIMIT = 5000;
const SCAN_CHUNK = 500;

export interface PageRequest {
	topic: string;
	start: number;
	follow: boolean;
	filter: RecordFilter | null;
	size: number;
	highWaterMark: number;
}

export interface Page {
	topic: string;
	records: RecordWithOffset[];
	/** The first offset actually shown (the follow tail's start). */
	start: number;
	scanned: number;
}

/** Loads one page of the Records pane: a plain range, the tail (follow), or the filtered equivalents. */
export async function loadPage(reader: RecordReader, req: PageRequest): Promise<Page> {
	const {topic, size, filter} = req;
	if (!isActive(filter)) {
		const start = req.follow ? Math.max(0, req.highWaterMark - size) : req.start;
		const result = await reader.peek(topic, {fromOffset: start, maxRecords: size});
		return {topic, records: result.records, start, scanned: result.records.length};
	}
	// Filtered: scan forward in chunks; when following, scan the newest records and keep the last matches.
	const compiled = compileFilter(filter);
	if (!compiled.ok) throw new Error(compiled.error);
	const from = req.follow ? Math.max(0, req.highWaterMark - FILTER_SCAN_LIMIT) : req.start;
	const matches: RecordWithOffset[] = [];
	let offset = from;
	let scanned = 0;
	while (scanned < FILTER_SCAN_LIMIT) {
		const result = await reader.peek(topic, {fromOffset: offset, maxRecords: SCAN_CHUNK});
		if (result.records.length === 0) break;
		for (const record of result.records) {
			if (compiled.test(record)) matches.push(record);
		}
		scanned += result.records.length;
		offset = result.nextOffset;
		if (!req.follow && matches.length >= size) break;
	}
	const records = req.follow ? matches.slice(-size) : matches.slice(0, size);
	return {topic, records, start: records[0]?.offset ?? from, scanned};
}

/** What the record detail moves to: the record, or why there is none. */
export type Neighbour = {record: RecordWithOffset} | {record: null; why: 'end' | 'limit'; scanned: number};

/** The records at offsets [start, end), read page by page (a page may stop early at its byte bound). */
async function readRange(reader: RecordReader, topic: string, start: number, end: number): Promise<RecordWithOffset[]> {
	const out: RecordWithOffset[] = [];
	for (let offset = start; offset < end; ) {
		const result = await reader.peek(topic, {fromOffset: offset, maxRecords: end - offset});
		if (result.records.length === 0) break;
		out.push(...result.records.filter((r) => r.offset < end));
		offset = result.nextOffset;
	}
	return out;
}

/**
 * The record after (direction 1) or before (-1) offset `from`, the next one the filter selects when
 * one is active; a filtered search gives up after FILTER_SCAN_LIMIT records, like a filtered page.
 */
export async function neighbourRecord(reader: RecordReader, topic: string, from: number, direction: 1 | -1, filter: RecordFilter | null): Promise<Neighbour> {
	const compiled = compileFilter(filter);
	if (!compiled.ok) throw new Error(compiled.error);
	const chunk = isActive(filter) ? SCAN_CHUNK : 1;
	let scanned = 0;
	if (direction > 0) {
		for (let offset = from + 1; scanned < FILTER_SCAN_LIMIT; ) {
			const result = await reader.peek(topic, {fromOffset: offset, maxRecords: chunk});
			if (result.records.length === 0) return {record: null, why: 'end', scanned};
			const found = result.records.find(compiled.test);
			if (found) return {record: found};
			scanned += result.records.length;
			offset = result.nextOffset;
		}
		return {record: null, why: 'limit', scanned};
	}
	for (let end = from; scanned < FILTER_SCAN_LIMIT; ) {
		if (end <= 0) return {record: null, why: 'end', scanned};
		const start = Math.max(0, end - chunk);
		const records = await readRange(reader, topic, start, end);
		const found = records.findLast(compiled.test);
		if (found) return {record: found};
		scanned += end - start;
		end = start;
	}
	return {record: null, why: 'limit', scanned};
}

/**
 * The first offset whose timestamp is at or after `time` (ms), by binary search over single-record
 * polls: timestamps grow with offsets (one clock, appends in order). Returns the high water mark
 * when every record is older.
 */
export async function offsetForTime(reader: RecordReader, topic: string, time: number, highWaterMark: number): Promise<number> {
	let low = 0;
	let high = highWaterMark;
	while (low < high) {
		const mid = Math.floor((low + high) / 2);
		const result = await reader.peek(topic, {fromOffset: mid, maxRecords: 1});
		const record = result.records[0];
		if (!record) {
			high = mid;
			continue;
		}
		if (Date.parse(record.timestamp) < time) low = mid + 1;
		else high = mid;
	}
	return low;
}

/**
 * Parses the seek form's time: an ISO date-time, a time of day today (`14:03`, `14:03:07`), or a
 * relative time (`-30s`, `-5m`, `-2h`). Returns ms since the epoch or null.
 */
export function parseSeekTime(text: string, now = Date.now()): number | null {
	const t = text.trim();
	const relative = /^-(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(t);
	if (relative) {
		const unit = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}[relative[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
		return now - Number(relative[1]) * unit;
	}
	const clock = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(t);
	if (clock) {
		const date = new Date(now);
		// Local time, as the panes show it (format.ts).
		date.setHours(Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0), Number((clock[4] ?? '0').padEnd(3, '0')));
		return date.getTime();
	}
	if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
		const ms = Date.parse(t);
		return Number.isNaN(ms) ? null : ms;
	}
	return null;
}
