import {type Command, GLOBAL_OPTIONS_HELP, nameArgument, optionalInteger, type RunContext} from './command.js';
import {CommandFailure, UsageError} from './errors.js';
import {callApi} from './http.js';
import {OutputClosed, progressLine, writer} from './output.js';
import {CSV_HEADER, csvLine, jsonLine} from './records-io.js';
import {recordPage, ShapeError} from './shape.js';

/** Records per request: one page is all the export holds in memory (plus the server's byte cap). */
export const EXPORT_PAGE = 1000;

async function readPage(context: RunContext, topic: string, from: number, max: number) {
	const operation = 'export records';
	const response = await callApi(context.api, {
		operation,
		method: 'GET',
		path: ['topics', topic, 'records'],
		query: {from_offset: from, max_records: max},
	});
	try {
		return recordPage(response.json);
	} catch (error) {
		if (error instanceof ShapeError) {
			throw new CommandFailure(`Failed to ${operation}: unexpected response from server (${error.message}): ${response.text.slice(0, 500)}`);
		}
		throw error;
	}
}

export const exportCommand: Command = {
	kind: 'command',
	name: 'export',
	summary: 'write a topic\'s records to stdout as JSON Lines or CSV, page by page',
	usage: `Usage: flashq-demo client export <TOPIC> [--from N] [--to M] [--format jsonl|csv]

Writes the records of TOPIC to stdout, reading them page by page (GET /topics/TOPIC/records,
${EXPORT_PAGE} records a request), so memory stays small whatever the topic's size. The export
ends at the high water mark it finds at the start: records posted meanwhile are not included.
On a terminal, stderr shows progress ("exported 120000 / 500000 records"); piped, nothing.

Options:
  --from N               first offset to export (default 0)
  --to M                 stop BEFORE offset M (exclusive, like a high water mark), so
                         --from 10 --to 20 exports offsets 10..19 (default: the high water mark)
  --format jsonl|csv     jsonl (default): one JSON object per line,
                           {"offset":N,"timestamp":"<ISO 8601>","key":..,"value":..,"headers":{..}|null}
                         which 'producer records TOPIC --batch FILE' reads back;
                         csv: a header row (offset,timestamp,key,value,headers), RFC 4180 quoting;
                           null is an empty field, the empty string is "" (quoted); headers are
                           their JSON object text

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'TOPIC'}],
	options: {from: {type: 'string'}, to: {type: 'string'}, format: {type: 'string'}},
	async run(context, input) {
		const topic = nameArgument(input, 'TOPIC');
		const from = optionalInteger(input, 'from') ?? 0;
		const to = optionalInteger(input, 'to');
		const format = (input.values.format as string | undefined) ?? 'jsonl';
		if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format must be jsonl or csv, got '${format}'`, input.usage);
		if (to !== undefined && to < from) throw new UsageError(`--to (${to}) must not be below --from (${from})`, input.usage);
		const line = format === 'csv' ? csvLine : jsonLine;
		const out = writer(context.io.stdout);
		const progress = progressLine(context.io.stderr);
		try {
			if (format === 'csv') await out.write(`${CSV_HEADER}\n`);
			let next = from;
			let end = to ?? Number.MAX_SAFE_INTEGER;
			let first = true;
			while (next < end) {
				const page = await readPage(context, topic, next, Math.min(EXPORT_PAGE, end - next));
				if (first) {
					// Fixed at the start, so an export of a busy topic ends.
					end = Math.min(end, page.highWaterMark);
					first = false;
				}
				const records = page.records.filter((record) => record.offset < end);
				if (records.length === 0) break;
				await out.write(`${records.map(line).join('\n')}\n`);
				next = records[records.length - 1]!.offset + 1;
				if (end - from > EXPORT_PAGE) progress.update(`exported ${next - from} / ${end - from} records`);
			}
		} catch (error) {
			if (error instanceof OutputClosed) return;
			throw error;
		} finally {
			progress.done();
			out.dispose();
		}
	},
};
