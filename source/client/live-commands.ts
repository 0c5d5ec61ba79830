import {EventSource, type ErrorEvent} from 'eventsource';
import {formatBytes, formatClock, formatMs, formatTimestamp, formatUptime} from '../ui/format.js';
import {type Command, type CommandInput, GLOBAL_OPTIONS_HELP, optionalBoolean, type RunContext, show} from './command.js';
import {CommandFailure} from './errors.js';
import {printable, table} from './format.js';
import {buildUrl, callApi} from './http.js';
import {array, integer, type JsonObject, object, optionalString, string} from './shape.js';

// --- client stats ---

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function optionalObject(from: JsonObject, name: string): JsonObject | undefined {
	const value = from[name];
	return value === undefined || value === null ? undefined : object(value, `'${name}'`);
}

function optionalNumber(from: JsonObject | undefined, name: string): number | undefined {
	const value = from?.[name];
	return typeof value === 'number' ? value : undefined;
}

/** The GET /stats snapshot in words and tables (`--json` prints the body as received). */
function renderStats(json: unknown, print: (line: string) => void): void {
	const body = object(json, 'the response');
	const engine = object(body['engine'], "'engine'");
	const server = object(body['server'], "'server'");
	const storage = object(engine['storage'], "'engine.storage'");
	const totals = object(engine['totals'], "'engine.totals'");

	const errors = integer(server, 'errors');
	const serverErrors = optionalNumber(server, 'serverErrors');
	print(
		`Server:   ${printable(string(server, 'url'))}, ${count(integer(server, 'requests'), 'request')} ` +
			`(${count(errors, 'error')}${serverErrors === undefined ? '' : `, ${serverErrors} 5xx`}), ${integer(server, 'inFlight')} in flight`,
	);
	const kind = string(storage, 'kind');
	if (kind === 'file') {
		const details = [
			`sync ${optionalString(storage, 'sync') ?? '-'}`,
			`commit threshold ${optionalNumber(storage, 'commitThreshold') ?? '-'}`,
			`cache ${optionalNumber(storage, 'cacheSize') ?? '-'} records`,
		];
		const locked = storage['locked'] === true ? 'lock held' : 'lock NOT held';
		print(`Storage:  file in ${printable(optionalString(storage, 'dataDir') ?? '-')} (${details.join(', ')}), ${locked}`);
	} else {
		print(`Storage:  ${printable(kind)}`);
	}
	const startedAt = integer(engine, 'startedAt');
	print(`Started:  ${formatTimestamp(new Date(startedAt).toISOString())} (up ${formatUptime(Date.now() - startedAt)})`);
	print(
		`Totals:   ${count(integer(totals, 'topics'), 'topic')}, ${count(integer(totals, 'groups'), 'group')}, ` +
			`${count(integer(totals, 'records'), 'record')} (${formatBytes(integer(totals, 'bytes'))}), ` +
			`${count(integer(totals, 'appends'), 'append')}, ${count(integer(totals, 'polls'), 'poll')}, ${integer(totals, 'recordsRead')} records read`,
	);
	const notices = Array.isArray(storage['notices']) ? (storage['notices'] as unknown[]) : [];
	if (notices.length > 0) {
		const latest = object(notices[notices.length - 1], "'engine.storage.notices'");
		print(`Notices:  ${notices.length} (latest: ${printable(string(latest, 'message'))})`);
	}
	const events = optionalObject(body, 'events');
	if (events !== undefined) print(`Events:   last id ${printable(string(events, 'lastEventId'))} (client watch follows from here)`);

	const topics = array(engine, 'topics').map((entry, index) => {
		const topic = object(entry, `engine.topics[${index}]`);
		const topicStorage = optionalObject(topic, 'storage');
		const wal = topicStorage === undefined ? undefined : optionalObject(topicStorage, 'wal');
		const fsync = topicStorage === undefined ? undefined : optionalObject(topicStorage, 'fsync');
		const cache = topicStorage === undefined ? undefined : optionalObject(topicStorage, 'cache');
		const index_ = topicStorage === undefined ? undefined : optionalObject(topicStorage, 'index');
		const hits = optionalNumber(cache, 'hits');
		const misses = optionalNumber(cache, 'misses');
		return [
			string(topic, 'name'),
			String(integer(topic, 'highWaterMark')),
			String(integer(topic, 'records')),
			formatBytes(integer(topic, 'bytes')),
			String(integer(topic, 'appends')),
			String(integer(topic, 'polls')),
			wal === undefined ? '-' : `${optionalNumber(wal, 'pendingRecords') ?? 0} rec`,
			fsync === undefined ? '-' : `${optionalNumber(fsync, 'count') ?? 0} (last ${formatMs(optionalNumber(fsync, 'lastLatencyMs'))})`,
			hits === undefined || misses === undefined ? '-' : `${hits}/${misses}`,
			index_ === undefined ? '-' : String(optionalNumber(index_, 'entries') ?? 0),
			topicStorage?.['failed'] === true ? 'FAILED' : 'ok',
		];
	});
	print('');
	if (topics.length === 0) print('No topics');
	else for (const line of table(['TOPIC', 'HWM', 'RECORDS', 'BYTES', 'APPENDS', 'POLLS', 'WAL PENDING', 'FSYNCS', 'CACHE HIT/MISS', 'INDEX', 'STATE'], topics)) print(line);

	const groups: string[][] = [];
	for (const [index, entry] of array(body, 'groups').entries()) {
		const group = object(entry, `groups[${index}]`);
		const groupId = string(group, 'groupId');
		const offsets = array(group, 'offsets');
		if (offsets.length === 0) groups.push([groupId, '-', '-', '-', '-']);
		for (const [position, offset] of offsets.entries()) {
			const info = object(offset, `groups[${index}].offsets[${position}]`);
			groups.push([groupId, string(info, 'topic'), String(integer(info, 'committedOffset')), String(integer(info, 'highWaterMark')), String(integer(info, 'lag'))]);
		}
	}
	print('');
	if (groups.length === 0) print('No consumer groups');
	else for (const line of table(['GROUP', 'TOPIC', 'COMMITTED', 'HWM', 'LAG'], groups)) print(line);
}

