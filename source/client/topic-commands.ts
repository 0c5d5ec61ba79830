import {type Command, type CommandGroup, GLOBAL_OPTIONS_HELP, nameArgument, show} from './command.js';
import {UsageError} from './errors.js';
import {printable} from './format.js';
import {callApi} from './http.js';
import {array, integer, object, optionalInteger} from './shape.js';
import {parseTime, TIME_HELP} from './time.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** `--time` / `--to-time` as ms since the epoch; a usage error names the flag. */
export function timeOption(raw: string, flag: string, usage: string): number {
	try {
		return parseTime(raw);
	} catch (error) {
		throw new UsageError(`${flag}: ${(error as Error).message}`, usage);
	}
}

const createCommand: Command = {
	kind: 'command',
	name: 'create',
	summary: 'create an empty topic (no error when it exists)',
	usage: `Usage: flashq-demo client topic create <TOPIC>

Creates TOPIC with no records (PUT /topics/TOPIC), so it is listed and can be followed
before anything is posted. A topic that already exists is left as it is (exit 0, and the
output says so). Needs the write token when the server has one.

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'TOPIC'}],
	options: {},
	async run(context, input) {
		const topic = nameArgument(input, 'TOPIC');
		const operation = 'create topic';
		const response = await callApi(context.api, {operation, method: 'PUT', path: ['topics', topic]});
		show(context, operation, response, (json) => {
			const body = object(json, 'the response');
			context.print(body['created'] === true ? `Created topic '${topic}'` : `Topic '${topic}' already exists (unchanged)`);
		});
	},
};

const deleteCommand: Command = {
	kind: 'command',
	name: 'delete',
	summary: 'delete a topic, its records and the groups\' committed offsets for it',
	usage: `Usage: flashq-demo client topic delete <TOPIC>

Deletes TOPIC (DELETE /topics/TOPIC): its records, and every consumer group's committed
offset for it (the groups themselves stay). Prints the topic, how many records it had (its
high water mark) and the groups whose offsets were removed. A later post to the same name
starts a new topic at offset 0. Fails (exit 1) when the topic does not exist.

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'TOPIC'}],
	options: {},
	async run(context, input) {
		const topic = nameArgument(input, 'TOPIC');
		const operation = 'delete topic';
		const response = await callApi(context.api, {operation, method: 'DELETE', path: ['topics', topic]});
		show(context, operation, response, (json) => {
			const body = object(json, 'the response');
			const records = integer(body, 'deleted_records');
			const groups = array(body, 'groups').map((group) => printable(String(group)));
			context.print(`Deleted topic '${printable(topic)}' (${records} ${records === 1 ? 'record' : 'records'})`);
			context.print(groups.length === 0 ? 'No consumer group had committed offsets for it' : `Removed committed offsets of groups: ${groups.join(', ')}`);
		});
	},
};

const offsetCommand: Command = {
	kind: 'command',
	name: 'offset',
	summary: 'find the first offset at or after a time',
	usage: `Usage: flashq-demo client topic offset <TOPIC> --time TIME

Prints the offset of the first record of TOPIC whose timestamp is at or after TIME
(GET /topics/TOPIC/offsets?time=MS), and that record's timestamp. When no record is that
recent, the offset is the high water mark (where the next record will go).

Options:
  --time TIME   ${TIME_HELP.split('\n').join('\n                ')}

${GLOBAL_OPTIONS_HELP}`,
	args: [{name: 'TOPIC'}],
	options: {time: {type: 'string'}},
	async run(context, input) {
		const topic = nameArgument(input, 'TOPIC');
		const raw = input.values.time;
		if (typeof raw !== 'string') throw new UsageError('--time is required', input.usage);
		const time = timeOption(raw, '--time', input.usage);
		const operation = 'look up offset';
		const response = await callApi(context.api, {operation, method: 'GET', path: ['topics', topic, 'offsets'], query: {time}});
		show(context, operation, response, (json) => {
			const body = object(json, 'the response');
			const offset = integer(body, 'offset');
			const timestamp = optionalInteger(body, 'timestamp');
			context.print(
				timestamp === undefined
					? `Offset ${offset} in topic '${printable(topic)}' for ${iso(time)}: no record at or after that time (the high water mark)`
					: `Offset ${offset} in topic '${printable(topic)}' for ${iso(time)}: first record at or after it, written ${iso(timestamp)}`,
			);
		});
	},
};

export const topicGroup: CommandGroup = {
	kind: 'group',
	name: 'topic',
	summary: 'topics: create, delete, offset --time',
	children: [createCommand, deleteCommand, offsetCommand],
};
