import {isUtf8} from 'node:buffer';
import {createReadStream} from 'node:fs';
import {type Command, type CommandInput, GLOBAL_OPTIONS_HELP, nameArgument, type RunContext, show} from './command.js';
import {CommandFailure, UsageError} from './errors.js';
import {callApi} from './http.js';
import {progressLine} from './output.js';
import {array, integer, object, ShapeError} from './shape.js';

interface RecordBody {
	key?: string;
	value: string;
	headers?: Record<string, string>;
}

/** `K=V` entries split at the first '='; entries without '=' are dropped with a warning (spec §4). */
export function parseHeaders(entries: readonly string[], warn: (line: string) => void): Record<string, string> | undefined {
	// A Map, then fromEntries: a header named `__proto__` stays a header (assignment would drop it).
	let headers: Map<string, string> | undefined;
	for (const entry of entries) {
		const split = entry.indexOf('=');
		if (split < 0) {
			warn(`Warning: ignoring header '${entry}': expected KEY=VALUE`);
			continue;
		}
		(headers ??= new Map()).set(entry.slice(0, split), entry.slice(split + 1));
	}
	return headers && Object.fromEntries(headers);
}

/** The server's limit on records per produce request (spec §2.3). */
export const BATCH_LIMIT = 1000;
/** Well under the server's 2 MiB body limit, so big values go in more requests instead of a 413. */
const BATCH_BYTES = 1024 * 1024;

const FORMATS_HINT = 'expected a JSON array of records or JSON Lines (one record object per line)';

type RecordObject = Record<string, unknown>;

const parseFailure = (file: string, why: string): CommandFailure => new CommandFailure(`Failed to parse batch file '${file}': ${why}`);

/** The bytes of FILE ('-' is stdin), chunk by chunk. */
async function* chunks(file: string): AsyncGenerator<Buffer> {
	const stream = file === '-' ? process.stdin : createReadStream(file);
	try {
		for await (const chunk of stream) yield chunk as Buffer;
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
		throw new CommandFailure(`Failed to read batch file '${file}': ${reason}`);
	}
}

/** Lines as bytes (without the line end), so each line is decoded, and checked as UTF-8, on its own. */
async function* lines(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
	let pending: Buffer[] = [];
	for await (const chunk of source) {
		let start = 0;
		for (let newline = chunk.indexOf(10); newline >= 0; newline = chunk.indexOf(10, start)) {
			pending.push(chunk.subarray(start, newline));
			yield Buffer.concat(pending);
			pending = [];
			start = newline + 1;
		}
		if (start < chunk.length) pending.push(chunk.subarray(start));
	}
	if (pending.length > 0) yield Buffer.concat(pending);
}

const UTF8 = new TextDecoder('utf-8', {fatal: true});

interface Numbered {
	/** Line number (JSON Lines) or array index (JSON array), for messages. */
	at: number;
	record: RecordObject;
}

/** JSON Lines records in order; an export's `offset` and `timestamp` are dropped. */
async function* jsonLines(file: string, source: AsyncIterable<Buffer>): AsyncGenerator<Numbered> {
	let line = 0;
	for await (const bytes of lines(source)) {
		line++;
		let text: string;
		try {
			text = UTF8.decode(bytes);
		} catch {
			// Decoding leniently would send U+FFFD as if it were the file's text.
			throw parseFailure(file, `line ${line} is not valid UTF-8`);
		}
		if (line === 1) text = text.replace(/^\uFEFF/, '');
		if (text.trim() === '') continue;
		let parsed: unknown;
		try {
			parsed = JSON.parse(text) as unknown;
		} catch (error) {
			throw parseFailure(file, `line ${line}: ${(error as Error).message}; ${FORMATS_HINT}`);
		}
		if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || typeof (parsed as {value?: unknown}).value !== 'string') {
			throw parseFailure(file, `line ${line} is not a record object with a string "value"; ${FORMATS_HINT}`);
		}
		const {offset: _offset, timestamp: _timestamp, ...record} = parsed as RecordObject;
		yield {at: line, record};
	}
}

/** The whole input as a JSON array of record objects (the original format); field checks are left to the server. */
function jsonArray(file: string, bytes: Buffer): RecordObject[] {
	// Decoding would turn bad bytes into U+FFFD and send that as if it were the file's text.
	if (!isUtf8(bytes)) throw parseFailure(file, 'it is not valid UTF-8');
	let parsed: unknown;
	try {
		parsed = JSON.parse(bytes.toString('utf8')) as unknown;
	} catch (error) {
		throw parseFailure(file, (error as Error).message);
	}
	if (!Array.isArray(parsed)) throw parseFailure(file, 'expected a JSON array of records');
	const bad = parsed.findIndex((entry) => entry === null || typeof entry !== 'object' || Array.isArray(entry));
	if (bad >= 0) throw parseFailure(file, `element ${bad} is not a record object`);
	return parsed as RecordObject[];
}