export const statsCommand: Command = {
	kind: 'command',
	name: 'stats',
	summary: 'print the server\'s stats snapshot: storage, totals, topics, groups with lag',
	usage: `Usage: flashq-demo client stats

Sends GET /stats (the figures the TUI shows) and prints a summary: the server's request
counts, the storage (kind, data dir, sync mode), when the queue started, totals, one line
per topic (high water mark, records, bytes, appends, polls, WAL, fsyncs, cache, index) and
one line per consumer group and topic with its committed offset and lag. A read token
(--read-token on the server) is enough. With --json, the body exactly as received.

${GLOBAL_OPTIONS_HELP}`,
	args: [],
	options: {},
	async run(context) {
		const operation = 'read stats';
		const response = await callApi(context.api, {operation, method: 'GET', path: ['stats']});
		show(context, operation, response, (json) => renderStats(json, context.print));
	},
};

// --- client watch ---

type Event = Record<string, unknown> & {type?: unknown; at?: unknown};

const num = (value: unknown): string => (typeof value === 'number' ? String(value) : '-');
const bytes = (value: unknown): string => (typeof value === 'number' ? formatBytes(value) : '-');
const range = (base: unknown, n: unknown): string =>
	typeof base === 'number' && typeof n === 'number' && n > 1 ? `offsets ${base}..${base + n - 1}` : `offset ${num(base)}`;

/** The figures of one event, in words: what `kubectl get -w` would put in its columns. */
function figures(event: Event): string {
	const e = event;
	switch (e.type) {
		case 'append':
			return `${range(e['baseOffset'], e['count'])}, ${count(Number(e['count']), 'record')}, ${bytes(e['bytes'])}`;
		case 'topic.create':
			return 'created';
		case 'topic.delete':
			return `deleted, ${count(Number(e['records']), 'record')}${Array.isArray(e['groups']) && e['groups'].length > 0 ? `; offsets of ${(e['groups'] as unknown[]).map((g) => printable(String(g))).join(', ')} removed` : ''}`;
		case 'poll':
			return `from ${num(e['fromOffset'])}, ${count(Number(e['count']), 'record')}${typeof e['group'] === 'string' ? `, group ${printable(e['group'])}` : ''}`;
		case 'wal.write':
			return `${range(e['baseOffset'], e['count'])}, ${bytes(e['bytes'])}; pending ${num(e['pendingRecords'])} records, ${bytes(e['pendingBytes'])}`;
		case 'fsync':
			return `${printable(String(e['file']))} in ${formatMs(typeof e['latencyMs'] === 'number' ? e['latencyMs'] : null)}, ${count(Number(e['records']), 'record')} made durable`;
		case 'wal.commit':
			return `${count(Number(e['records']), 'record')} (${bytes(e['bytes'])}) into the log, now ${bytes(e['logBytes'])}`;
		case 'cache':
			return `hits ${num(e['hits'])}, misses ${num(e['misses'])}, evictions ${num(e['evictions'])}`;
		case 'index.lookup':
			return `offset ${num(e['offset'])} -> entry ${num(e['entryOffset'])} at byte ${num(e['position'])}, ${num(e['scanned'])} frames scanned`;
		case 'index.append':
			return `offset ${num(e['offset'])} at byte ${num(e['position'])}`;
		case 'group.create':
			return 'created';
		case 'group.delete':
			return 'deleted';
		case 'group.commit':
			return `${printable(String(e['topic']))} offset ${num(e['offset'])}`;
		case 'recovery.progress':
			return `${bytes(e['bytesScanned'])} of ${bytes(e['totalBytes'])} scanned`;
		case 'recovery.done':
			return `${count(Number(e['records']), 'record')}, ${bytes(e['truncatedBytes'])} truncated${typeof e['message'] === 'string' ? `: ${printable(e['message'])}` : ''}`;
		case 'lock':
			return `${printable(String(e['state']))} ${printable(String(e['dataDir']))}`;
		case 'storage.error':
			return printable(String(e['message']));
		case 'sync.mode':
			return `sync ${printable(String(e['sync']))}`;
		case 'request':
			return `${printable(String(e['method']))} ${printable(String(e['path']))} ${num(e['status'])} in ${formatMs(typeof e['latencyMs'] === 'number' ? e['latencyMs'] : null)}`;
		default: {
			const {type: _type, at: _at, ...rest} = e;
			return printable(JSON.stringify(rest));
		}
	}
}

