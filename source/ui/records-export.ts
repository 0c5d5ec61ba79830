import {open, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import type {RecordWithOffset} from '../engine/types.js';
import {type RecordFilter, compileFilter} from './record-filter.js';
import type {RecordReader} from './records-source.js';

/** Records read per page while exporting, and the byte bound of one read: what an export holds in memory. */
export const EXPORT_PAGE_RECORDS = 1000;
export const EXPORT_PAGE_BYTES = 4 * 1024 * 1024;

/** A record as export, import and copy write it (the JSON Lines shape, in this key order). */
export function recordJson(record: RecordWithOffset): {offset: number; timestamp: string; key: string | null; value: string; headers: Record<string, string> | null} {
	return {offset: record.offset, timestamp: new Date(record.timestamp).toISOString(), key: record.key, value: record.value, headers: record.headers};
}

export const recordLine = (record: RecordWithOffset): string => `${JSON.stringify(recordJson(record))}\n`;

/** `<topic>-<from>-<to>.jsonl`, both offsets inclusive, as the Records pane's title shows a range. */
export const exportFileName = (topic: string, from: number, to: number): string => `${topic}-${from}-${to}.jsonl`;

export interface ExportProgress {
	/** The next offset to read. */
	next: number;
	/** Records read so far, and written (the filter's matches). */
	scanned: number;
	written: number;
}

export interface ExportRequest {
	topic: string;
	/** First and last offset to export, both inclusive. */
	from: number;
	to: number;
	filter: RecordFilter | null;
	/** The file to write (replaced if it exists). */
	file: string;
	pageRecords?: number;
	onProgress?(progress: ExportProgress): void;
}

/**
 * Writes the records of [from, to] (those the filter selects) to `file` as JSON Lines, one page at a
 * time: memory holds one page, however long the range. Reads are `peek`s, counted in no figure.
 * A failed export removes its partial file and rejects with the cause.
 */
export async function exportRecords(reader: RecordReader, request: ExportRequest): Promise<ExportProgress & {file: string}> {
	const compiled = compileFilter(request.filter);
	if (!compiled.ok) throw new Error(compiled.error);
	const pageRecords = request.pageRecords ?? EXPORT_PAGE_RECORDS;
	const progress: ExportProgress = {next: request.from, scanned: 0, written: 0};
	const handle = await open(request.file, 'w');
	try {
		while (progress.next <= request.to) {
			const result = await reader.peek(request.topic, {fromOffset: progress.next, maxRecords: Math.min(pageRecords, request.to - progress.next + 1), maxBytes: EXPORT_PAGE_BYTES});
			if (result.records.length === 0) break;
			const chosen = result.records.filter((r) => r.offset <= request.to && compiled.test(r));
			if (chosen.length > 0) await handle.write(chosen.map(recordLine).join(''));
			progress.scanned += result.records.length;
			progress.written += chosen.length;
			progress.next = result.nextOffset;
			request.onProgress?.({...progress});
		}
		await handle.close();
	} catch (error) {
		await handle.close().catch(() => undefined);
		await rm(request.file, {force: true}).catch(() => undefined);
		throw error;
	}
	return {...progress, file: request.file};
}

/** Writes one record as JSON to `<dir>/<topic>-<offset>.json` (one line, so it imports as JSON Lines too); returns the absolute path. */
export async function writeRecordFile(dir: string, topic: string, record: RecordWithOffset): Promise<string> {
	const file = path.resolve(dir, `${topic}-${record.offset}.json`);
	await writeFile(file, recordLine(record));
	return file;
}