/** Replays the chunks read ahead, then the rest of the stream. */
async function* prepend(head: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
	yield* head;
	for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** Reads up to the first byte that is not whitespace (nor a BOM): '[' is a JSON array, anything else JSON Lines. */
async function sniff(file: string): Promise<{array: boolean; source: AsyncGenerator<Buffer>}> {
	const iterator = chunks(file)[Symbol.asyncIterator]();
	const head: Buffer[] = [];
	for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
		head.push(next.value);
		const first = /[^\s\uFEFF]/.exec(Buffer.concat(head).toString('utf8'));
		if (first !== null) return {array: first[0] === '[', source: prepend(head, iterator)};
	}
	// Empty: the JSON array path says "Unexpected end of JSON input", as before.
	return {array: true, source: prepend(head, iterator)};
}

interface Batch {
	records: RecordObject[];
	/** Where its records came from, for messages: "lines 1-1000" or "elements 0-999". */
	where: string;
}

/** Groups records into requests of at most BATCH_LIMIT records and about BATCH_BYTES of JSON. */
async function* batches(items: AsyncIterable<Numbered>, unit: string): AsyncGenerator<Batch> {
	let records: RecordObject[] = [];
	let bytes = 0;
	let first = 0;
	let last = 0;
	const flush = (): Batch => {
		const batch = {records, where: first === last ? `${unit.replace(/s$/, '')} ${first}` : `${unit} ${first}-${last}`};
		records = [];
		bytes = 0;
		return batch;
	};
	for await (const {at, record} of items) {
		const size = Buffer.byteLength(JSON.stringify(record));
		if (records.length > 0 && (records.length >= BATCH_LIMIT || bytes + size > BATCH_BYTES)) yield flush();
		if (records.length === 0) first = at;
		records.push(record);
		bytes += size + 1;
		last = at;
	}
	if (records.length > 0) yield flush();
}

async function* numbered(records: readonly RecordObject[]): AsyncGenerator<Numbered> {
	for (const [index, record] of records.entries()) yield {at: index, record};
}

async function* emptyBatch(): AsyncGenerator<Batch> {
	// Still sent: the server says why an empty batch is refused (exit 1), as before.
	yield {records: [], where: 'the file'};
}

/**
 * The batch input as requests: a JSON array (read whole, as before) or JSON Lines (streamed; a
 * file is read twice, first to check every line so a bad line posts nothing, then to send it).
 */
async function readBatches(file: string): Promise<{total: number | undefined; batches: AsyncGenerator<Batch>}> {
	const {array, source} = await sniff(file);
	if (array) {
		const head: Buffer[] = [];
		for await (const chunk of source) head.push(chunk);
		const records = jsonArray(file, Buffer.concat(head));
		return {total: records.length, batches: records.length === 0 ? emptyBatch() : batches(numbered(records), 'elements')};
	}
	// stdin cannot be read twice: a bad line there stops the import after what was already posted.
	if (file === '-') return {total: undefined, batches: batches(jsonLines(file, source), 'lines')};
	let total = 0;
	for await (const _ of jsonLines(file, source)) total++;
	return {total, batches: total === 0 ? emptyBatch() : batches(jsonLines(file, chunks(file)), 'lines')};
}

function offsetRange(response: {json: unknown; text: string}): {count: number; first: number; last: number} {
	try {
		const offsets = array(object(response.json, 'the response'), 'offsets');
		if (offsets.length === 0) return {count: 0, first: 0, last: -1};
		return {
			count: offsets.length,
			first: integer(object(offsets[0], 'offsets[0]'), 'offset'),
			last: integer(object(offsets[offsets.length - 1], `offsets[${offsets.length - 1}]`), 'offset'),
		};
	} catch (error) {
		if (error instanceof ShapeError) {
			throw new CommandFailure(`Failed to post records: unexpected response from server (${error.message}): ${response.text.slice(0, 500)}`);
		}
		throw error;
	}
}