/** What an event is about: its topic, else its group, else its data dir (for lock events), else '-'. */
function subject(event: Event): string {
	const group = typeof event['group'] === 'string' && String(event.type).startsWith('group.') ? event['group'] : undefined;
	const name = group ?? event['topic'];
	return typeof name === 'string' ? printable(name) : '-';
}

const TYPE_WIDTH = 'recovery.progress'.length;
const SUBJECT_WIDTH = 16;

/** One event as one line: local time, type, topic (or group), the figures. */
export function eventLine(event: Event): string {
	const at = typeof event.at === 'number' ? formatClock(event.at) : '--:--:--.---';
	// A folded event (a busy server folds equal steps of one batch) stands for `merged`; its latency is their sum.
	const merged = typeof event['merged'] === 'number' && event['merged'] > 1 ? event['merged'] : 0;
	const shown = merged && typeof event['latencyMs'] === 'number' ? {...event, latencyMs: event['latencyMs'] / merged} : event;
	return `${at}  ${printable(String(event.type)).padEnd(TYPE_WIDTH)}  ${subject(event).padEnd(SUBJECT_WIDTH)}  ${figures(shown)}${merged ? ` (${merged} events, latency averaged)` : ''}`;
}

function noticeLine(type: 'missed' | 'reset', text: string): string {
	return `${formatClock(Date.now())}  ${`-- ${type}`.padEnd(TYPE_WIDTH)}  ${'-'.padEnd(SUBJECT_WIDTH)}  ${printable(text)}`;
}

/** Errors after which retrying cannot help: the token, or a server without /events. */
function refusal(code: number | undefined): string | undefined {
	if (code === 401) return 'unauthorized (HTTP 401; pass --token or set FLASHQ_TOKEN)';
	if (code === 403) return 'forbidden (HTTP 403)';
	if (code === 404) return 'the server has no GET /events (HTTP 404; an older flashq-demo?)';
	return undefined;
}

/** Resolves on Ctrl+C (SIGINT or SIGTERM) or when `signal` aborts. */
export function stopRequested(signal: AbortSignal | undefined): {stopped: Promise<void>; dispose(): void} {
	if (signal !== undefined) {
		let onAbort = (): void => undefined;
		const stopped = new Promise<void>((resolve) => {
			onAbort = () => resolve();
			if (signal.aborted) resolve();
			else signal.addEventListener('abort', onAbort, {once: true});
		});
		return {stopped, dispose: () => signal.removeEventListener('abort', onAbort)};
	}
	let onSignal = (): void => undefined;
	const stopped = new Promise<void>((resolve) => {
		onSignal = () => resolve();
		process.once('SIGINT', onSignal);
		process.once('SIGTERM', onSignal);
	});
	return {
		stopped,
		dispose() {
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
		},
	};
}

const RETRY_MS = 1000;

