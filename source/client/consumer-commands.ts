import {
	type Command,
	type CommandGroup,
	type CommandInput,
	GLOBAL_OPTIONS_HELP,
	nameArgument,
	nonNegativeInteger,
	optionalBoolean,
	optionalInteger,
	type RunContext,
	show,
} from './command.js';
import {CommandFailure, UsageError} from './errors.js';
import {EMPTY_POLL_MS, follow} from './follow.js';
import {formatRecord, printable} from './format.js';
import {type ApiResponse, callApi} from './http.js';
import {OutputClosed, writer} from './output.js';
import {compileFormat, FORMAT_HELP, jsonLine} from './records-io.js';
import {integer, object, optionalString, recordPage, type RecordPage, ShapeError, type WireRecord} from './shape.js';
import {TIME_HELP} from './time.js';
import {timeOption} from './topic-commands.js';

const READ_OPTIONS_HELP = `  --max-records N                 at most N records (1-10000)
  --max-bytes N                   at most N bytes of keys, values and headers (1-67108864,
                                  default 16 MiB; at least one record is always returned)
  --from-offset N                 start reading at offset N
  --include-headers [true|false]  include record headers (default true; or --no-include-headers)`;

const OUTPUT_OPTIONS_HELP = `  --follow                        keep printing records as they arrive, until Ctrl+C (exit 0),
                                  like 'kcat -C'; only the records go to stdout, notices
                                  (following, connection lost, reconnected) to stderr. An empty
                                  read waits ${EMPTY_POLL_MS} ms before the next (the API has no
                                  server-side wait); a server that goes away is retried
  --format FMT                    print each record with a kcat-style template instead of the
                                  default lines (and nothing else on stdout):
${FORMAT_HELP.split('\n').map((line) => `                                    ${line}`).join('\n')}
                                  e.g. --format '%o %k %s\\n'
  --json                          with --follow: one record per line, as 'client export' writes`;

const readOptions = {
	'max-records': {type: 'string'},
	'max-bytes': {type: 'string'},
	'from-offset': {type: 'string'},
	'include-headers': {type: 'string'},
	follow: {type: 'boolean'},
	format: {type: 'string'},
} as const;

/** How records are printed: the default lines, a --format template, or (--json with --follow) JSON Lines. */
function recordRenderer(context: RunContext, input: CommandInput, topic: string): ((record: WireRecord) => string) | undefined {
	const template = input.values.format;
	if (typeof template === 'string') {
		if (context.json) throw new UsageError('--format and --json cannot be combined', input.usage);
		let compiled: (record: WireRecord, topic: string) => string;
		try {
			compiled = compileFormat(template);
		} catch (error) {
			throw new UsageError(`--format: ${(error as Error).message}`, input.usage);
		}
		return (record) => compiled(record, topic);
	}
	if (input.values.follow !== true) return undefined;
	return context.json ? (record) => `${jsonLine(record)}\n` : (record) => `${formatRecord(record)}\n`;
}

function readQuery(input: CommandInput) {
	return {
		max_records: optionalInteger(input, 'max-records'),
		max_bytes: optionalInteger(input, 'max-bytes'),
		from_offset: optionalInteger(input, 'from-offset'),
		include_headers: optionalBoolean(input, 'include-headers'),
	};
}

function printRecords(context: RunContext, page: RecordPage): void {
	for (const record of page.records) context.print(formatRecord(record));
}

