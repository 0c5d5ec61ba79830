import {readFileSync} from 'node:fs';
import http, {type IncomingMessage, type ServerResponse} from 'node:http';
import type {Socket} from 'node:net';
import {EventHub} from '../core/event-hub.js';
import {isFlashQError} from '../engine/errors.js';
import type {FlashQ} from '../engine/flashq.js';
import {bearerCheck} from './auth.js';
import {HttpError} from './http-error.js';
import {createMetrics} from './metrics.js';
import {openApiDocument} from './openapi.js';
import {Router} from './router.js';
import {type Handler, type Reply, apiRoutes} from './routes.js';
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
	/** When set, every request except GET /health needs `Authorization: Bearer <token>`. */
	token?: string;
	logger?: ServerLogger;
	/** Whole headers must arrive within this (default 10 s); slow-header clients get 408. */
	headersTimeoutMs?: number;
	/** The whole request must arrive within this (default 30 s). */
	requestTimeoutMs?: number;
	/** Larger request headers get 431 (default 16 KiB). */
	maxHeaderSize?: number;
	/** In-flight requests get this long to finish on close before connections are cut (default 10 s). */
	closeGraceMs?: number;
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
}

const JSON_TYPE = 'application/json';
/** Shared by every request without a query string; handlers only read it. */
const NO_QUERY = new URLSearchParams();

/** Starts the REST server over `queue`. Resolves once listening; rejects with the listen error (e.g. EADDRINUSE). */
export async function startServer(options: StartServerOptions): Promise<ServerHandle> {
	const {queue} = options;
	const host = options.host ?? '127.0.0.1';
	const logger = options.logger ?? stderrLogger;
	const authorized = options.token === undefined ? null : bearerCheck(options.token);
	const version = packageVersion();
	const metrics = createMetrics(queue);
	let openapi: unknown;
	const router = new Router<Handler>(
		apiRoutes({queue, version, metrics: () => metrics.scrape(), openapi: () => (openapi ??= openApiDocument(version))}),
	);
	const events = new EventHub<RequestEvent>();
	const counters = {requests: 0, errors: 0, serverErrors: 0, inFlight: 0};
	let closing = false;

	/** Counts and reports one answered request. Called from `send`, not from a 'close' listener: cheaper per request. */
	const finish = (exchange: Exchange, status: number): void => {
		counters.inFlight--;
		counters.requests++;
		if (status >= 400) counters.errors++;
		if (status >= 500) counters.serverErrors++;
		metrics.observeRequest(exchange.method, exchange.route, status);
		if (events.active) {
			const {method, path, started} = exchange;
			events.emit({type: 'request', at: Date.now(), method, path, status, latencyMs: performance.now() - started});
		}
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
		} else if (headers === undefined && !closing && body !== null) {
			// The usual answer: a flat header list, no object to build (same bytes on the wire).
			res.writeHead(status, ['content-type', contentType, 'content-length', String(Buffer.byteLength(body))]);
			res.end(body);
		} else {
			const head: Record<string, string | number> = headers === undefined ? {} : {...headers};
			if (body !== null) {
				head['content-type'] = contentType;
				head['content-length'] = Buffer.byteLength(body);
			}
			if (closing) head['connection'] = 'close';
			res.writeHead(status, head);
			res.end(body ?? undefined);
		}
		finish(exchange, status);
	};

	const sendError = (exchange: Exchange, res: ServerResponse, error: unknown): void => {
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
			if (authorized && !(method === 'GET' && path === '/health') && !authorized(req.headers.authorization)) {
				throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token', undefined, {'www-authenticate': 'Bearer'});
			}
			const match = router.match(method, path);
			exchange.route = match.route;
			const search = queryAt === -1 ? NO_QUERY : new URLSearchParams(rawUrl.slice(queryAt + 1));
			const reply: Reply = await match.handler({req, params: match.params, search});
			if (reply.text !== undefined) send(exchange, res, reply.status, reply.text, reply.contentType ?? 'text/plain');
			else if (reply.json !== undefined) send(exchange, res, reply.status, JSON.stringify(reply.json), JSON_TYPE);
			else send(exchange, res, reply.status, null, JSON_TYPE);
		} catch (error) {
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
		(req, res) => void handle(req, res),
	);
	server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
		// Malformed requests, oversized headers and timeouts never reach the handler: answer them in JSON too.
		const [status, code, message] =
			error.code === 'HPE_HEADER_OVERFLOW'
				? [431, 'header_too_large', 'request headers are too large']
				: error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
					? [408, 'request_timeout', 'the request did not arrive in time']
					: [400, 'bad_request', 'malformed HTTP request'];
		if (error.code !== 'ECONNRESET' && socket.writable) {
			const body = JSON.stringify({error: code, message});
			socket.end(
				`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
			);
		}
		socket.destroy();
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

	return {
		url: `http://${urlHost}:${port}`,
		host,
		port,
		auth: authorized !== null,
		events,
		stats: (): ServerStats => ({...counters}),
		close() {
			closed ??= new Promise<void>((resolve) => {
				closing = true;
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
