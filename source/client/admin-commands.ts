import {type Command, GLOBAL_OPTIONS_HELP, show} from './command.js';
import {CommandFailure} from './errors.js';
import {table} from './format.js';
import {callApi} from './http.js';
import {array, integer, type JsonObject, object, optionalInteger, optionalString, string} from './shape.js';

export const healthCommand: Command = {
	kind: 'command',
	name: 'health',
	summary: 'check that the server is up',
	usage: `Usage: flashq-demo client health

Sends GET /health and prints the server's status, service name and Unix timestamp (a server
with a token tells only its status to a client without it). Exits 1 when the server is
unreachable or not healthy.

${GLOBAL_OPTIONS_HELP}`,
	args: [],
	options: {},
	async run(context) {
		const operation = 'check health';
		const response = await callApi(context.api, {operation, method: 'GET', path: ['health']});
		show(context, operation, response, (json) => {
			const body = object(json, 'the response');
			context.print(`Server Status: ${string(body, 'status')}`);
			// Both absent when the server has a token and this client did not send it.
			const service = optionalString(body, 'service');
			const timestamp = optionalInteger(body, 'timestamp');
			if (service !== undefined) context.print(`Service: ${service}`);
			if (timestamp !== undefined) context.print(`Timestamp: ${timestamp}`);
		});
		// Scripts (`--json`) rely on the exit status too.
		const status = (response.json as {status?: unknown} | undefined)?.status;
		if (status !== 'healthy') throw new CommandFailure(`Failed to check health: the server reports status '${String(status)}'`);
	},
};

/** `{"topics":[...]}`, or a bare array, whichever the server sends. */
function listIn(json: unknown, field: string): unknown[] {
	if (Array.isArray(json)) return json;
	return array(object(json, 'the response'), field);
}

export const topicsCommand: Command = {
	kind: 'command',
	name: 'topics',
	summary: 'list topics with their high water marks and record counts',
	usage: `Usage: flashq-demo client topics

Sends GET /topics and prints one line per topic: name, high water mark (next offset to be
assigned) and record count.

${GLOBAL_OPTIONS_HELP}`,
	args: [],
	options: {},
	async run(context) {
		const operation = 'list topics';
		const response = await callApi(context.api, {operation, method: 'GET', path: ['topics']});
		show(context, operation, response, (json) => {
			const rows = listIn(json, 'topics').map((entry, index) => {
				const topic = object(entry, `topics[${index}]`);
				return [string(topic, 'name'), String(integer(topic, 'high_water_mark')), String(integer(topic, 'record_count'))];
			});
			if (rows.length === 0) {
				context.print('No topics');
				return;
			}
			for (const line of table(['TOPIC', 'HIGH WATER MARK', 'RECORDS'], rows)) context.print(line);
		});
	},
};

function offsetRow(groupId: string, entry: unknown, where: string): string[] {
	const info: JsonObject = object(entry, where);
	return [
		groupId,
		string(info, 'topic'),
		String(integer(info, 'committed_offset')),
		String(integer(info, 'high_water_mark')),
		String(integer(info, 'lag')),
		optionalString(info, 'last_commit_time') ?? '-',
	];
}

export const groupsCommand: Command = {
	kind: 'command',
	name: 'groups',
	summary: 'list consumer groups with their committed offsets and lag',
	usage: `Usage: flashq-demo client groups

Sends GET /consumer and prints, for each consumer group, one line per topic it has committed
for: committed offset, high water mark and lag. A group with no commits shows one line with '-'.

${GLOBAL_OPTIONS_HELP}`,
	args: [],
	options: {},
	async run(context) {
		const operation = 'list consumer groups';
		const response = await callApi(context.api, {operation, method: 'GET', path: ['consumer']});
		show(context, operation, response, (json) => {
			const rows: string[][] = [];
			for (const [index, entry] of listIn(json, 'groups').entries()) {
				const group = object(entry, `groups[${index}]`);
				const groupId = string(group, 'group_id');
				const offsets = array(group, 'offsets');
				if (offsets.length === 0) rows.push([groupId, '-', '-', '-', '-', '-']);
				for (const [position, info] of offsets.entries()) {
					rows.push(offsetRow(groupId, info, `groups[${index}].offsets[${position}]`));
				}
			}
			if (rows.length === 0) {
				context.print('No consumer groups');
				return;
			}
			for (const line of table(['GROUP', 'TOPIC', 'COMMITTED', 'HIGH WATER MARK', 'LAG', 'LAST COMMIT'], rows)) {
				context.print(line);
			}
		});
	},
};
