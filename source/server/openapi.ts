/**
 * The OpenAPI 3.1 document of the API this server really serves (GET /openapi.json).
 * test/server/openapi.test.ts checks every route of the router against it, and every documented
 * success response against a live answer, so it cannot drift from the code.
 */
import {LIMITS} from '../engine/limits.js';

const json = (schema: unknown) => ({'application/json': {schema}});

/** GET /health, healthy or not (503 when the data directory lock is lost). */
const healthSchema = {
	type: 'object',
	description: 'With a token configured, a request without it gets only `status`.',
	required: ['status'],
	properties: {
		status: {type: 'string', enum: ['healthy', 'unhealthy']},
		service: {type: 'string'},
		timestamp: {type: 'integer', description: 'Unix seconds'},
		reason: {type: 'string', description: 'why the queue is unhealthy (only then)'},
		version: {type: 'string'},
		uptime: {type: 'integer', description: 'seconds'},
		topics_count: {type: 'integer'},
		consumer_groups_count: {type: 'integer'},
		storage: {
			type: 'object',
			required: ['kind', 'locked', 'notices_total', 'notices'],
			properties: {
				kind: {type: 'string', enum: ['memory', 'file']},
				locked: {type: 'boolean', description: 'file storage: whether this process holds the data directory lock'},
				notices_total: {type: 'integer', description: 'storage notices since the queue opened'},
				notices: {
					type: 'array',
					description: 'the latest storage notices (at most 20), oldest first: recovery actions at open, a lock takeover or loss',
					items: {
						type: 'object',
						required: ['at', 'kind', 'level', 'message'],
						properties: {
							at: {type: 'string', format: 'date-time'},
							kind: {type: 'string', enum: ['recovery', 'lock']},
							level: {type: 'string', enum: ['info', 'warning']},
							message: {type: 'string'},
							topic: {type: 'string'},
							file: {type: 'string'},
							position: {type: 'integer', description: 'byte position in file'},
							records_dropped: {type: 'integer'},
							bytes_dropped: {type: 'integer'},
							copy: {type: 'string', description: 'where --repair kept a copy of the damaged file'},
						},
					},
				},
			},
		},
	},
};
const error = (description: string) => ({description, content: json({$ref: '#/components/schemas/Error'})});
const name = (param: 'topic' | 'group_id') => ({
	name: param,
	in: 'path',
	required: true,
	schema: {type: 'string', pattern: '^[a-zA-Z0-9._][a-zA-Z0-9._-]*$', minLength: 1, maxLength: LIMITS.maxNameLength},
});
const readQuery = [
	{name: 'max_records', in: 'query', schema: {type: 'integer', minimum: LIMITS.minMaxRecords, maximum: LIMITS.maxMaxRecords, default: LIMITS.defaultMaxRecords}},
	{
		name: 'max_bytes',
		in: 'query',
		description:
			'Byte bound of the read, counted as the produce limits count a record (UTF-8 bytes of key, value, header names and values). ' +
			'The read stops before the record that would pass it, but always returns at least one record (like Kafka fetch.max.bytes).',
		schema: {type: 'integer', minimum: LIMITS.minMaxBytes, maximum: LIMITS.maxMaxBytes, default: LIMITS.defaultMaxBytes},
	},
	{name: 'from_offset', in: 'query', schema: {type: 'integer', minimum: 0}},
	{name: 'include_headers', in: 'query', schema: {type: 'boolean', default: true}},
];
const jsonBodyErrors = {
	'413': error('Body larger than 2 MiB (payload_too_large), also refused before "100 Continue"'),
	'415': error('Content-Type is not JSON, or declares a charset other than UTF-8 (unsupported_media_type)'),
	'422': error('Body is JSON but not the request schema (record_validation_error)'),
};

export interface DocumentOptions {
	/** The server runs with a token: operations declare bearer security and their 401. */
	auth?: boolean;
	/** The server also accepts a read token: write operations (POST, PUT, DELETE) declare its 403. */
	readToken?: boolean;
}

const unauthorized = {
	description: 'Missing or wrong bearer token (unauthorized)',
	headers: {'WWW-Authenticate': {schema: {type: 'string', const: 'Bearer'}}},
	content: json({$ref: '#/components/schemas/Error'}),
};

const forbidden = {
	description: 'The bearer token is the read token, which admits GET and HEAD requests only (forbidden)',
	content: json({$ref: '#/components/schemas/Error'}),
};

