import {isUtf8} from 'node:buffer';
import {readFile} from 'node:fs/promises';
import {type Command, type CommandInput, GLOBAL_OPTIONS_HELP, nameArgument, show} from './command.js';
import {CommandFailure, UsageError} from './errors.js';
import {callApi} from './http.js';
import {array, integer, object} from './shape.js';

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

/** The batch file: a JSON array of Record objects; field checks are left to the server. */
async function readBatch(file: string): Promise<unknown[]> {
	let bytes: Buffer;
	try {
		bytes = await readFile(file);
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
		throw new CommandFailure(`Failed to read batch file '${file}': ${reason}`);
	}
	// Decoding would turn bad bytes into U+FFFD and send that as if it were the file's text.
	if (!isUtf8(bytes)) throw new CommandFailure(`Failed to parse batch file '${file}': it is not valid UTF-8`);
	const text = bytes.toString('utf8');
	let parsed: unknown;
	try {
		parsed = JSON.parse(text) as unknown;
	} catch (error) {
		throw new CommandFailure(`Failed to parse batch file '${file}': ${(error as Error).message}`);
	}
	if (!Array.isArray(parsed)) throw new CommandFailure(`Failed to parse batch file '${file}': expected a JSON array of records`);
	const bad = parsed.findIndex((entry) => entry === null || typeof entry !== 'object' || Array.isArray(entry));
	if (bad >= 0) throw new CommandFailure(`Failed to parse batch file '${file}': element ${bad} is not a record object`);
	return parsed;
}

function firstOffset(body: unknown): {count: number; first: number} {
	const offsets = array(object(body, 'the response'), 'offsets');
	if (offsets.length === 0) return {count: 0, first: 0};
	return {count: offsets.length, first: integer(object(offsets[0], 'offsets[0]'), 'offset')};
}

async function produce(context: Parameters<Command['run']>[0], input: CommandInput): Promise<void> {
	const topic = nameArgument(input, 'TOPIC');
	const batchFile = input.values.batch as string | undefined;
	const message = input.args.MESSAGE;
	const headerEntries = (input.values.header as string[] | undefined) ?? [];
	const key = input.values.key as string | undefined;
	let records: unknown[];
	if (batchFile !== undefined) {
		if (message !== undefined || key !== undefined || headerEntries.length > 0) {
			context.warn('Warning: --batch given: MESSAGE, --key and --header are ignored');
		}
		records = await readBatch(batchFile);
	} else {
		if (message === undefined) throw new UsageError('MESSAGE is required unless --batch is given', input.usage);
		const record: RecordBody = {value: message};
		if (key !== undefined) record.key = key;
		const headers = parseHeaders(headerEntries, context.warn);
		if (headers !== undefined) record.headers = headers;
		records = [record];
	}
	const operation = batchFile === undefined ? 'post record' : 'post records';
	const response = await callApi(context.api, {
		operation,
		method: 'POST',
		path: ['topics', topic, 'records'],
		body: {records},
	});
	show(context, operation, response, (body) => {
		const {count, first} = firstOffset(body);
		context.print(
			batchFile === undefined
				? `Posted record to topic '${topic}' with offset: ${first}`
				: `Posted ${count} records to topic '${topic}' starting at offset: ${first}`,
		);
	});
}

export const producerRecordsCommand: Command = {
	kind: 'command',
	name: 'records',
	summary: 'post one record, or a batch of records from a JSON file',
	usage: `Usage: flashq-demo client producer records <TOPIC> [MESSAGE] [options]

Posts one record with value MESSAGE to TOPIC (the topic is created on its first record),
or with --batch, every record of FILE in one request (all or nothing).

Options:
  -k, --key KEY        record key
  --header K=V         record header; repeat for more. Split at the first '=';
                       an entry without '=' is ignored with a warning
  -b, --batch FILE     JSON array of records, e.g. [{"value":"a","key":"k","headers":{"h":"v"}}];
                       MESSAGE, --key and --header are then ignored

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'TOPIC'}, {name: 'MESSAGE', optional: true}],
	options: {
		key: {type: 'string', short: 'k'},
		header: {type: 'string', multiple: true},
		batch: {type: 'string', short: 'b'},
	},
	run: produce,
};