/** `--batch FILE`: one request per BATCH_LIMIT records, with progress on a terminal. */
async function postBatches(context: RunContext, topic: string, file: string): Promise<void> {
	const {total, batches: all} = await readBatches(file);
	const operation = 'post records';
	const progress = progressLine(context.io.stderr);
	let posted = 0;
	let requests = 0;
	let first = 0;
	let last = 0;
	try {
		for await (const batch of all) {
			let response;
			try {
				response = await callApi(context.api, {operation, method: 'POST', path: ['topics', topic, 'records'], body: {records: batch.records}});
			} catch (error) {
				// Which part failed matters only when the input is posted in parts.
				const inParts = requests > 0 || total === undefined || total > BATCH_LIMIT;
				if (error instanceof CommandFailure && inParts) error.message += ` (${batch.where} of '${file}')`;
				throw error;
			}
			if (context.json) context.print(response.text.replace(/\n$/, ''));
			const range = offsetRange(response);
			if (requests === 0) first = range.first;
			last = range.last;
			posted += range.count;
			requests++;
			if (total === undefined ? requests > 1 : total > BATCH_LIMIT) {
				progress.update(total === undefined ? `posted ${posted} records` : `posted ${posted} / ${total} records`);
			}
		}
	} catch (error) {
		progress.done();
		// Earlier requests are stored: say exactly what, so the rest can be posted again.
		if (requests > 0) context.warn(`Posted ${posted} records to topic '${topic}' in ${requests} requests before the failure: offsets ${first}..${last}`);
		throw error;
	}
	progress.done();
	if (context.json) return;
	if (requests === 1) {
		context.print(`Posted ${posted} records to topic '${topic}' starting at offset: ${first}`);
		return;
	}
	const between = last - first + 1 === posted ? '' : " (other producers' records lie between the requests)";
	context.print(`Posted ${posted} records to topic '${topic}' in ${requests} requests: first offset ${first}, last offset ${last}${between}`);
}

async function produce(context: RunContext, input: CommandInput): Promise<void> {
	const topic = nameArgument(input, 'TOPIC');
	const batchFile = input.values.batch as string | undefined;
	const message = input.args.MESSAGE;
	const headerEntries = (input.values.header as string[] | undefined) ?? [];
	const key = input.values.key as string | undefined;
	if (batchFile !== undefined) {
		if (message !== undefined || key !== undefined || headerEntries.length > 0) {
			context.warn('Warning: --batch given: MESSAGE, --key and --header are ignored');
		}
		await postBatches(context, topic, batchFile);
		return;
	}
	if (message === undefined) throw new UsageError('MESSAGE is required unless --batch is given', input.usage);
	const record: RecordBody = {value: message};
	if (key !== undefined) record.key = key;
	const headers = parseHeaders(headerEntries, context.warn);
	if (headers !== undefined) record.headers = headers;
	const operation = 'post record';
	const response = await callApi(context.api, {operation, method: 'POST', path: ['topics', topic, 'records'], body: {records: [record]}});
	show(context, operation, response, (body) => {
		const offsets = array(object(body, 'the response'), 'offsets');
		const first = offsets.length === 0 ? 0 : integer(object(offsets[0], 'offsets[0]'), 'offset');
		context.print(`Posted record to topic '${topic}' with offset: ${first}`);
	});
}

export const producerRecordsCommand: Command = {
	kind: 'command',
	name: 'records',
	summary: 'post one record, or records from a JSON array or JSON Lines file',
	usage: `Usage: flashq-demo client producer records <TOPIC> [MESSAGE] [options]

Posts one record with value MESSAGE to TOPIC (the topic is created on its first record),
or with --batch, every record of FILE.

Options:
  -k, --key KEY        record key
  --header K=V         record header; repeat for more. Split at the first '=';
                       an entry without '=' is ignored with a warning
  -b, --batch FILE     records to post ('-' reads stdin); MESSAGE, --key and --header are
                       then ignored. The format is told by the content:
                         a JSON array: [{"value":"a","key":"k","headers":{"h":"v"}}, ...]
                         JSON Lines: one record object per line, as 'client export' writes
                           them ("offset" and "timestamp" are ignored, so an export can be
                           posted to another topic as it is)
                       Up to ${BATCH_LIMIT} records go in one request, which is all or nothing;
                       a bigger file is posted in several requests (progress on a terminal),
                       and the output gives the first and last offset. A file is checked
                       line by line before anything is posted; from stdin a bad line stops
                       the import after what was already posted (stderr says which offsets).
                       With --json, each request's response on its own line.

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'TOPIC'}, {name: 'MESSAGE', optional: true}],
	options: {
		key: {type: 'string', short: 'k'},
		header: {type: 'string', multiple: true},
		batch: {type: 'string', short: 'b'},
	},
	run: produce,
};
