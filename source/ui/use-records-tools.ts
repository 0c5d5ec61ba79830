import path from 'node:path';
import {useRef} from 'react';
import type {RecordWithOffset} from '../engine/types.js';
import {errorMessage} from './format.js';
import {type RecordFilter, describeFilter, isActive} from './record-filter.js';
import {exportFileName, exportRecords, writeRecordFile} from './records-export.js';
import {type RecordReader, neighbourRecord} from './records-source.js';

export interface RecordsToolsInput {
	reader: RecordReader;
	/** Where exports and copies are written. */
	dir: string;
	/** A result worth keeping (the footer, and the Events log). */
	say(text: string, level?: 'info' | 'error'): void;
	/** A passing status: an export's progress, or nothing (null). */
	show(text: string | null): void;
}

/** A file system error without the path it repeats: `no such file or directory (ENOENT)`. */
function fileError(error: unknown): string {
	const text = errorMessage(error);
	const errno = /^([A-Z]+): (.*?), \w+ '.*'$/s.exec(text);
	return errno ? `${errno[2]} (${errno[1]})` : text;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * What the Records pane and the record detail do beyond browsing: export a range to JSON Lines
 * (one at a time, progress in the footer), copy one record to a file, and find the record
 * before or after one. Each says its outcome; none throws into the render tree.
 */
export function useRecordsTools({reader, dir, say, show}: RecordsToolsInput) {
	const running = useRef<string | null>(null);
	return {
		dir,
		/** Starts exporting [from, to] (the filter's matches); an error text when it cannot start. */
		startExport(topic: string, from: number, to: number, filter: RecordFilter | null): string | void {
			if (running.current) return `an export is already running (${running.current})`;
			const file = path.resolve(dir, exportFileName(topic, from, to));
			const total = to - from + 1;
			running.current = file;
			show(`exporting ${topic} ${from}..${to} to ${file}…`);
			exportRecords(reader, {topic, from, to, filter, file, onProgress: (p) => show(`exporting ${topic}: ${p.scanned}/${total} read, ${p.written} written to ${file}…`)})
				.then(
					(done) =>
						say(
							isActive(filter)
								? `exported ${plural(done.written, 'record')} of ${done.scanned} (filter ${describeFilter(filter)}) to ${file}`
								: `exported ${plural(done.written, 'record')} to ${file}`,
						),
					(error: unknown) => say(`export to ${file} failed: ${fileError(error)}`, 'error'),
				)
				.finally(() => {
					running.current = null;
				});
		},
		/** Writes the record as JSON to `<dir>/<topic>-<offset>.json` and says where. */
		copy(topic: string, record: RecordWithOffset): void {
			writeRecordFile(dir, topic, record).then(
				(file) => say(`copied ${topic}@${record.offset} to ${file}`),
				(error: unknown) => say(`copy to ${path.resolve(dir, `${topic}-${record.offset}.json`)} failed: ${fileError(error)}`, 'error'),
			);
		},
		/** Finds the next (1) or previous (-1) record the filter selects; says so at the ends. */
		step(topic: string, from: number, direction: 1 | -1, filter: RecordFilter | null, onFound: (record: RecordWithOffset) => void): void {
			const which = isActive(filter) ? ' the filter selects' : '';
			neighbourRecord(reader, topic, from, direction, filter).then(
				(found) => {
					if (found.record) {
						show(null);
						onFound(found.record);
					} else if (found.why === 'limit') show(`no ${direction > 0 ? 'later' : 'earlier'} record${which} within ${found.scanned} records`);
					else show(direction > 0 ? `${from} is the last record${which} (no next)` : `${from} is the first record${which} (no previous)`);
				},
				(error: unknown) => say(`record ${direction > 0 ? 'next' : 'previous'} failed: ${errorMessage(error)}`, 'error'),
			);
		},
	};
}

export type RecordsTools = ReturnType<typeof useRecordsTools>;
