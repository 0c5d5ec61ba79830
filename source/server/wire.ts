/**
 * The shape checks the reference's framework did before any handler ran (§2.4: 422 on a body
 * that is valid JSON but not the request schema, 400 on a query value that does not parse).
 * Only types are checked here; sizes, ranges and names are the engine's rules.
 */
import {clip} from '../engine/errors.js';
import {LIMITS} from '../engine/limits.js';
import type {RecordInput} from '../engine/types.js';
import {invalidParameter, schemaError} from './http-error.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{"records":[{value, key?, headers?}, ...]}`; every record is checked, as serde deserialised all of them. */
export function produceBody(body: unknown): RecordInput[] {
	if (!isObject(body)) throw schemaError('request body must be an object with a records array', 'body');
	const {records} = body;
	if (!Array.isArray(records)) throw schemaError('records must be an array', 'records');
	for (let index = 0; index < records.length; index++) {
		const record: unknown = records[index];
		if (!isObject(record)) throw schemaError(`records[${index}] must be an object`, `records[${index}]`);
		const {key, value, headers} = record;
		if (key !== undefined && key !== null && typeof key !== 'string') {
			throw schemaError(`records[${index}].key must be a string or null`, `records[${index}].key`);
		}
		if (typeof value !== 'string') throw schemaError(`records[${index}].value must be a string`, `records[${index}].value`);
		if (headers !== undefined && headers !== null) {
			if (!isObject(headers)) throw schemaError(`records[${index}].headers must be an object or null`, `records[${index}].headers`);
			for (const name in headers) {
				if (typeof headers[name] !== 'string') {
					// The name is quoted only in part: it may be megabytes long.
					const field = `records[${index}].headers.${clip(name)}`;
					throw schemaError(`${field} must be a string`, field);
				}
			}
		}
	}
	return records as RecordInput[];
}

/** `{"offset": <u64>}`; other fields (such as `metadata`) are ignored. */
export function commitBody(body: unknown): number {
	if (!isObject(body)) throw schemaError('request body must be an object with an offset', 'body');
	const {offset} = body;
	if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
		throw schemaError('offset must be a non-negative integer', 'offset');
	}
	return offset;
}

export interface ReadQuery {
	maxRecords?: number;
	maxBytes?: number;
	fromOffset?: number;
	includeHeaders?: boolean;
	/** `peek=true`: read without being counted (FlashQ.peek), as a view that shows the queue does. */
	peek?: boolean;
}

const U64 = /^\d+$/;

/** `must` completes "<parameter> must ..." when the value does not parse (the range, for bounded parameters). */
function u64(parameter: string, raw: string, must = 'be a non-negative integer'): number {
	const n = Number(raw);
	// Beyond 2^53 a number is not exact; no real offset or limit is that large.
	if (!U64.test(raw) || !Number.isSafeInteger(n)) throw invalidParameter(parameter, `${parameter} must ${must}`, clip(raw));
	return n;
}

/** The read endpoints' query: unknown parameters are ignored; ranges are checked by the engine. */
export function readQuery(search: URLSearchParams): ReadQuery {
	const query: ReadQuery = {};
	const maxRecords = search.get('max_records');
	if (maxRecords !== null) {
		query.maxRecords = u64('max_records', maxRecords, `be an integer from ${LIMITS.minMaxRecords} to ${LIMITS.maxMaxRecords}`);
	}
	const maxBytes = search.get('max_bytes');
	if (maxBytes !== null) query.maxBytes = u64('max_bytes', maxBytes, `be an integer from ${LIMITS.minMaxBytes} to ${LIMITS.maxMaxBytes}`);
	const fromOffset = search.get('from_offset');
	if (fromOffset !== null) query.fromOffset = u64('from_offset', fromOffset);
	const includeHeaders = search.get('include_headers');
	if (includeHeaders !== null) {
		if (includeHeaders !== 'true' && includeHeaders !== 'false') {
			throw invalidParameter('include_headers', 'include_headers must be true or false', clip(includeHeaders));
		}
		query.includeHeaders = includeHeaders === 'true';
	}
	const peek = search.get('peek');
	if (peek !== null) {
		if (peek !== 'true' && peek !== 'false') throw invalidParameter('peek', 'peek must be true or false', clip(peek));
		query.peek = peek === 'true';
	}
	return query;
}

/** A record offset in a path (`/records/{offset}/frame`). */
export function offsetParam(raw: string): number {
	return u64('offset', raw);
}

/** RFC 3339 / ISO 8601 date-time: a date, `T`, hh:mm, optional seconds and fraction, optional zone. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * `time` of GET /topics/{topic}/offsets: ms since the epoch (digits) or an ISO 8601 date-time, read
 * as UTC when it names no offset (the server's own zone would make the answer depend on where it runs).
 */
export function timeParam(search: URLSearchParams): number {
	const raw = search.get('time');
	if (raw === null) throw invalidParameter('time', 'time is required: milliseconds since the epoch or an ISO 8601 date-time');
	if (U64.test(raw)) return u64('time', raw, 'be milliseconds since the epoch or an ISO 8601 date-time');
	const match = DATE_TIME.exec(raw);
	const ms = match ? Date.parse(match[7] ? raw : `${raw}Z`) : Number.NaN;
	// Date.parse rolls 2026-02-31 over to March: the fields must come back as given.
	const exact = match !== null && !Number.isNaN(ms) && (() => {
		const date = new Date(ms + (match[7] ? zoneMs(match[7]) : 0));
		return date.getUTCFullYear() === Number(match[1]) && date.getUTCMonth() + 1 === Number(match[2]) && date.getUTCDate() === Number(match[3]);
	})();
	if (!exact) throw invalidParameter('time', 'time must be milliseconds since the epoch or an ISO 8601 date-time (2026-01-31T12:00:00Z)', clip(raw));
	return ms;
}

/** The offset a zone designator adds to UTC, in ms (`Z`: 0; `+02:00`: 2 h). */
function zoneMs(zone: string): number {
	if (zone.toUpperCase() === 'Z') return 0;
	const digits = zone.slice(1).replace(':', '');
	const ms = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
	return zone[0] === '-' ? -ms : ms;
}
