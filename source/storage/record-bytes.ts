import type {RecordInput} from '../engine/types.js';

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
