import type {RecordInput, StoredRecord} from '../../core/records.js';

/**
 * One record as one JetStream message. User headers never become NATS headers (`Nats-*` names are
 * interpreted by the server; spaces, `:`, non-ASCII and CR/LF are refused or trimmed), so the
 * payload carries everything: `[timestamp,key,headers]` as JSON, a newline, then the value's UTF-8.
 * JSON escapes every newline inside strings, so the first newline always ends the metadata, and
 * null vs empty survive exactly.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NEWLINE = 0x0a;

export function encodeRecord(record: RecordInput, timestamp: number): Uint8Array {
	return encoder.encode(`${JSON.stringify([timestamp, record.key ?? null, record.headers ?? null])}\n${record.value}`);
}

export function decodeRecord(offset: number, data: Uint8Array): StoredRecord {
	const cut = data.indexOf(NEWLINE);
	if (cut < 0) throw new Error(`message for offset ${offset} is not a FlashQ record (no metadata line)`);
	const [timestamp, key, headers] = JSON.parse(decoder.decode(data.subarray(0, cut))) as [number, string | null, Record<string, string> | null];
	return {offset, timestamp, key, value: decoder.decode(data.subarray(cut + 1)), headers};
}