async function watch(context: RunContext, input: CommandInput): Promise<void> {
	const topic = typeof input.values['topic'] === 'string' ? input.values['topic'] : undefined;
	const requests = optionalBoolean(input, 'requests') ?? false;
	const {baseUrl, token} = context.api;
	const url = buildUrl(baseUrl, ['events']).href;
	// Start where the snapshot stands: a restart before the first event is still noticed (reset),
	// and a refused token or an absent server fails here with the usual message.
	const snapshot = await callApi(context.api, {operation: 'watch events', method: 'GET', path: ['stats']});
	const position = (snapshot.json as {events?: {lastEventId?: unknown}} | undefined)?.events?.lastEventId;
	const {stopped, dispose} = stopRequested(context.signal);

	const show = (event: Event): void => {
		if (topic !== undefined && event['topic'] !== topic) return;
		context.print(context.json ? JSON.stringify(event) : eventLine(event));
	};
	const notice = (type: 'missed' | 'reset', data: Record<string, unknown>, text: string): void => {
		context.print(context.json ? JSON.stringify({type, ...data}) : noticeLine(type, text));
	};

	let source: EventSource | undefined;
	let retry: NodeJS.Timeout | undefined;
	/** The id of the last frame seen: a new connection resumes after it (Last-Event-ID). */
	let lastEventId = typeof position === 'string' ? position : '';
	let opened = false;
	let lost = false;
	let failure: CommandFailure | undefined;
	let fail = (_error: CommandFailure): void => undefined;
	const failed = new Promise<void>((resolve) => {
		fail = (error) => {
			failure ??= error;
			resolve();
		};
	});

	const track = (id: string): void => {
		if (id !== '') lastEventId = id;
	};
	const batch = (data: string): unknown[] => {
		const parsed = JSON.parse(data) as unknown;
		return Array.isArray(parsed) ? parsed : [];
	};

	const connect = (): void => {
		const es = new EventSource(url, {
			fetch: (target, init) => {
				const headers = new Headers(init?.headers);
				if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
				// A fresh EventSource after a refused reconnect knows no id: resume from ours.
				if (!headers.has('last-event-id') && lastEventId !== '') headers.set('last-event-id', lastEventId);
				// Redirects would re-send the token elsewhere (as the other commands, not followed).
				return fetch(target, {...init, headers, redirect: 'manual'});
			},
		});
		source = es;
		es.addEventListener('engine', (message) => {
			track(message.lastEventId);
			for (const event of batch(message.data)) show(event as Event);
		});
		es.addEventListener('requests', (message) => {
			track(message.lastEventId);
			if (requests) for (const event of batch(message.data)) show(event as Event);
		});
		es.addEventListener('missed', (message) => {
			track(message.lastEventId);
			const data = JSON.parse(message.data) as {count?: number; message?: string};
			notice('missed', data, data.message ?? `missed ${data.count ?? '?'} events`);
		});
		es.addEventListener('reset', (message) => {
			const data = JSON.parse(message.data) as {reason?: string};
			notice('reset', data, data.reason ?? 'the server restarted');
		});
		es.onopen = () => {
			if (!opened) context.warn(`Watching ${baseUrl.origin} events (Ctrl+C to stop)`);
			else if (lost) context.warn(`Reconnected to ${baseUrl.origin}, resuming after ${lastEventId || 'the start'}`);
			opened = true;
			lost = false;
		};
		es.onerror = (event: ErrorEvent) => {
			const refused = refusal(event.code);
			if (refused !== undefined) {
				es.close();
				fail(new CommandFailure(`Failed to watch events: ${refused}`));
				return;
			}
			if (!opened) {
				// Nothing was ever watched: the server is not there (as every other command, exit 1).
				es.close();
				fail(new CommandFailure(`Failed to connect to server: ${event.message ?? 'no answer'} (${baseUrl.origin})`));
				return;
			}
			if (!lost) context.warn(`Connection to ${baseUrl.origin} lost (${event.message ?? 'stream ended'}), retrying...`);
			lost = true;
			// EventSource retries a dropped stream by itself; a refused one (a 5xx while the server
			// restarts) closes for good, so a new one is started here.
			if (es.readyState === es.CLOSED) retry = setTimeout(connect, RETRY_MS);
		};
	};

	connect();
	try {
		await Promise.race([stopped, failed]);
	} finally {
		dispose();
		clearTimeout(retry);
		source?.close();
	}
	if (failure !== undefined) throw failure;
}

export const watchCommand: Command = {
	kind: 'command',
	name: 'watch',
	summary: 'print the server\'s events as they happen, until Ctrl+C',
	usage: `Usage: flashq-demo client watch [--topic TOPIC] [--requests]

Follows GET /events (Server-Sent Events) and prints one line per event as it arrives, like
'kubectl get -w': local time, type, topic (or group), and the figures (offsets, records,
bytes, latencies). Runs until Ctrl+C. When the connection drops (a network blip, a server
restart) it reconnects and resumes after the last event seen (Last-Event-ID); the server
then sends what was missed, or a 'missed' line with the count (the events are gone), or a
'reset' line (the server restarted: its events start anew). Those two lines are printed
with the events; connection notices (watching, lost, reconnected) go to stderr. A read
token (--read-token on the server) is enough.

Options:
  --topic TOPIC      only events about this topic
  --requests         also the server's request events (method, path, status, latency)
  --json             one JSON object per line: the event as the server sent it, or
                     {"type":"missed","count":N,"message":...} / {"type":"reset","reason":...}

${GLOBAL_OPTIONS_HELP}`,
	args: [],
	options: {topic: {type: 'string'}, requests: {type: 'string'}},
	booleanValued: ['requests'],
	run: watch,
};
