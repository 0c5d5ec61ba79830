import type {IncomingMessage, ServerResponse} from 'node:http';
import type {FlashQ} from '../engine/flashq.js';
import type {StorageNotice} from '../core/stats.js';
import type {CommittedOffsetInfo, FetchResult, PollResult} from '../engine/types.js';
import {readJsonBody} from './body.js';
import {offsetsJson} from './encode.js';
import type {Route} from './router.js';
import type {EventStream} from './event-stream.js';
import type {ServerStats} from './types.js';
import {HttpError} from './http-error.js';
import {commitBody, offsetParam, produceBody, readQuery, timeParam} from './wire.js';

/** What a handler answers: a JSON body, raw text (metrics), nothing (204), or a stream that takes over the response (GET /events). */
export interface Reply {
	status: number;
	json?: unknown;
	text?: string;
	contentType?: string;
	/** Takes over the response; called once headers are due. The request counts as answered when the stream closes. */
	stream?: (res: ServerResponse) => void;
}

export interface HandlerContext {
	req: IncomingMessage;
	params: Record<string, string>;
	search: URLSearchParams;
	/** False only when the server has a token and the request did not present it (GET /health gets that far). */
	trusted: boolean;
}

export type Handler = (context: HandlerContext) => Reply | Promise<Reply>;

export interface RouteDeps {
	queue: FlashQ;
	version: string;
	/** Prometheus text and its content type, read at scrape time. */
	metrics: () => Promise<{text: string; contentType: string}>;
	openapi: () => unknown;
	/** The server's own figures and URL (GET /stats). */
	server: () => ServerStats & {url: string};
	/** The event stream (GET /events) and where it is (GET /stats). */
	events: EventStream;
}

const ok = (json: unknown): Reply => ({status: 200, json});

/** /health lists the latest storage notices only: its size must not grow with the queue's age. */
export const HEALTH_NOTICES = 20;

function noticeJson(notice: StorageNotice): Record<string, unknown> {
	const out: Record<string, unknown> = {at: new Date(notice.at).toISOString(), kind: notice.kind, level: notice.level, message: notice.message};
	if (notice.topic !== undefined) out['topic'] = notice.topic;
	if (notice.file !== undefined) out['file'] = notice.file;
	if (notice.position !== undefined) out['position'] = notice.position;
	if (notice.recordsDropped !== undefined) out['records_dropped'] = notice.recordsDropped;
	if (notice.bytesDropped !== undefined) out['bytes_dropped'] = notice.bytesDropped;
	if (notice.copy !== undefined) out['copy'] = notice.copy;
	return out;
}
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Wire form of a read result; `lag` only when the engine gave one (it is omitted when negative). */
function readResult(result: PollResult | FetchResult): Record<string, unknown> {
	const out: Record<string, unknown> = {
		records: result.records,
		next_offset: result.nextOffset,
		high_water_mark: result.highWaterMark,
	};
	if (result.lag !== undefined) out['lag'] = result.lag;
	return out;
}

function offsetInfo(info: CommittedOffsetInfo): Record<string, unknown> {
	const out: Record<string, unknown> = {
		topic: info.topic,
		committed_offset: info.committedOffset,
		high_water_mark: info.highWaterMark,
		lag: info.lag,
	};
	// Real time of the last commit; left out when the group never committed for this topic.
	if (info.lastCommitTime !== undefined) out['last_commit_time'] = info.lastCommitTime;
	return out;
}

/** GET /stats, also pushed to /events watchers as `event: stats`: the engine's typed stats surface and the stream's position. */
export function statsSnapshot(queue: FlashQ, server: () => ServerStats & {url: string}, events: EventStream): Record<string, unknown> {
	return {engine: queue.stats(), groups: queue.groups(), server: server(), events: {lastEventId: `${events.startId}-${events.lastSeq}`}};
}

/**
 * Every endpoint: HTTP in, one engine call, HTTP out. Business rules (names, limits, offsets,
 * check order between group and topic) live in the engine; only wire shapes are checked here.
 */
