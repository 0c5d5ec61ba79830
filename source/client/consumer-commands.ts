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
import {formatRecord, printable} from './format.js';
import {callApi} from './http.js';
import {integer, object, optionalString, recordPage, type RecordPage} from './shape.js';

const READ_OPTIONS_HELP = `  --max-records N                 at most N records (1-10000)
  --max-bytes N                   at most N bytes of keys, values and headers (1-67108864,
                                  default 16 MiB; at least one record is always returned)
  --from-offset N                 start reading at offset N
  --include-headers [true|false]  include record headers (default true; or --no-include-headers)`;

const readOptions = {
	'max-records': {type: 'string'},
	'max-bytes': {type: 'string'},
	'from-offset': {type: 'string'},
	'include-headers': {type: 'string'},
} as const;

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

const fetchCommand: Command = {
	kind: 'command',
	name: 'fetch',
	summary: "read records from a group's committed offset (does not commit)",
	usage: `Usage: flashq-demo client consumer fetch <GROUP> <TOPIC> [options]

Reads records of TOPIC for consumer group GROUP, from the group's committed offset or
--from-offset. Fetching never moves the group on: commit with 'consumer offset commit'.
Without --max-records the server returns everything up to its cap.
"Next offset" is the group's committed offset.

Options:
${READ_OPTIONS_HELP}

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'GROUP'}, {name: 'TOPIC'}],
	options: readOptions,
	booleanValued: ['include-headers'],
	async run(context, input) {
		const group = nameArgument(input, 'GROUP');
		const topic = nameArgument(input, 'TOPIC');
		const query = readQuery(input);
		const operation = 'fetch records';
		const response = await callApi(context.api, {operation, method: 'GET', path: ['consumer', group, 'topics', topic], query});
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
	summary: 'read records of a topic without a consumer group',
	usage: `Usage: flashq-demo client consumer poll <TOPIC> [options]

Reads records of TOPIC from --from-offset (default 0) without any consumer group
(GET /topics/TOPIC/records). "Next offset" is where the next poll should start.

Options:
${READ_OPTIONS_HELP}

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'TOPIC'}],
	options: readOptions,
	booleanValued: ['include-headers'],
	async run(context, input) {
		const topic = nameArgument(input, 'TOPIC');
		const query = readQuery(input);
		const operation = 'poll records';
		const response = await callApi(context.api, {operation, method: 'GET', path: ['topics', topic, 'records'], query});
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

export const consumerGroup: CommandGroup = {
	kind: 'group',
	name: 'consumer',
	summary: 'consumer groups: create, leave, fetch, poll, offset commit|get',
	children: [
		createCommand,
		leaveCommand,
		fetchCommand,
		pollCommand,
		{kind: 'group', name: 'offset', summary: 'commit or read committed offsets', children: [commitCommand, getOffsetCommand]},
	],
};
