import http from 'node:http';
import https from 'node:https';
import {CommandFailure} from './errors.js';
import {printable} from './format.js';

export interface ClientContext {
	baseUrl: URL;
	token: string | undefined;
	timeoutMs: number;
}

export type QueryValue = string | number | boolean | undefined;

export interface ApiRequest {
	/** Completes "Failed to <operation>: ..." in error messages, e.g. "post record". */
	operation: string;
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	/** Raw path segments; each is percent-encoded here, so names cannot change the route. */
	path: readonly string[];
	query?: Record<string, QueryValue>;
	/** Sent as JSON when present; absent means no body and no Content-Type. */
	body?: unknown;
	/** Cancels the request (Ctrl+C during `--follow`); the timeout still applies. */
	signal?: AbortSignal;
}

/** The server did not answer (refused, reset, timed out): a follower retries, other commands exit 1. */
export class ConnectionFailure extends CommandFailure {
	override name = 'ConnectionFailure';
}

export interface ApiResponse {
	status: number;
	/** The body exactly as received (what `--json` prints). */
	text: string;
	/** The parsed body, or undefined when the body is empty. */
	json: unknown;
}

/** Longest piece of a non-JSON error body worth showing; the rest is noise on a terminal. */
const MAX_RAW_BODY = 1000;

export function buildUrl(base: URL, segments: readonly string[], query: Record<string, QueryValue> = {}): URL {
	// Keep any path prefix of the base URL (a server behind a reverse proxy at /flashq/).
	const prefix = base.pathname.replace(/\/+$/, '');
	const url = new URL(base.href);
	url.pathname = `${prefix}/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
	url.search = '';
	url.hash = '';
	for (const [name, value] of Object.entries(query)) {
		if (value !== undefined) url.searchParams.set(name, String(value));
	}
	return url;
}

/** OpenSSL messages end in a newline (and may hold more): one terminal line per failure. */
const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/** An https:// URL pointed at a plain-HTTP server fails in OpenSSL with one of these. */
const PLAIN_HTTP_ANSWER = /wrong version number|packet length too long|http request/i;

function describeCause(error: unknown): string {
	return oneLine(describeRawCause(error));
}

function describeRawCause(error: unknown): string {
	if (error instanceof Error) {
		const cause = (error as Error & {cause?: unknown}).cause;
		// undici reports "fetch failed" and keeps the useful part (ECONNREFUSED ...) in `cause`.
		if (cause instanceof Error) {
			const nested = (cause as Error & {errors?: unknown}).errors;
			if (cause.message === '' && Array.isArray(nested) && nested[0] instanceof Error) return nested[0].message;
			return cause.message || String((cause as Error & {code?: unknown}).code ?? error.message);
		}
		return error.message;
	}
	return String(error);
}

function isTimeout(error: unknown): boolean {
	return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** What `send` got back: the status line and the whole body as text. */
interface RawResponse {
	status: number;
	statusText: string;
	text: string;
}

/**
 * One request over node:http(s). Not fetch: loading undici for a client command's one request cost
 * ~40 ms of its ~100 ms of start-up work (issue 16: client commands within 0.25 s). Redirects are
 * not followed (they would re-send the token and body somewhere else): a 3xx is returned as is.
 */
function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<RawResponse> {
	const transport = url.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
		const request = transport.request(url, {method, headers, signal}, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8')}));
			response.on('error', (error) => reject(new BodyError(error)));
			response.on('aborted', () => reject(new BodyError(new Error('the server closed the connection mid-answer'))));
		});
		request.on('error', (error) => reject(signal.aborted ? (signal.reason as Error) : error));
		request.end(body);
	});
}

/** The status line came, the body did not arrive whole. */
class BodyError extends Error {
	constructor(override readonly cause: Error) {
		super(cause.message);
	}
}

function failureMessage(operation: string, response: RawResponse, text: string, json: unknown): string {
	if (json !== null && typeof json === 'object' && typeof (json as {error?: unknown}).error === 'string') {
		const body = json as {error: string; message?: unknown; details?: unknown};
		let line = `Failed to ${operation}: ${body.error}`;
		if (typeof body.message === 'string' && body.message !== '') line += ` - ${printable(body.message)}`;
		else if (body.details !== undefined) line += ` ${printable(JSON.stringify(body.details))}`;
		if (response.status === 401) line += ' (pass --token or set FLASHQ_TOKEN)';
		return line;
	}
	const raw = text.length > MAX_RAW_BODY ? `${text.slice(0, MAX_RAW_BODY)}...` : text;
	const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
	return `Failed to ${operation}: ${status}${raw === '' ? '' : `: ${printable(raw)}`}`;
}

function parseJson(text: string): unknown {
	if (text === '') return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/**
 * One API call. Resolves only for a 2xx answer whose body (if any) is JSON; everything else
 * becomes a CommandFailure carrying the line to print, so every failure exits non-zero.
 */
export async function callApi(context: ClientContext, request: ApiRequest): Promise<ApiResponse> {
	const url = buildUrl(context.baseUrl, request.path, request.query);
	const headers: Record<string, string> = {accept: 'application/json'};
	if (context.token !== undefined) headers.authorization = `Bearer ${context.token}`;
	let body: string | undefined;
	if (request.body !== undefined) {
		body = JSON.stringify(request.body);
		headers['content-type'] = 'application/json';
	}
	const timeout = AbortSignal.timeout(context.timeoutMs);
	const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
	let response: RawResponse;
	try {
		response = await send(url, request.method, headers, body, signal);
	} catch (error) {
		if (error instanceof BodyError) {
			const reason = signal.aborted && isTimeout(signal.reason) ? `timed out after ${context.timeoutMs} ms` : describeCause(error.cause);
			throw new ConnectionFailure(`Failed to ${request.operation}: reading the response failed: ${reason}`);
		}
		if (isTimeout(error)) {
			throw new ConnectionFailure(`Failed to connect to server: no response from ${context.baseUrl.origin} within ${context.timeoutMs} ms`);
		}
		const cause = describeCause(error);
		const plainHttp = context.baseUrl.protocol === 'https:' ? PLAIN_HTTP_ANSWER.exec(cause) : null;
		if (plainHttp !== null) {
			const plain = new URL(context.baseUrl.href);
			plain.protocol = 'http:';
			throw new CommandFailure(
				`Failed to connect to server: ${context.baseUrl.origin} does not speak TLS (TLS: ${plainHttp[0]}); is it plain HTTP? Try --url ${plain.href.replace(/\/$/, '')}`,
			);
		}
		throw new ConnectionFailure(`Failed to connect to server: ${cause} (${context.baseUrl.origin})`);
	}
	const {text} = response;
	const json = parseJson(text);
	if (response.status < 200 || response.status > 299) {
		throw new CommandFailure(failureMessage(request.operation, response, text, json), json === undefined ? undefined : text);
	}
	if (text !== '' && json === undefined) {
		throw new CommandFailure(
			`Failed to ${request.operation}: the server's answer is not JSON (HTTP ${response.status}): ${printable(text.slice(0, MAX_RAW_BODY))}`,
		);
	}
	return {status: response.status, text, json};
}
