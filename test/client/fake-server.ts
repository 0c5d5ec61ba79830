import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';

/**
 * A small test double of the REST contract (spec §3 shapes, plus the assumed GET /topics and
 * GET /consumer listings), used until the real server exists. It also records what the client
 * sent so tests can check requests. Not a reimplementation: limits are only the ones tests touch.
 */
export interface SeenRequest {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
}

export interface FakeServer {
	url: string;
	requests: SeenRequest[];
	close(): Promise<void>;
}

interface Stored {
	key: string | null;
	value: string;
	headers: Record<string, string> | null;
	offset: number;
	timestamp: string;
}

const NAME = /^[a-zA-Z0-9._][a-zA-Z0-9._-]*$/;
const validName = (name: string) => name.length <= 255 && NAME.test(name) && !/^\.+$/.test(name);

export async function startFakeServer(options: {token?: string} = {}): Promise<FakeServer> {
	const topics = new Map<string, Stored[]>();
	const groups = new Map<string, Map<string, {offset: number; time: string}>>();
	const requests: SeenRequest[] = [];

	const send = (res: ServerResponse, status: number, body?: unknown) => {
		if (body === undefined) return void res.writeHead(status).end();
		res.writeHead(status, {'content-type': 'application/json'}).end(JSON.stringify(body));
	};
	const fail = (res: ServerResponse, status: number, error: string, details?: object) =>
		send(res, status, {error, message: `${error} (fake)`, ...(details ? {details} : {})});

	const page = (res: ServerResponse, log: Stored[], from: number, query: URLSearchParams) => {
		const max = query.has('max_records') ? Number(query.get('max_records')) : 10_000;
		if (!Number.isInteger(max) || max < 1 || max > 10_000) return void fail(res, 400, 'invalid_parameter', {parameter: 'max_records'});
		const withHeaders = query.get('include_headers') !== 'false';
		return log.slice(from, from + max).map((record) => ({...record, headers: withHeaders ? record.headers : null}));
	};

	const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
		const url = new URL(req.url!, 'http://fake');
		const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
		const route = `${req.method} ${parts.map((part, index) => (index % 2 === 1 ? '*' : part)).join('/')}`;
		if (options.token !== undefined && route !== 'GET health' && req.headers.authorization !== `Bearer ${options.token}`) {
			return fail(res, 401, 'unauthorized');
		}
		for (const [index, part] of parts.entries()) {
			if (index % 2 === 1 && !validName(part)) return fail(res, 400, 'invalid_parameter', {parameter: parts[0] === 'topics' || index === 3 ? 'topic' : 'group_id'});
		}
		const [, first, , second] = parts;
		const group = parts[0] === 'consumer' ? groups.get(first!) : undefined;
		const needGroup = () => (group ? false : (fail(res, 404, 'group_not_found', {group_id: first}), true));
		const topicName = parts[0] === 'topics' ? first! : second!;
		const log = topics.get(topicName);
		const needTopic = () => (log ? false : (fail(res, 404, 'topic_not_found', {topic: topicName}), true));
		const hwm = log?.length ?? 0;
		switch (route) {
			case 'GET health':
				return send(res, 200, {status: 'healthy', service: 'flashq', timestamp: Math.floor(Date.now() / 1000)});
			case 'GET topics':
				return send(res, 200, {topics: [...topics].map(([name, records]) => ({name, high_water_mark: records.length, record_count: records.length}))});
			case 'POST topics/*/records': {
				if (!/json/.test(req.headers['content-type'] ?? '')) return fail(res, 415, 'unsupported_media_type');
				let parsed: {records?: unknown};
				try {
					parsed = JSON.parse(body) as {records?: unknown};
				} catch {
					return fail(res, 400, 'validation_error');
				}
				const records = parsed.records as {key?: string | null; value: unknown; headers?: Record<string, string> | null}[];
				if (!Array.isArray(records) || records.some((record) => typeof record?.value !== 'string')) {
					return fail(res, 422, 'record_validation_error');
				}
				if (records.length === 0) return fail(res, 400, 'invalid_parameter', {parameter: 'records'});
				const target = topics.get(topicName) ?? [];
				topics.set(topicName, target);
				const timestamp = new Date().toISOString();
				const offsets = records.map((record) => {
					const offset = target.length;
					target.push({key: record.key ?? null, value: record.value as string, headers: record.headers ?? null, offset, timestamp});
					return {offset, timestamp};
				});
				return send(res, 200, {offsets});
			}
			case 'GET topics/*/records': {
				if (needTopic()) return;
				const from = Number(url.searchParams.get('from_offset') ?? 0);
				const records = page(res, log!, from, url.searchParams);
				if (!records) return;
				const next = records.length > 0 ? records.at(-1)!.offset + 1 : url.searchParams.has('from_offset') ? from : hwm;
				return send(res, 200, {records, next_offset: next, high_water_mark: hwm, ...(hwm >= next ? {lag: hwm - next} : {})});
			}
			case 'GET consumer':
				return send(res, 200, {
					groups: [...groups].map(([group_id, offsets]) => ({
						group_id,
						offsets: [...offsets].map(([topic, {offset, time}]) => {
							const high = topics.get(topic)?.length ?? 0;
							return {topic, committed_offset: offset, high_water_mark: high, lag: Math.max(0, high - offset), last_commit_time: time};
						}),
					})),
				});
			case 'POST consumer/*':
				if (groups.has(first!)) return fail(res, 409, 'conflict', {group_id: first});
				groups.set(first!, new Map());
				return send(res, 200, {group_id: first});
			case 'DELETE consumer/*':
				if (needGroup()) return;
				groups.delete(first!);
				return send(res, 204);
			case 'GET consumer/*/topics/*': {
				if (needGroup() || needTopic()) return;
				const committed = group!.get(topicName)?.offset ?? 0;
				const records = page(res, log!, Number(url.searchParams.get('from_offset') ?? committed), url.searchParams);
				if (!records) return;
				return send(res, 200, {records, next_offset: committed, high_water_mark: hwm, lag: hwm - committed});
			}
			case 'GET consumer/*/topics/*/offset': {
				if (needGroup()) return;
				const committed = group!.get(topicName);
				const offset = committed?.offset ?? 0;
				return send(res, 200, {
					topic: topicName,
					committed_offset: offset,
					high_water_mark: hwm,
					lag: Math.max(0, hwm - offset),
					...(committed ? {last_commit_time: committed.time} : {}),
				});
			}
			case 'POST consumer/*/topics/*/offset': {
				let offset: unknown;
				try {
					offset = (JSON.parse(body) as {offset?: unknown}).offset;
				} catch {
					return fail(res, 400, 'validation_error');
				}
				if (!Number.isInteger(offset) || (offset as number) < 0) return fail(res, 422, 'record_validation_error');
				if (needGroup() || needTopic()) return;
				if ((offset as number) > hwm) return fail(res, 400, 'invalid_offset', {offset, topic: topicName, max_offset: hwm});
				group!.set(topicName, {offset: offset as number, time: new Date().toISOString()});
				return send(res, 200, {group_id: first, topic: topicName, offset});
			}
			default:
				// Like the original's framework 404: no JSON body, so the client must show the raw status.
				return send(res, 404);
		}
	};

	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			requests.push({method: req.method!, url: req.url!, headers: req.headers, body});
			handle(req, res, body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
