import type {RecordInput} from '../core/records.js';

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * A record's size as the engine's validation measures it (validateBatch): UTF-8 bytes of the key,
 * the value, and every header name and value. Reads are bounded in these bytes on every backend,
 * so `max_bytes` means the same whatever the storage (the file format's length fields and per-record
 * overhead are not counted).
 */
export function recordBytes(record: RecordInput): number {
	let bytes = utf8(record.value);
	if (record.key != null) bytes += utf8(record.key);
	const headers = record.headers;
	if (headers != null) {
		for (const name of Object.keys(headers)) bytes += utf8(name) + utf8(headers[name]!);
	}
	return bytes;
}

/**
 * A cheap upper bound of `recordBytes` without encoding anything: UTF-8 takes at most 3 bytes per
 * UTF-16 unit. Lets a read far from its byte bound skip exact counting.
 */
export function recordBytesUpperBound(record: RecordInput): number {
	let units = record.value.length;
	if (record.key != null) units += record.key.length;
	const headers = record.headers;
	if (headers != null) {
		// for-in sees every own enumerable name (and any inherited one): at least what recordBytes counts.
		for (const name in headers) units += name.length + headers[name]!.length;
	}
	return 3 * units;
}
