import {FlashQError, clip} from './errors.js';
import {LIMITS} from './limits.js';

const NAME_PATTERN = /^[a-zA-Z0-9._][a-zA-Z0-9._-]*$/;
const DOTS_ONLY = /^\.+$/;

export type NameParameter = 'topic' | 'group_id';

/**
 * Topic and group names: the documented ASCII pattern, 1..255 characters, and never dots only
 * (`.`, `..` would be path components on disk).
 */
export function validateName(name: unknown, parameter: NameParameter): asserts name is string {
	if (typeof name !== 'string' || name.length === 0) {
		throw new FlashQError('invalid_parameter', `${parameter} must not be empty`, {parameter});
	}
	if (name.length > LIMITS.maxNameLength) {
		throw new FlashQError(
			'invalid_parameter',
			`${parameter} must be at most ${LIMITS.maxNameLength} characters, got ${name.length}`,
			{parameter},
		);
	}
	if (!NAME_PATTERN.test(name)) {
		throw new FlashQError(
			'invalid_parameter',
			`${parameter} may contain only ASCII letters, digits, '.', '_' and '-' (not first)`,
			{parameter, value: name},
		);
	}
	if (DOTS_ONLY.test(name)) {
		throw new FlashQError('invalid_parameter', `${parameter} must not consist of dots only`, {parameter, value: name});
	}
}

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

function sizeError(field: string, maxSize: number, actualSize: number, unit = 'bytes'): FlashQError {
	return new FlashQError('validation_error', `${field} is ${actualSize} ${unit}, more than the limit of ${maxSize}`, {
		field,
		max_size: maxSize,
		actual_size: actualSize,
	});
}

function schemaError(message: string, field: string): FlashQError {
	return new FlashQError('record_validation_error', message, {field});
}

/**
 * Checks a whole batch before anything is written, in the reference's order: empty batch, batch
 * too large, then record by record: key, value, headers. The first failure is reported.
 * Library callers get schema mistakes (a non-string value) as `record_validation_error`.
 * Returns the batch's size in UTF-8 bytes (keys, values, header names and values), for stats.
 */
export function validateBatch(records: unknown): number {
	if (!Array.isArray(records)) throw schemaError('records must be an array', 'records');
	if (records.length < LIMITS.minBatch) {
		throw new FlashQError('invalid_parameter', 'records must contain at least one record', {parameter: 'records'});
	}
	if (records.length > LIMITS.maxBatch) throw sizeError('records', LIMITS.maxBatch, records.length, 'records');
	let bytes = 0;
	for (let index = 0; index < records.length; index++) {
		bytes += validateRecord(records[index], index);
	}
	return bytes;
}

/** String#isWellFormed (Node 20; not in TypeScript's ES2023 lib): false when a lone surrogate is present. */
const isWellFormed = (text: string): boolean => (text as unknown as {isWellFormed(): boolean}).isWellFormed();

/**
 * A string with a lone surrogate has no UTF-8 form: storing it would write U+FFFD instead (the
 * file log), and a read from disk would differ from the same read from memory. So it is refused.
 */
function unicodeError(field: string, what = field): FlashQError {
	return new FlashQError(
		'validation_error',
		`${what} is not valid Unicode: it holds a lone surrogate (U+D800-U+DFFF without its pair), which has no UTF-8 form`,
		{field},
	);
}

/** Validates one record and returns its size in bytes. */
function validateRecord(record: unknown, index: number): number {
	if (typeof record !== 'object' || record === null) throw schemaError(`records[${index}] must be an object`, `records[${index}]`);
	const {key, value, headers} = record as Record<string, unknown>;
	let bytes = 0;
	if (key !== undefined && key !== null) {
		if (typeof key !== 'string') throw schemaError(`records[${index}].key must be a string`, `records[${index}].key`);
		if (!isWellFormed(key)) throw unicodeError(`records[${index}].key`);
		const size = byteLength(key);
		if (size > LIMITS.maxKeyBytes) throw sizeError(`records[${index}].key`, LIMITS.maxKeyBytes, size);
		bytes += size;
	}
	if (typeof value !== 'string') throw schemaError(`records[${index}].value must be a string`, `records[${index}].value`);
	if (!isWellFormed(value)) throw unicodeError(`records[${index}].value`);
	const valueSize = byteLength(value);
	if (valueSize > LIMITS.maxValueBytes) throw sizeError(`records[${index}].value`, LIMITS.maxValueBytes, valueSize);
	bytes += valueSize;
	if (headers !== undefined && headers !== null) {
		if (typeof headers !== 'object' || Array.isArray(headers)) {
			throw schemaError(`records[${index}].headers must be an object`, `records[${index}].headers`);
		}
		let count = 0;
		for (const _ in headers) count++;
		if (count > LIMITS.maxHeadersPerRecord) {
			throw sizeError(`records[${index}].headers`, LIMITS.maxHeadersPerRecord, count, 'headers');
		}
		// for-in as in encodeFrame's size pass, whose ASCII shortcut relies on this byte count matching it.
		for (const name in headers) {
			// The name is the client's text: quoted only in part (it may be megabytes long).
			const field = `records[${index}].headers.${clip(name)}`;
			if (!isWellFormed(name)) throw unicodeError(field, `the name of header ${field}`);
			const nameSize = byteLength(name);
			if (nameSize > LIMITS.maxHeaderNameBytes) {
				throw new FlashQError(
					'validation_error',
					`the name of header ${field} is ${nameSize} bytes, more than the limit of ${LIMITS.maxHeaderNameBytes}`,
					{field, max_size: LIMITS.maxHeaderNameBytes, actual_size: nameSize},
				);
			}
			const headerValue = (headers as Record<string, unknown>)[name];
			if (typeof headerValue !== 'string') throw schemaError(`${field} must be a string`, field);
			if (!isWellFormed(headerValue)) throw unicodeError(field);
			const size = byteLength(headerValue);
			if (size > LIMITS.maxHeaderValueBytes) throw sizeError(field, LIMITS.maxHeaderValueBytes, size);
			bytes += nameSize + size;
		}
	}
	return bytes;
}

/** An integer read bound in [min, max], or its default when absent. */
function validateBound(value: unknown, parameter: 'max_records' | 'max_bytes', min: number, max: number, fallback: number): number {
	if (value === undefined) return fallback;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
		throw new FlashQError('invalid_parameter', `${parameter} must be an integer from ${min} to ${max}`, {parameter, value});
	}
	return value;
}

/** max_records: an integer in 1..10000. */
export function validateMaxRecords(maxRecords: unknown): number {
	return validateBound(maxRecords, 'max_records', LIMITS.minMaxRecords, LIMITS.maxMaxRecords, LIMITS.defaultMaxRecords);
}

/** max_bytes: an integer in 1..64 MiB (default 16 MiB). */
export function validateMaxBytes(maxBytes: unknown): number {
	return validateBound(maxBytes, 'max_bytes', LIMITS.minMaxBytes, LIMITS.maxMaxBytes, LIMITS.defaultMaxBytes);
}

/** An offset given by a caller: a non-negative safe integer. */
export function validateOffset(offset: unknown, parameter: 'from_offset' | 'offset'): asserts offset is number {
	if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
		throw new FlashQError('invalid_parameter', `${parameter} must be a non-negative integer`, {parameter, value: offset});
	}
}
