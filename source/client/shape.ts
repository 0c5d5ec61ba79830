/**
 * Readers for the server's JSON answers. A 2xx body of the wrong shape is a failure the user
 * must see (exit 1), never a crash or a silently wrong line.
 */
export class ShapeError extends Error {
	override name = 'ShapeError';
}

export type JsonObject = Record<string, unknown>;

export function object(value: unknown, where: string): JsonObject {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ShapeError(`${where} is not an object`);
	return value as JsonObject;
}

export function integer(from: JsonObject, name: string): number {
	const value = from[name];
	if (typeof value !== 'number' || !Number.isInteger(value)) throw new ShapeError(`'${name}' is not an integer`);
	return value;
}

export function optionalInteger(from: JsonObject, name: string): number | undefined {
	return from[name] === undefined || from[name] === null ? undefined : integer(from, name);
}

export function string(from: JsonObject, name: string): string {
	const value = from[name];
	if (typeof value !== 'string') throw new ShapeError(`'${name}' is not a string`);
	return value;
}

export function optionalString(from: JsonObject, name: string): string | undefined {
	return from[name] === undefined || from[name] === null ? undefined : string(from, name);
}

export function array(from: JsonObject, name: string): unknown[] {
	const value = from[name];
	if (!Array.isArray(value)) throw new ShapeError(`'${name}' is not an array`);
	return value;
}

/** A RecordWithOffset (spec §1.2); `key`/`headers` may be null or omitted. */
export interface WireRecord {
	key: string | null;
	value: string;
	headers: Record<string, string> | null;
	offset: number;
	timestamp: string;
}

export function wireRecord(value: unknown, index: number): WireRecord {
	const from = object(value, `records[${index}]`);
	const headersValue = from.headers;
	let headers: Record<string, string> | null = null;
	if (headersValue !== undefined && headersValue !== null) {
		const map = object(headersValue, `records[${index}].headers`);
		// fromEntries defines own properties, so a header named `__proto__` is kept (assignment would drop it).
		headers = Object.fromEntries(Object.entries(map).map(([name, headerValue]) => [name, String(headerValue)]));
	}
	return {
		key: optionalString(from, 'key') ?? null,
		value: string(from, 'value'),
		headers,
		offset: integer(from, 'offset'),
		timestamp: string(from, 'timestamp'),
	};
}

export interface RecordPage {
	records: WireRecord[];
	nextOffset: number;
	highWaterMark: number;
	lag: number | undefined;
}

/** The body of a group fetch (§3.6) or a plain poll (§3.3). */
export function recordPage(value: unknown): RecordPage {
	const from = object(value, 'the response');
	return {
		records: array(from, 'records').map((record, index) => wireRecord(record, index)),
		nextOffset: integer(from, 'next_offset'),
		highWaterMark: integer(from, 'high_water_mark'),
		lag: optionalInteger(from, 'lag'),
	};
}