/**
 * Security that applies: with a token, every operation but GET /health requires it and may answer
 * 401; GET /health takes it optionally (without, it answers only `status`). With a read token,
 * writes may also answer 403. Without a token the document declares no security at all, as the
 * server checks none.
 */
function withSecurity(paths: Record<string, Record<string, unknown>>, auth: boolean, readToken = false): Record<string, Record<string, unknown>> {
	if (!auth) return paths;
	const out: Record<string, Record<string, unknown>> = {};
	for (const [path, item] of Object.entries(paths)) {
		out[path] = Object.fromEntries(
			Object.entries(item).map(([method, operation]) => {
				if (method === 'parameters') return [method, operation];
				const op = operation as {responses: Record<string, unknown>};
				if (path === '/health') return [method, {...op, security: [{}, {bearer: []}]}];
				const write = method === 'post' || method === 'put' || method === 'delete';
				return [method, {...op, responses: {...op.responses, '401': unauthorized, ...(readToken && write ? {'403': forbidden} : {})}}];
			}),
		);
	}
	return out;
}

export function openApiDocument(version: string, options: DocumentOptions = {}): Record<string, unknown> {
	const auth = options.auth === true;
	return {
		openapi: '3.1.0',
		info: {
			title: 'FlashQ',
			version,
			description:
				'A Kafka-style record queue. Errors are {error, message, details?}; clients switch on `error` and the status. ' +
				'When the server runs with a token, every request except GET /health needs `Authorization: Bearer <token>` (else 401 unauthorized), ' +
				'and GET /health without it answers only `status`; this document then declares the bearer scheme. ' +
				'A read token (--read-token) admits GET and HEAD requests only: a write with it gets 403 forbidden. ' +
				'HEAD is answered on every GET route like GET, without a body.',
		},
		components: {
			...(auth ? {securitySchemes: {bearer: {type: 'http', scheme: 'bearer'}}} : {}),
			schemas: {
				Error: {
					type: 'object',
					required: ['error', 'message'],
					properties: {error: {type: 'string'}, message: {type: 'string'}, details: {type: 'object'}},
				},
				Record: {
					type: 'object',
					required: ['value'],
					properties: {
						key: {type: ['string', 'null'], description: `at most ${LIMITS.maxKeyBytes} UTF-8 bytes`},
						value: {type: 'string', description: `at most ${LIMITS.maxValueBytes.toLocaleString('en-US')} UTF-8 bytes`},
						headers: {
							type: ['object', 'null'],
							description: `at most ${LIMITS.maxHeadersPerRecord} headers; each name at most ${LIMITS.maxHeaderNameBytes} UTF-8 bytes`,
							maxProperties: LIMITS.maxHeadersPerRecord,
							additionalProperties: {type: 'string', description: `at most ${LIMITS.maxHeaderValueBytes} UTF-8 bytes`},
						},
					},
				},
				RecordWithOffset: {
					type: 'object',
					required: ['key', 'value', 'headers', 'offset', 'timestamp'],
					properties: {
						key: {type: ['string', 'null']},
						value: {type: 'string'},
						headers: {type: ['object', 'null'], additionalProperties: {type: 'string'}},
						offset: {type: 'integer', minimum: 0},
						timestamp: {type: 'string', format: 'date-time'},
					},
				},
				ReadResult: {
					type: 'object',
					required: ['records', 'next_offset', 'high_water_mark'],
					properties: {
						records: {type: 'array', items: {$ref: '#/components/schemas/RecordWithOffset'}},
						next_offset: {type: 'integer'},
						high_water_mark: {type: 'integer'},
						lag: {type: 'integer', description: 'omitted when it would be negative'},
					},
				},
				OffsetInfo: {
					type: 'object',
					required: ['topic', 'committed_offset', 'high_water_mark', 'lag'],
					properties: {
						topic: {type: 'string'},
						committed_offset: {type: 'integer'},
						high_water_mark: {type: 'integer'},
						lag: {type: 'integer'},
						last_commit_time: {type: 'string', format: 'date-time', description: 'absent if the group never committed for this topic'},
					},
				},
			},
		},
		...(auth ? {security: [{bearer: []}]} : {}),
		paths: withSecurity({
			'/health': {
				get: {
					summary: 'Liveness check (never needs the token; without it, only `status`)',
					operationId: 'health',
					responses: {
						'200': {description: 'Healthy', content: json(healthSchema)},
						'503': {description: 'Unhealthy: the queue lost its data directory lock and accepts no more writes', content: json(healthSchema)},
					},
				},
			},
			'/topics': {
				get: {
					summary: 'List topics',
					operationId: 'listTopics',
					responses: {
						'200': {
							description: 'Topics by name',
							content: json({
								type: 'object',
								required: ['topics'],
								properties: {
									topics: {
										type: 'array',
										items: {
											type: 'object',
											required: ['name', 'high_water_mark', 'record_count', 'last_append_time'],
											properties: {
												name: {type: 'string'},
												high_water_mark: {type: 'integer'},
												record_count: {type: 'integer'},
												last_append_time: {type: ['string', 'null'], format: 'date-time'},
											},
										},
									},
								},
							}),
						},
					},
				},
			},
			'/topics/{topic}': {
				parameters: [name('topic')],
				put: {
					summary: 'Create an empty topic (nothing happens when it exists; any body is ignored)',
					operationId: 'createTopic',
					responses: {
						'200': {
							description: 'The topic existed already',
							content: json({type: 'object', required: ['topic', 'created'], properties: {topic: {type: 'string'}, created: {type: 'boolean', const: false}}}),
						},
						'201': {
							description: 'Created, with high water mark 0',
							content: json({type: 'object', required: ['topic', 'created'], properties: {topic: {type: 'string'}, created: {type: 'boolean', const: true}}}),
						},
						'400': error('Bad topic name (invalid_parameter / validation_error)'),
						'409': error('The queue holds its maximum of topics (topic_limit_reached)'),
					},
				},
				delete: {
					summary: "Delete a topic, its records and every consumer group's committed offset for it (the groups stay)",
					operationId: 'deleteTopic',
					description: 'A later post to the name starts a new topic at offset 0.',
					responses: {
						'200': {
							description: 'Deleted',
							content: json({
								type: 'object',
								required: ['topic', 'deleted_records', 'groups'],
								properties: {
									topic: {type: 'string'},
									deleted_records: {type: 'integer', description: 'its high water mark at deletion'},
									groups: {type: 'array', items: {type: 'string'}, description: 'the groups that had a committed offset for it, sorted'},
								},
							}),
						},
						'400': error('Bad topic name (invalid_parameter)'),
						'404': error('No such topic (topic_not_found)'),
					},
				},
			},
			'/topics/{topic}/offsets': {
				parameters: [name('topic')],
				get: {
					summary: 'The offset of the first record stamped at or after a time (by the offset index; counted nowhere)',
					operationId: 'offsetForTime',
					description:
						'For resetting a consumer group to a time: commit the answer. With no such record, the offset is the high water mark and timestamp is null. ' +
						'Timestamps are the server clock at append; should the clock step back, the answer is a record at or after the time that follows one before it.',
					parameters: [
						{
							name: 'time',
							in: 'query',
							required: true,
							description: 'Milliseconds since the epoch (digits), or an ISO 8601 date-time (UTC when it has no offset)',
							schema: {type: 'string', pattern: '^(\\d+|\\d{4}-\\d{2}-\\d{2}T.+)$'},
						},
					],
					responses: {
						'200': {
							description: 'The offset',
							content: json({
								type: 'object',
								required: ['topic', 'time', 'offset', 'timestamp'],
								properties: {
									topic: {type: 'string'},
									time: {type: 'integer', description: 'the time asked for, in ms since the epoch'},
									offset: {type: 'integer'},
									timestamp: {type: ['integer', 'null'], description: "the record's timestamp (ms since the epoch); null when there is none"},
								},
							}),
						},
						'400': error('Missing or bad time, or bad topic name (invalid_parameter)'),
						'404': error('No such topic (topic_not_found)'),
					},
				},
			},
			'/topics/{topic}/records': {
				parameters: [name('topic')],
				post: {
					summary: `Produce ${LIMITS.minBatch}..${LIMITS.maxBatch} records (the topic is created on first produce)`,
					operationId: 'produce',
					requestBody: {
						required: true,
						content: json({
							type: 'object',
							required: ['records'],
							properties: {records: {type: 'array', minItems: LIMITS.minBatch, maxItems: LIMITS.maxBatch, items: {$ref: '#/components/schemas/Record'}}},
						}),
					},
					responses: {
						'200': {
							description: 'Contiguous offsets in request order, with each record\'s stored timestamp',
							content: json({
								type: 'object',
								required: ['offsets'],
								properties: {
									offsets: {
										type: 'array',
										items: {
											type: 'object',
											required: ['offset', 'timestamp'],
											properties: {offset: {type: 'integer'}, timestamp: {type: 'string', format: 'date-time'}},
										},
									},
								},
							}),
						},
						'400': error(
							'Bad JSON, bad topic name, empty batch (invalid_parameter), a limit (validation_error: batch size, key, value, ' +
								'header name or value bytes, headers per record; details {field, max_size, actual_size})',
						),
						'409': error('The topic does not exist and the server already holds --max-topics topics (topic_limit_reached)'),
						...jsonBodyErrors,
					},
				},
				get: {
					summary: 'Plain, stateless poll of a topic',
					operationId: 'poll',
					parameters: [
						...readQuery,
						{
							name: 'peek',
							in: 'query',
							description: 'true: the same answer, counted nowhere (no poll in the stats, no cache hit or miss, no index lookup, no event): for views that show the queue',
							schema: {type: 'boolean', default: false},
						},
					],
					responses: {
						'200': {description: 'Records from from_offset (default 0)', content: json({$ref: '#/components/schemas/ReadResult'})},
						'400': error('Bad name or query value (invalid_parameter)'),
						'404': error('Topic does not exist (topic_not_found)'),
					},
				},
			},
			'/consumer': {
				get: {
					summary: 'List consumer groups with their committed offsets and lag',
					operationId: 'listGroups',
					responses: {
						'200': {
							description: 'Groups by id',
							content: json({
								type: 'object',
								required: ['groups'],
								properties: {
									groups: {
										type: 'array',
										items: {
											type: 'object',
											required: ['group_id', 'offsets'],
											properties: {
												group_id: {type: 'string'},
												offsets: {type: 'array', items: {$ref: '#/components/schemas/OffsetInfo'}},
											},
										},
									},
								},
							}),
						},
					},
				},
			},
			'/consumer/{group_id}': {
				parameters: [name('group_id')],
				post: {
					summary: 'Create a consumer group (any body is ignored)',
					operationId: 'createGroup',
					responses: {
						'200': {
							description: 'Created',
							content: json({type: 'object', required: ['group_id'], properties: {group_id: {type: 'string'}}}),
						},
						'400': error('Bad group id (invalid_parameter)'),
						'409': error('Group exists (conflict)'),
					},
				},
				delete: {
					summary: 'Delete a consumer group and its persisted offsets',
					operationId: 'deleteGroup',
					responses: {
						'204': {description: 'Deleted'},
						'400': error('Bad group id (invalid_parameter)'),
						'404': error('No such group (group_not_found)'),
					},
				},
			},
			'/consumer/{group_id}/topics/{topic}': {
				parameters: [name('group_id'), name('topic')],
				get: {
					summary: 'Fetch for a group from its committed offset (never commits; next_offset is the committed offset)',
					operationId: 'fetch',
					parameters: readQuery,
					responses: {
						'200': {description: 'Records', content: json({$ref: '#/components/schemas/ReadResult'})},
						'400': error('Bad name or query value (invalid_parameter)'),
						'404': error('No such group (group_not_found) or topic (topic_not_found)'),
					},
				},
			},
			'/consumer/{group_id}/topics/{topic}/offset': {
				parameters: [name('group_id'), name('topic')],
				get: {
					summary: 'Committed offset, high water mark and lag (an unknown topic reads as 0/0/0)',
					operationId: 'committedOffset',
					responses: {
						'200': {description: 'Offset', content: json({$ref: '#/components/schemas/OffsetInfo'})},
						'400': error('Bad name (invalid_parameter)'),
						'404': error('No such group (group_not_found)'),
					},
				},
				post: {
					summary: 'Commit (or rewind) an offset; at most the high water mark',
					operationId: 'commitOffset',
					requestBody: {
						required: true,
						content: json({type: 'object', required: ['offset'], properties: {offset: {type: 'integer', minimum: 0}}}),
					},
					responses: {
						'200': {
							description: 'Committed',
							content: json({
								type: 'object',
								required: ['group_id', 'topic', 'offset'],
								properties: {
									group_id: {type: 'string'},
									topic: {type: 'string'},
									offset: {type: 'integer'},
									committed_offset: {type: 'integer'},
									timestamp: {type: 'string', format: 'date-time'},
								},
							}),
						},
						'400': error('Bad JSON or name (validation_error / invalid_parameter), offset beyond the hwm (invalid_offset)'),
						'404': error('No such group (group_not_found; checked first) or topic (topic_not_found)'),
						...jsonBodyErrors,
					},
				},
			},
			'/topics/{topic}/records/{offset}/frame': {
				parameters: [name('topic'), {name: 'offset', in: 'path', required: true, schema: {type: 'integer', minimum: 0}}],
				get: {
					summary: 'The on-disk frame that holds a record (the byte inspector): its bytes, file, position and index entry',
					operationId: 'recordFrame',
					responses: {
						'200': {
							description: 'The frame as it is (or, before the next sync round of sync=always, will be) on disk',
							content: json({
								type: 'object',
								required: ['source', 'file', 'position', 'bytes', 'written', 'index_entry'],
								properties: {
									source: {type: 'string', enum: ['log', 'wal'], description: 'committed into the log, or still only in the write-ahead log'},
									file: {type: 'string'},
									position: {type: 'integer', description: 'byte position of the frame in file'},
									bytes: {type: 'string', contentEncoding: 'base64', description: 'the whole frame (see docs/storage-format.md)'},
									written: {type: 'boolean', description: 'false while a sync=always frame waits for its sync round'},
									index_entry: {
										type: ['object', 'null'],
										description: 'the sparse-index entry at or before the frame (log frames only)',
										required: ['offset', 'position'],
										properties: {offset: {type: 'integer'}, position: {type: 'integer'}},
									},
								},
							}),
						},
						'400': error('Bad name or offset (invalid_parameter)'),
						'404': error('No such topic (topic_not_found), no record at the offset (record_not_found), or memory storage, which keeps no frames (frame_not_available)'),
					},
				},
			},
			'/stats': {
				get: {
					summary: "The engine's typed stats surface as JSON: what the terminal app's panes show",
					operationId: 'stats',
					description:
						'camelCase, unlike the other endpoints: these are the engine\'s own TypeScript types (FlashQStats, GroupInfo[]), the objects the ' +
						'in-process app reads. `events.lastEventId` is where GET /events stands at this snapshot: pass it as Last-Event-ID to follow on from it.',
					responses: {
						'200': {
							description: 'A snapshot',
							content: json({
								type: 'object',
								required: ['engine', 'groups', 'server', 'events'],
								properties: {
									engine: {
										type: 'object',
										description: 'FlashQStats (source/core/stats.ts)',
										required: ['startedAt', 'storage', 'totals', 'topics'],
										properties: {startedAt: {type: 'integer'}, storage: {type: 'object'}, totals: {type: 'object'}, topics: {type: 'array', items: {type: 'object'}}},
									},
									groups: {type: 'array', description: 'GroupInfo[] (source/engine/types.ts)', items: {type: 'object', required: ['groupId', 'offsets']}},
									server: {
										type: 'object',
										required: ['url', 'requests', 'errors', 'inFlight'],
										properties: {url: {type: 'string'}, requests: {type: 'integer'}, errors: {type: 'integer'}, inFlight: {type: 'integer'}, serverErrors: {type: 'integer'}},
									},
									events: {type: 'object', required: ['lastEventId'], properties: {lastEventId: {type: 'string'}}},
								},
							}),
						},
					},
				},
			},
			'/events': {
				get: {
					summary: "Server-Sent Events: the engine's events and this server's requests, live",
					operationId: 'events',
					description:
						'`event: engine` + `data: FlashQEvent[]` and `event: requests` + `data: RequestEvent[]`, batched at most every 50 ms; ids are ' +
						'`<server start>-<event number>` (events are numbered while someone watches). Reconnect with `Last-Event-ID` to get what you missed, ' +
						'or an `event: missed` with `data: {count}` when it is no longer kept; `event: reset` after a server restart. ' +
						'A watcher that stops reading skips batches (the server buffers at most 1 MiB for it) and gets one `missed` notice when it reads again.',
					parameters: [{name: 'Last-Event-ID', in: 'header', required: false, schema: {type: 'string'}}],
					responses: {'200': {description: 'An endless event stream', content: {'text/event-stream': {schema: {type: 'string'}}}}},
				},
			},
			'/metrics': {
				get: {
					summary: 'Prometheus metrics from the engine\'s stats',
					operationId: 'metrics',
					responses: {'200': {description: 'Prometheus text format', content: {'text/plain': {schema: {type: 'string'}}}}},
				},
			},
			'/openapi.json': {
				get: {
					summary: 'This document',
					operationId: 'openapi',
					responses: {'200': {description: 'OpenAPI 3.1', content: json({type: 'object', required: ['openapi', 'paths']})}},
				},
			},
		}, auth, options.readToken === true),
	};
}