export function apiRoutes({queue, version, metrics, openapi, server, events}: RouteDeps): Array<Route<Handler>> {
	return [
		{
			method: 'GET',
			pattern: '/health',
			handler: ({trusted}) => {
				const stats = queue.stats();
				const {storage} = stats;
				// A file queue that lost its directory lock writes nothing more: not healthy, and a probe must see it.
				const lockLost = storage.kind === 'file' && !storage.locked;
				// An unauthenticated probe learns whether the queue is up, not what it holds or runs.
				if (!trusted) return {status: lockLost ? 503 : 200, json: {status: lockLost ? 'unhealthy' : 'healthy'}};
				return {
					status: lockLost ? 503 : 200,
					json: {
						status: lockLost ? 'unhealthy' : 'healthy',
						service: 'flashq',
						timestamp: Math.floor(Date.now() / 1000),
						...(lockLost ? {reason: `lost the lock on data directory ${storage.dataDir}: this process accepts no more writes; restart it`} : {}),
						version,
						uptime: Math.floor((Date.now() - stats.startedAt) / 1000),
						topics_count: stats.totals.topics,
						consumer_groups_count: stats.totals.groups,
						storage: {
							kind: storage.kind,
							locked: storage.locked,
							notices_total: storage.notices.length,
							notices: storage.notices.slice(-HEALTH_NOTICES).map(noticeJson),
						},
					},
				};
			},
		},
		{
			method: 'GET',
			pattern: '/topics',
			handler: () =>
				ok({
					topics: queue.topics().map((t) => ({
						name: t.name,
						high_water_mark: t.highWaterMark,
						record_count: t.recordCount,
						last_append_time: iso(t.lastAppendTime),
					})),
				}),
		},
		{
			method: 'PUT',
			pattern: '/topics/{topic}',
			// The body is ignored, like POST /consumer/{group_id}'s: everything is in the path.
			handler: async ({params}) => {
				const {topic, created} = await queue.createTopic(params['topic']!);
				return {status: created ? 201 : 200, json: {topic, created}};
			},
		},
		{
			method: 'DELETE',
			pattern: '/topics/{topic}',
			handler: async ({params}) => {
				const {topic, records, groups} = await queue.deleteTopic(params['topic']!);
				return ok({topic, deleted_records: records, groups});
			},
		},
		{
			method: 'GET',
			pattern: '/topics/{topic}/offsets',
			handler: async ({params, search}) => {
				const time = timeParam(search);
				const {offset, timestamp} = await queue.offsetForTime(params['topic']!, time);
				return ok({topic: params['topic']!, time, offset, timestamp});
			},
		},
		{
			method: 'POST',
			pattern: '/topics/{topic}/records',
			handler: async ({req, params}) => {
				const records = produceBody(await readJsonBody(req));
				return {status: 200, text: offsetsJson(await queue.post(params['topic']!, records)), contentType: 'application/json'};
			},
		},
		{
			method: 'GET',
			pattern: '/topics/{topic}/records',
			handler: async ({params, search}) => {
				const {peek, ...options} = readQuery(search);
				return ok(readResult(await (peek ? queue.peek(params['topic']!, options) : queue.poll(params['topic']!, options))));
			},
		},
		{
			method: 'GET',
			pattern: '/topics/{topic}/records/{offset}/frame',
			handler: async ({params}) => {
				const topic = params['topic']!;
				const offset = offsetParam(params['offset']!);
				const frame = await queue.locateRecord(topic, offset);
				if (frame) {
					return ok({
						source: frame.source,
						file: frame.file,
						position: frame.position,
						bytes: frame.bytes.toString('base64'),
						written: frame.written,
						index_entry: frame.indexEntry,
					});
				}
				const highWaterMark = queue.topics().find((t) => t.name === topic)?.highWaterMark ?? 0;
				if (offset >= highWaterMark) {
					throw new HttpError(404, 'record_not_found', `topic '${topic}' has no record at offset ${offset} (high water mark ${highWaterMark})`, {topic, offset});
				}
				throw new HttpError(404, 'frame_not_available', `${queue.stats().storage.kind} storage keeps no frames on disk`, {topic, offset});
			},
		},
		{
			method: 'GET',
			pattern: '/stats',
			// The in-process TUI's typed stats surface, as JSON (camelCase: the engine's own types), and
			// the event stream's position, so a watcher resumes /events exactly after this snapshot.
			handler: () => ok(statsSnapshot(queue, server, events)),
		},
		{
			method: 'GET',
			pattern: '/events',
			handler: ({req}) => {
				const lastEventId = req.headers['last-event-id'];
				return {status: 200, stream: (res) => events.attach(res, typeof lastEventId === 'string' ? lastEventId : undefined)};
			},
		},
		{
			method: 'GET',
			pattern: '/consumer',
			handler: () =>
				ok({groups: queue.groups().map((g) => ({group_id: g.groupId, offsets: g.offsets.map(offsetInfo)}))}),
		},
		{
			method: 'POST',
			pattern: '/consumer/{group_id}',
			// The body is ignored, as in the reference: the id always comes from the path.
			handler: async ({params}) => {
				const groupId = params['group_id']!;
				await queue.createGroup(groupId);
				return ok({group_id: groupId});
			},
		},
		{
			method: 'DELETE',
			pattern: '/consumer/{group_id}',
			handler: async ({params}) => {
				await queue.deleteGroup(params['group_id']!);
				return {status: 204};
			},
		},
		{
			method: 'GET',
			pattern: '/consumer/{group_id}/topics/{topic}',
			handler: async ({params, search}) => {
				const query = readQuery(search);
				return ok(readResult(await queue.fetch(params['group_id']!, params['topic']!, query)));
			},
		},
		{
			method: 'GET',
			pattern: '/consumer/{group_id}/topics/{topic}/offset',
			handler: ({params}) => ok(offsetInfo(queue.committedOffset(params['group_id']!, params['topic']!))),
		},
		{
			method: 'POST',
			pattern: '/consumer/{group_id}/topics/{topic}/offset',
			handler: async ({req, params}) => {
				const offset = commitBody(await readJsonBody(req));
				const result = await queue.commitOffset(params['group_id']!, params['topic']!, offset);
				return ok({
					group_id: result.groupId,
					topic: result.topic,
					offset: result.offset,
					committed_offset: result.committedOffset,
					timestamp: result.timestamp,
				});
			},
		},
		{
			method: 'GET',
			pattern: '/metrics',
			handler: async () => {
				const {text, contentType} = await metrics();
				return {status: 200, text, contentType};
			},
		},
		{method: 'GET', pattern: '/openapi.json', handler: () => ok(openapi())},
	];
}
