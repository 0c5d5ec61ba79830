import {readFileSync} from 'node:fs';
import http, {type IncomingMessage, type ServerResponse} from 'node:http';
import type {Socket} from 'node:net';
import {EventHub} from '../core/event-hub.js';
import {clip, isFlashQError} from '../engine/errors.js';
import type {FlashQ} from '../engine/flashq.js';
import {type Access, accessCheck, bearerTokenProblem} from './auth.js';
import {BODY_LIMIT_BYTES, ClientAborted} from './body.js';
import {HttpError} from './http-error.js';
import {coalesceEngineEvents, coalesceRequestEvents} from './event-coalesce.js';
import {EventStream} from './event-stream.js';
import {createMetrics} from './metrics.js';
import {openApiDocument} from './openapi.js';
import {MethodNotAllowed, Router} from './router.js';
import {type Handler, type Reply, apiRoutes, statsSnapshot} from './routes.js';
import type {RequestEvent, ServerHandle, ServerStats} from './types.js';

export interface ServerLogger {
	error(message: string, error?: unknown): void;
}

export interface StartServerOptions {
	queue: FlashQ;
	/** Default 127.0.0.1. Whether a non-loopback host needs a token is the caller's rule (the CLI enforces it). */
	host?: string;
	/** Default 8080; 0 picks a free port (see `ServerHandle.port`). */
	port?: number;
	/**
	 * When set, every request except GET /health needs `Authorization: Bearer <token>`, and GET
	 * /health without it answers only `{status}`. Must be an RFC 6750 b64token (see isBearerToken).
	 */
	token?: string;
	/**
	 * When set, `Authorization: Bearer <readToken>` admits GET and HEAD requests (the API, /stats,
	 * /events, /metrics, /openapi.json) and nothing else: other methods get 403 forbidden. Same
	 * syntax as `token`, and must differ from it. Either token makes unauthenticated requests 401.
	 */
	readToken?: string;
	logger?: ServerLogger;
	/** Whole headers must arrive within this (default 10 s); slow-header clients get 408. */
	headersTimeoutMs?: number;
	/** The whole request must arrive within this (default 30 s). */
	requestTimeoutMs?: number;
	/** Larger request headers get 431 (default 16 KiB). */
	maxHeaderSize?: number;
	/** In-flight requests get this long to finish on close before connections are cut (default 10 s). */
	closeGraceMs?: number;
	/** GET /events keeps numbering events this long after its last watcher left (default 60 s; see EventStream). */
	eventsLingerMs?: number;
}

const stderrLogger: ServerLogger = {
	error(message, error) {
		const detail = error instanceof Error ? (error.stack ?? error.message) : error === undefined ? '' : String(error);
		process.stderr.write(`flashq-demo server: ${message}${detail ? `\n${detail}` : ''}\n`);
	},
};

const packageVersion = (): string => {
	try {
		const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version?: string};
		return pkg.version ?? '0.0.0';
	} catch {
		return '0.0.0';
	}
};

interface Exchange {
	method: string;
	path: string;
	/** The matched route template (a bounded metrics label), or 'unmatched'. */
	route: string;
	started: number;
	/** Close the connection after the answer: the client still holds back a body it was not asked for. */
	close: boolean;
}

/** The last request seen on a keep-alive connection, for answering them one at a time and in order. */
interface ConnectionTail {
	req: IncomingMessage;
	res: ServerResponse;
	/** Settles when this request's handler is done (its answer is written or queued). */
	handled: Promise<void>;
	done: boolean;
	/** The request before this one (its answer may still be queued behind others in node:http). */
	previous: {handled: Promise<void>; res: ServerResponse} | undefined;
}

/** Metrics labels of requests that never parsed into a method and path (400, 408, 431). */
const UNPARSED = {method: 'unknown', route: 'unparsed'} as const;
/** Nginx's code for a request whose client went away before it was answered (never sent on the wire). */
export const CLIENT_CLOSED_REQUEST = 499;

/** Resolves once `res` is flushed to the socket, or the socket is gone. */
function responseOut(res: ServerResponse): Promise<void> {
	if (res.writableFinished || res.destroyed) return Promise.resolve();
	return new Promise((resolve) => {
		res.once('finish', resolve);
		res.once('close', resolve);
	});
}