const createCommand: Command = {
	kind: 'command',
	name: 'create',
	summary: 'create a consumer group',
	usage: `Usage: flashq-demo client consumer create <GROUP>

Creates consumer group GROUP (POST /consumer/GROUP). Fails (exit 1) if it already exists.

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'GROUP'}],
	options: {},
	async run(context, input) {
		const group = nameArgument(input, 'GROUP');
		const operation = 'create consumer group';
		const response = await callApi(context.api, {operation, method: 'POST', path: ['consumer', group]});
		show(context, operation, response, () => context.print(`Created consumer group '${group}'`));
	},
};

const leaveCommand: Command = {
	kind: 'command',
	name: 'leave',
	summary: 'delete a consumer group and its committed offsets',
	usage: `Usage: flashq-demo client consumer leave <GROUP>

Deletes consumer group GROUP and its committed offsets (DELETE /consumer/GROUP).
The server answers 204 with no body, so --json prints nothing.

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'GROUP'}],
	options: {},
	async run(context, input) {
		const group = nameArgument(input, 'GROUP');
		const operation = 'leave consumer group';
		const response = await callApi(context.api, {operation, method: 'DELETE', path: ['consumer', group]});
		show(context, operation, response, () => context.print(`Left consumer group '${group}' (group deleted)`));
	},
};

/** The output with --format (without --follow): only the formatted records. */
async function printFormatted(context: RunContext, operation: string, response: ApiResponse, render: (record: WireRecord) => string): Promise<void> {
	let page: RecordPage;
	try {
		page = recordPage(response.json);
	} catch (error) {
		if (error instanceof ShapeError) {
			throw new CommandFailure(`Failed to ${operation}: unexpected response from server (${error.message}): ${response.text.slice(0, 500)}`);
		}
		throw error;
	}
	const out = writer(context.io.stdout);
	try {
		await out.write(page.records.map(render).join(''));
	} catch (error) {
		if (!(error instanceof OutputClosed)) throw error;
	} finally {
		out.dispose();
	}
}

const fetchCommand: Command = {
	kind: 'command',
	name: 'fetch',
	summary: "read records from a group's committed offset (commits only with --follow --commit)",
	usage: `Usage: flashq-demo client consumer fetch <GROUP> <TOPIC> [options]

Reads records of TOPIC for consumer group GROUP, from the group's committed offset or
--from-offset. Fetching never moves the group on: commit with 'consumer offset commit',
or follow with --commit.
Without --max-records the server returns everything up to its cap.
"Next offset" is the group's committed offset.

Options:
${READ_OPTIONS_HELP}
${OUTPUT_OPTIONS_HELP}
  --commit                        with --follow: after printing each page, commit the offset
                                  after its last record, so a restarted follower resumes there

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'GROUP'}, {name: 'TOPIC'}],
	options: {...readOptions, commit: {type: 'boolean'}},
	booleanValued: ['include-headers'],
	async run(context, input) {
		const group = nameArgument(input, 'GROUP');
		const topic = nameArgument(input, 'TOPIC');
		const query = readQuery(input);
		const render = recordRenderer(context, input, topic);
		const commit = input.values.commit === true;
		if (commit && input.values.follow !== true) {
			throw new UsageError("--commit needs --follow (to commit once, use 'consumer offset commit')", input.usage);
		}
		if (input.values.follow === true) {
			const {from_offset: from, ...rest} = query;
			await follow(context, {topic, group, from, query: rest, commit, render: render!});
			return;
		}
		const operation = 'fetch records';
		const response = await callApi(context.api, {operation, method: 'GET', path: ['consumer', group, 'topics', topic], query});
		if (render !== undefined) return printFormatted(context, operation, response, render);
		show(context, operation, response, (body) => {
			const page = recordPage(body);
			context.print(`Got ${page.records.length} records for consumer group '${group}' from topic '${topic}'`);
			printRecords(context, page);
			context.print(`Next offset: ${page.nextOffset}`);
			context.print(`High water mark: ${page.highWaterMark}`);
			if (page.lag !== undefined) context.print(`Consumer lag: ${page.lag}`);
		});
	},
};

const pollCommand: Command = {
	kind: 'command',
	name: 'poll',
	summary: 'read records of a topic without a consumer group (--follow: tail it)',
	usage: `Usage: flashq-demo client consumer poll <TOPIC> [options]

Reads records of TOPIC from --from-offset (default 0) without any consumer group
(GET /topics/TOPIC/records). "Next offset" is where the next poll should start.

Options:
${READ_OPTIONS_HELP}
${OUTPUT_OPTIONS_HELP}

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'TOPIC'}],
	options: readOptions,
	booleanValued: ['include-headers'],
	async run(context, input) {
		const topic = nameArgument(input, 'TOPIC');
		const query = readQuery(input);
		const render = recordRenderer(context, input, topic);
		if (input.values.follow === true) {
			const {from_offset: from, ...rest} = query;
			await follow(context, {topic, from: from ?? 0, query: rest, commit: false, render: render!});
			return;
		}
		const operation = 'poll records';
		const response = await callApi(context.api, {operation, method: 'GET', path: ['topics', topic, 'records'], query});
		if (render !== undefined) return printFormatted(context, operation, response, render);
		show(context, operation, response, (body) => {
			const page = recordPage(body);
			context.print(`Got ${page.records.length} records from topic '${topic}'`);
			printRecords(context, page);
			context.print(`Next offset: ${page.nextOffset}`);
			context.print(`High water mark: ${page.highWaterMark}`);
			if (page.lag !== undefined) context.print(`Lag: ${page.lag}`);
		});
	},
};

