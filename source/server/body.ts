import {isUtf8} from 'node:buffer';
import type {IncomingMessage} from 'node:http';
import {clip} from '../engine/errors.js';
import {HttpError} from './http-error.js';

/** 2 MiB: one 1 MiB value (plus JSON overhead) still reaches the per-field check and gets 400. */
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

const JSON_TYPE = 'application/json';

/** `application/json`, `application/json; charset=utf-8`, and any `*\/json` or `*\/*+json` type. */
export function isJsonContentType(header: string | undefined): boolean {
	if (!header) return false;
	// The header nearly every client sends: skip the split/lowercase below.
	if (header === JSON_TYPE) return true;
	const type = header.split(';', 1)[0]!.trim().toLowerCase();
	const slash = type.indexOf('/');
	if (slash <= 0) return false;
	const subtype = type.slice(slash + 1);
	return subtype === 'json' || subtype.endsWith('+json');
}

/**
 * The declared charset when it is not UTF-8 (JSON is UTF-8, RFC 8259 §8.1), else undefined.
 * `charset=utf-8` in any case, `utf8`, quoted or not, and no charset at all are UTF-8.
 */
export function foreignCharset(header: string | undefined): string | undefined {
	if (header === undefined || header === JSON_TYPE) return undefined;
	const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(header);
	if (match === null) return undefined;
	const charset = match[1]!.toLowerCase();
	return charset === 'utf-8' || charset === 'utf8' ? undefined : match[1]!;
}

/** The client went away before its body arrived: nobody reads the answer, and it is no server fault. */
export class ClientAborted extends Error {
	constructor() {
		super('the client closed the connection before its request body arrived');
		this.name = 'ClientAborted';
	}
}

const tooLarge = (limit: number) =>
	new HttpError(413, 'payload_too_large', `request body is larger than ${limit} bytes`, {max_size: limit});

/** Bytes read and thrown away after a 413 before the connection is cut (keeps the 413 readable for most clients). */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Reads a JSON request body: 415 without a JSON content type, 413 beyond the limit (by
 * Content-Length before reading, or while reading a chunked body), 400 when it does not parse.
 * Never destroys the request on an error: the rest of the body is drained so the client can read
 * the error response (a reset connection would hide it).
 */
export function readJsonBody(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<unknown> {
	if (!isJsonContentType(req.headers['content-type'])) {
		return Promise.reject(new HttpError(415, 'unsupported_media_type', 'expected a JSON body (Content-Type: application/json)'));
	}
	const charset = foreignCharset(req.headers['content-type']);
	if (charset !== undefined) {
		return Promise.reject(
			new HttpError(415, 'unsupported_media_type', `JSON bodies must be UTF-8, not charset ${clip(charset, 32)}`, {charset: clip(charset, 32)}),
		);
	}
	const declared = req.headers['content-length'];
	if (declared !== undefined && Number(declared) > limit) {
		drain(req);
		return Promise.reject(tooLarge(limit));
	}
	return new Promise((resolve, reject) => {
		// One settled flag instead of removing the four listeners: after settling, late events
		// ('close' after 'end', data after a 413) are ignored, and the request object goes away
		// with its listeners. Cheaper per request than four removeListener calls.
		let settled = false;
		let first: Buffer | undefined;
		let chunks: Buffer[] | undefined;
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			if (settled) return;
			size += chunk.length;
			if (size > limit) {
				settled = true;
				drain(req);
				reject(tooLarge(limit));
				return;
			}
			if (first === undefined) first = chunk;
			else (chunks ??= [first]).push(chunk);
		});
		req.on('end', () => {
			if (settled) return;
			settled = true;
			const body = first === undefined ? undefined : chunks === undefined ? first : Buffer.concat(chunks, size);
			// Decoding bad bytes would turn them into U+FFFD silently: refuse them (isUtf8 is native, ~free).
			if (body !== undefined && !isUtf8(body)) {
				const at = firstInvalidUtf8Byte(body);
				const byte = at < body.length ? `: 0x${body[at]!.toString(16).padStart(2, '0')}` : '';
				reject(new HttpError(400, 'validation_error', `request body is not valid UTF-8 (byte ${at}${byte})`, {field: 'body', byte: at}));
				return;
			}
			const text = body === undefined ? '' : body.toString('utf8');
			try {
				resolve(JSON.parse(text) as unknown);
			} catch (error) {
				reject(new HttpError(400, 'validation_error', `request body is not valid JSON: ${clip((error as Error).message, 200)}`));
			}
		});
		// A request stream fails only when its connection does ('aborted', ECONNRESET): the client
		// went away mid-body. Settle either way, so the request is still counted (as aborted).
		req.on('error', () => {
			if (settled) return;
			settled = true;
			reject(new ClientAborted());
		});
		req.on('close', () => {
			if (settled) return;
			settled = true;
			reject(new ClientAborted());
		});
	});
}

function drain(req: IncomingMessage): void {
	let drained = 0;
	req.on('data', (chunk: Buffer) => {
		drained += chunk.length;
		if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
	});
	req.resume();
}

/**
 * Where a buffer stops being valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF), for the error message only; the check itself is buffer.isUtf8. buf.length when valid.
 */
export function firstInvalidUtf8Byte(buf: Uint8Array): number {
	let i = 0;
	while (i < buf.length) {
		const b = buf[i]!;
		if (b < 0x80) {
			i++;
			continue;
		}
		let need: number;
		let lo = 0x80;
		let hi = 0xbf;
		if (b >= 0xc2 && b <= 0xdf) need = 1;
		else if (b >= 0xe0 && b <= 0xef) {
			need = 2;
			if (b === 0xe0) lo = 0xa0; // overlong
			if (b === 0xed) hi = 0x9f; // surrogates
		} else if (b >= 0xf0 && b <= 0xf4) {
			need = 3;
			if (b === 0xf0) lo = 0x90; // overlong
			if (b === 0xf4) hi = 0x8f; // past U+10FFFF
		} else return i;
		for (let k = 1; k <= need; k++) {
			const c = buf[i + k];
			// Only the second byte has the narrowed range; later ones are plain continuation bytes.
			if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
		}
		i += need + 1;
	}
	return buf.length;
}