const rawResponse = (status: number, body: string): string =>
	`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;

const JSON_TYPE = 'application/json';
const unauthorized = (): HttpError =>
	new HttpError(401, 'unauthorized', 'missing or wrong bearer token', undefined, {'www-authenticate': 'Bearer'});
/** A read token presented for a write: who it is is known, what it asks is not allowed. */
const forbidden = (): HttpError => new HttpError(403, 'forbidden', 'this token may only read');
/** Shared by every request without a query string; handlers only read it. */
const NO_QUERY = new URLSearchParams();

/** Starts the REST server over `queue`. Resolves once listening; rejects with the listen error (e.g. EADDRINUSE). */
export async function startServer(options: StartServerOptions): Promise<ServerHandle> {
	const {queue} = options;
	const host = options.host ?? '127.0.0.1';
	const logger = options.logger ?? stderrLogger;
	for (const [name, value] of [['token', options.token], ['read token', options.readToken]] as const) {
		const tokenProblem = value === undefined ? undefined : bearerTokenProblem(value);
		// A token no client can send would lock everyone out: refuse it before listening.
		if (tokenProblem !== undefined) throw new TypeError(`the server ${name} ${tokenProblem}`);
	}
	// One string for both would make every write a coin toss between 200 and 403.
	if (options.token !== undefined && options.token === options.readToken) throw new TypeError('the server read token must differ from its token');
	const authorized = options.token === undefined && options.readToken === undefined ? null : accessCheck({token: options.token, readToken: options.readToken});
	const version = packageVersion();
	const metrics = createMetrics(queue);
	let openapi: unknown;
	const events = new EventHub<RequestEvent>();
	const counters = {requests: 0, errors: 0, serverErrors: 0, inFlight: 0};
	/** Known once listening (port 0 picks one). */
	let url = '';
	// GET /events: the engine's and this server's event batches; subscribed only while someone watches.
	const serverFigures = () => ({...counters, url});
	const stream: EventStream = new EventStream(
		[
			{name: 'engine', subscribe: (listener) => queue.subscribe(listener), coalesce: coalesceEngineEvents},
			{name: 'requests', subscribe: (listener) => events.subscribe(listener), coalesce: coalesceRequestEvents},
		],
		// One snapshot per tick for every watcher, instead of each polling GET /stats.
		{snapshot: {build: () => statsSnapshot(queue, serverFigures, stream)}, ...(options.eventsLingerMs === undefined ? {} : {lingerMs: options.eventsLingerMs})},
	);
	const router = new Router<Handler>(
		apiRoutes({
			queue,
			version,
			metrics: () => metrics.scrape(),
			openapi: () => (openapi ??= openApiDocument(version, {auth: authorized !== null, readToken: options.readToken !== undefined})),
			server: serverFigures,
			events: stream,
		}),
	);
	let closing = false;
	/** Expect: 100-continue requests answered without "100 Continue": their body never comes. */
	const notContinued = new WeakSet<IncomingMessage>();

	/** Counts one finished request (also one answered outside the handler: a parse error, CONNECT). */
	const count = (method: string, route: string, path: string, status: number, started: number): void => {
		counters.requests++;
		if (status >= 400) counters.errors++;
		if (status >= 500) counters.serverErrors++;
		metrics.observeRequest(method, route, status);
		if (events.active) events.emit({type: 'request', at: Date.now(), method, path, status, latencyMs: performance.now() - started});
	};

	/** Counts and reports one answered request. Called from `send`, not from a 'close' listener: cheaper per request. */
	const finish = (exchange: Exchange, status: number): void => {
		counters.inFlight--;
		count(exchange.method, exchange.route, exchange.path, status, exchange.started);
	};

	const send = (
		exchange: Exchange,
		res: ServerResponse,
		status: number,
		body: string | null,
		contentType: string,
		headers?: Record<string, string>,
	): void => {
		if (res.headersSent) {
			res.end();
		} else if (headers === undefined && !closing && !exchange.close && body !== null) {
			// The usual answer: a flat header list, no object to build (same bytes on the wire).
			res.writeHead(status, ['content-type', contentType, 'content-length', String(Buffer.byteLength(body))]);
			res.end(body);
		} else {
			const head: Record<string, string | number> = headers === undefined ? {} : {...headers};
			if (body !== null) {
				head['content-type'] = contentType;
				head['content-length'] = Buffer.byteLength(body);
			}
			if (closing || exchange.close) head['connection'] = 'close';
			res.writeHead(status, head);
			res.end(body ?? undefined);
		}
		finish(exchange, status);
	};

	const sendError = (exchange: Exchange, res: ServerResponse, error: unknown): void => {
		if (error instanceof ClientAborted) {
			// Nobody is left to read an answer: count it as aborted, log nothing (any client could flood the log).
			res.destroy();
			finish(exchange, CLIENT_CLOSED_REQUEST);
			return;
		}
		if (error instanceof HttpError) {
			// A 413 keeps the connection: the body is drained (up to a bound) so the client, still
			// uploading, can read the answer instead of failing with EPIPE.
			send(exchange, res, error.status, JSON.stringify(error), JSON_TYPE, error.headers);
			return;
		}
		const {method, path} = exchange;
		if (isFlashQError(error)) {
			if (error.status >= 500) logger.error(`${method} ${path} failed: ${error.message}`, error.cause);
			send(exchange, res, error.status, JSON.stringify(error), JSON_TYPE);
			return;
		}
		logger.error(`${method} ${path} failed unexpectedly`, error);
		send(exchange, res, 500, JSON.stringify({error: 'internal_error', message: 'internal server error'}), JSON_TYPE);
	};

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		counters.inFlight++;
		const rawUrl = req.url ?? '/';
		const queryAt = rawUrl.indexOf('?');
		const exchange: Exchange = {
			method: req.method ?? 'GET',
			path: queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt),
			route: 'unmatched',
			started: performance.now(),
			close: notContinued.has(req),
		};
		try {
			if (!exchange.path.startsWith('/')) {
				// Absolute-form request targets (proxies): route on the path part only.
				try {
					exchange.path = new URL(rawUrl).pathname;
				} catch {
					throw new HttpError(404, 'not_found', 'no route for this request target');
				}
			}
			const {method, path} = exchange;
			const access: Access = authorized === null ? 'full' : authorized(req.headers.authorization);
			const reading = method === 'GET' || method === 'HEAD';
			const trusted = access !== 'none';
			if (!trusted && !(reading && path === '/health')) throw unauthorized();
			if (access === 'read' && !reading) throw forbidden();
			let match;
			try {
				match = router.match(method, path);
			} catch (error) {
				if (error instanceof MethodNotAllowed) exchange.route = error.route;
				throw error;
			}
			exchange.route = match.route;
			const search = queryAt === -1 ? NO_QUERY : new URLSearchParams(rawUrl.slice(queryAt + 1));
			const reply: Reply = await match.handler({req, params: match.params, search, trusted});
			if (reply.stream && method === 'HEAD') {
				// HEAD of a stream: its headers, and no endless body to wait for.
				res.writeHead(reply.status, {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store'}).end();
				finish(exchange, reply.status);
			} else if (reply.stream) {
				// A stream is answered when it ends (the watcher leaves or the server closes).
				res.once('close', () => finish(exchange, reply.status));
				reply.stream(res);
			} else if (reply.text !== undefined) send(exchange, res, reply.status, reply.text, reply.contentType ?? 'text/plain');
			else if (reply.json !== undefined) send(exchange, res, reply.status, JSON.stringify(reply.json), JSON_TYPE);
			else send(exchange, res, reply.status, null, JSON_TYPE);
		} catch (error) {
			if (error instanceof ClientAborted && answeredHere.has(req)) {
				// Its connection got a protocol error answer (a bad chunk, a timeout), counted there.
				counters.inFlight--;
				return;
			}
			try {
				sendError(exchange, res, error);
			} catch (failure) {
				// Only a failure while writing the error itself lands here.
				logger.error('response failed', failure);
				res.destroy();
				finish(exchange, 500);
			}
		}
	};

	/**
	 * node:http hands pipelined requests to the handler as soon as they parse; they are run one at
	 * a time per connection instead, so a GET after pipelined POSTs sees them. The tail also lets
	 * a later protocol error wait for the answers still owed on the connection.
	 */
	const tails = new WeakMap<Socket, ConnectionTail>();
	const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
		const {socket} = req;
		const before = tails.get(socket);
		const busy = before !== undefined && !before.done;
		const handled = busy ? before.handled.then(() => handle(req, res)) : handle(req, res);
		const tail: ConnectionTail = {req, res, handled, done: false, previous: before === undefined ? undefined : {handled: before.handled, res: before.res}};
		tails.set(socket, tail);
		void handled.then(() => (tail.done = true));
	};

	/**
	 * Answers what never became a request (a parse error, a timeout, CONNECT) on the raw socket,
	 * and closes it: but only after every request parsed before it on this connection has its
	 * answer out, so no acknowledgement of stored records is lost.
	 */
	const answeredRaw = new WeakSet<Socket>();
	const answeredHere = new WeakSet<IncomingMessage>();
	const answerRaw = (socket: Socket, status: number, code: string, message: string, labels: {method: string; route: string}, path: string): void => {
		// The parser repeats its error on every later chunk: one answer per connection.
		if (answeredRaw.has(socket)) return;
		answeredRaw.add(socket);
		const started = performance.now();
		const tail = tails.get(socket);
		// That request is answered (and counted) here, not by its handler.
		if (tail !== undefined && !tail.req.complete) answeredHere.add(tail.req);
		// A request still reading its body is the one that failed (a bad chunk, a timeout): it gets
		// no answer of its own; only the requests before it are waited for.
		const owed = tail === undefined ? undefined : tail.req.complete ? tail : tail.previous;
		const pending = owed === undefined ? undefined : owed.handled.then(() => responseOut(owed.res));
		const reply = (): void => {
			const midAnswer = tail !== undefined && !tail.req.complete && tail.res.headersSent;
			if (socket.writable && !midAnswer) {
				socket.end(rawResponse(status, JSON.stringify({error: code, message})), () => socket.destroy());
				count(labels.method, labels.route, path, status, started);
			} else {
				socket.destroy();
			}
		};
		if (pending === undefined) reply();
		else void pending.then(reply);
	};

	const headersTimeout = options.headersTimeoutMs ?? 10_000;
	const server = http.createServer(
		{
			headersTimeout,
			requestTimeout: Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout),
			maxHeaderSize: options.maxHeaderSize ?? 16 * 1024,
			keepAliveTimeout: 5_000,
			// How often Node checks the two timeouts above; its 30 s default would make them lax.
			connectionsCheckingInterval: Math.min(1_000, Math.max(100, Math.floor(headersTimeout / 4))),
		},
		onRequest,
	);
	server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
		// Malformed requests, oversized headers and timeouts never reach the handler: answer them in JSON too.
		// The client went away (a reset, or the end of its stream mid-request): nobody reads an
		// answer. A request cut off this way is counted by its handler, as aborted.
		if (error.code === 'ECONNRESET' || error.code === 'HPE_INVALID_EOF_STATE') {
			socket.destroy();
			return;
		}
		const [status, code, message] =
			error.code === 'HPE_HEADER_OVERFLOW'
				? [431, 'header_too_large', 'request headers are too large']
				: error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
					? [408, 'request_timeout', 'the request did not arrive in time']
					: [400, 'bad_request', 'malformed HTTP request'];
		answerRaw(socket, status, code, message, UNPARSED, '-');
	});
	// Without a listener node:http would drop CONNECT connections without a word.
	server.on('connect', (req: IncomingMessage, socket: Socket) => {
		answerRaw(socket, 405, 'method_not_allowed', 'CONNECT is not supported: this is not a proxy', {method: 'CONNECT', route: 'unmatched'}, clip(req.url ?? '', 200));
	});
	// "Expect: 100-continue": a body that would be refused (too large, no valid token) is never asked for.
	server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
		const declared = Number(req.headers['content-length']);
		if (declared > BODY_LIMIT_BYTES || (authorized !== null && authorized(req.headers.authorization) !== 'full')) notContinued.add(req);
		else res.writeContinue();
		onRequest(req, res);
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 8080, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	server.on('error', (error) => logger.error('server error', error));

	const address = server.address();
	const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 8080);
	const urlHost = host.includes(':') ? `[${host}]` : host;
	let closed: Promise<void> | undefined;
	url = `http://${urlHost}:${port}`;

	return {
		url,
		host,
		port,
		auth: authorized !== null,
		events,
		stats: (): ServerStats => ({...counters}),
		close() {
			closed ??= new Promise<void>((resolve) => {
				closing = true;
				// Event streams never end by themselves: end them, so close() need not wait for its grace period.
				stream.close();
				const grace = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? 10_000);
				grace.unref();
				// Idle keep-alive connections would hold close() open; busy ones finish first
				// (their responses carry `connection: close`), then become idle and are closed too.
				const sweep = setInterval(() => server.closeIdleConnections(), 50);
				sweep.unref();
				server.close(() => {
					clearTimeout(grace);
					clearInterval(sweep);
					events.flush();
					resolve();
				});
				server.closeIdleConnections();
			});
			return closed;
		},
	};
}