const commitCommand: Command = {
	kind: 'command',
	name: 'commit',
	summary: "commit a group's offset for a topic",
	usage: `Usage: flashq-demo client consumer offset commit <GROUP> <TOPIC> <OFFSET> [--metadata TEXT]

Sets GROUP's committed offset for TOPIC to OFFSET: the next record the group will fetch.
OFFSET may be at most the topic's high water mark (committing it means "consumed everything");
moving back (rewinding) is allowed.

Options:
  --metadata TEXT   accepted for compatibility but IGNORED: the server stores no metadata

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'GROUP'}, {name: 'TOPIC'}, {name: 'OFFSET'}],
	options: {metadata: {type: 'string'}},
	async run(context, input) {
		const group = nameArgument(input, 'GROUP');
		const topic = nameArgument(input, 'TOPIC');
		const offset = nonNegativeInteger(input.args.OFFSET!, 'OFFSET', input.usage);
		const operation = 'commit offset';
		const response = await callApi(context.api, {
			operation,
			method: 'POST',
			path: ['consumer', group, 'topics', topic, 'offset'],
			body: {offset},
		});
		show(context, operation, response, (body) => {
			const committed = integer(object(body, 'the response'), 'offset');
			context.print(`Committed offset ${committed} for consumer group '${group}' on topic '${topic}'`);
		});
	},
};

const getOffsetCommand: Command = {
	kind: 'command',
	name: 'get',
	summary: "show a group's committed offset, high water mark and lag for a topic",
	usage: `Usage: flashq-demo client consumer offset get <GROUP> <TOPIC>

Shows GROUP's committed offset for TOPIC (0 if it never committed), the topic's high water
mark (next offset to be assigned), the lag between them and the time of the last commit.

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'GROUP'}, {name: 'TOPIC'}],
	options: {},
	async run(context, input) {
		const group = nameArgument(input, 'GROUP');
		const topic = nameArgument(input, 'TOPIC');
		const operation = 'get offset';
		const response = await callApi(context.api, {operation, method: 'GET', path: ['consumer', group, 'topics', topic, 'offset']});
		show(context, operation, response, (json) => {
			const body = object(json, 'the response');
			const committed = integer(body, 'committed_offset');
			const highWaterMark = integer(body, 'high_water_mark');
			const lag = integer(body, 'lag');
			const lastCommit = optionalString(body, 'last_commit_time');
			context.print(`Consumer group '${group}' on topic '${topic}'`);
			context.print(`Committed offset: ${committed}`);
			context.print(`High water mark: ${highWaterMark}`);
			context.print(`Consumer lag: ${lag}`);
			context.print(`Last commit: ${lastCommit === undefined ? 'never' : printable(lastCommit)}`);
		});
	},
};

const resetCommand: Command = {
	kind: 'command',
	name: 'reset',
	summary: "move a group's committed offset to the start, the end, an offset or a time",
	usage: `Usage: flashq-demo client consumer offset reset <GROUP> <TOPIC> (--to-earliest | --to-latest | --to-offset N | --to-time TIME)

Moves GROUP's committed offset for TOPIC (forward or back) and prints old -> new. Exactly one of:
  --to-earliest     offset 0: the group reads the topic again from the start
  --to-latest       the topic's high water mark: the group skips everything there is now
  --to-offset N     offset N (at most the high water mark)
  --to-time TIME    the first record at or after TIME (GET /topics/TOPIC/offsets?time=),
                    or the high water mark when none is that recent. TIME is
                    ${TIME_HELP.split('\n').join('\n                    ')}
The old offset and the high water mark come from GET /consumer/GROUP/topics/TOPIC/offset;
the new offset is then committed (POST .../offset). With --json, the commit's response with
"previous_offset" added.

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'GROUP'}, {name: 'TOPIC'}],
	options: {
		'to-earliest': {type: 'boolean'},
		'to-latest': {type: 'boolean'},
		'to-offset': {type: 'string'},
		'to-time': {type: 'string'},
	},
	async run(context, input) {
		const group = nameArgument(input, 'GROUP');
		const topic = nameArgument(input, 'TOPIC');
		const chosen = ['to-earliest', 'to-latest', 'to-offset', 'to-time'].filter((flag) => input.values[flag] !== undefined);
		if (chosen.length !== 1) {
			throw new UsageError(
				chosen.length === 0
					? 'give one of --to-earliest, --to-latest, --to-offset N, --to-time TIME'
					: `give only one of ${chosen.map((flag) => `--${flag}`).join(', ')}`,
				input.usage,
			);
		}
		const toOffset = optionalInteger(input, 'to-offset');
		const toTime = typeof input.values['to-time'] === 'string' ? timeOption(input.values['to-time'], '--to-time', input.usage) : undefined;
		const operation = 'reset offset';
		const info = await callApi(context.api, {operation, method: 'GET', path: ['consumer', group, 'topics', topic, 'offset']});
		let old: number;
		let highWaterMark: number;
		try {
			const current = object(info.json, 'the response');
			old = integer(current, 'committed_offset');
			highWaterMark = integer(current, 'high_water_mark');
		} catch (error) {
			if (error instanceof ShapeError) throw new CommandFailure(`Failed to ${operation}: unexpected response from server (${error.message})`);
			throw error;
		}
		let target: number;
		if (input.values['to-earliest'] === true) target = 0;
		else if (input.values['to-latest'] === true) target = highWaterMark;
		else if (toOffset !== undefined) target = toOffset;
		else {
			const found = await callApi(context.api, {operation, method: 'GET', path: ['topics', topic, 'offsets'], query: {time: toTime}});
			try {
				target = integer(object(found.json, 'the response'), 'offset');
			} catch (error) {
				if (error instanceof ShapeError) throw new CommandFailure(`Failed to ${operation}: unexpected response from server (${error.message}): ${found.text.slice(0, 500)}`);
				throw error;
			}
		}
		const response = await callApi(context.api, {operation, method: 'POST', path: ['consumer', group, 'topics', topic, 'offset'], body: {offset: target}});
		if (context.json) {
			const body = response.json;
			context.print(body !== null && typeof body === 'object' ? JSON.stringify({...body, previous_offset: old}) : response.text);
			return;
		}
		show(context, operation, response, (body) => {
			const committed = integer(object(body, 'the response'), 'offset');
			context.print(`Reset consumer group '${group}' on topic '${topic}': offset ${old} -> ${committed}`);
		});
	},
};

export const consumerGroup: CommandGroup = {
	kind: 'group',
	name: 'consumer',
	summary: 'consumer groups: create, leave, fetch, poll, offset commit|get|reset',
	children: [
		createCommand,
		leaveCommand,
		fetchCommand,
		pollCommand,
		{kind: 'group', name: 'offset', summary: 'commit, read or reset committed offsets', children: [commitCommand, getOffsetCommand, resetCommand]},
	],
};
