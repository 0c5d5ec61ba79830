import {createHash, timingSafeEqual} from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** What a request's credentials allow: everything, reading only (GET/HEAD), or nothing. */
export type Access = 'full' | 'read' | 'none';

export interface AccessTokens {
	/** Admits every request. */
	token?: string | undefined;
	/** Admits GET and HEAD requests only (a classroom's watchers). */
	readToken?: string | undefined;
}

/**
 * Checks `Authorization: Bearer <token>` against the configured tokens in constant time: every
 * side is hashed first, so the comparison neither leaks a token's length nor throws on a length
 * mismatch, and both tokens are always compared, so timing does not tell which one (if any) matched.
 */
export function accessCheck(tokens: AccessTokens): (header: string | undefined) => Access {
	const full = tokens.token === undefined ? null : digest(tokens.token);
	const read = tokens.readToken === undefined ? null : digest(tokens.readToken);
	return (header) => {
		if (header === undefined) return 'none';
		const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
		// Hash even on a malformed header, so timing does not tell malformed from wrong.
		const given = digest(match ? match[1]! : '');
		const isFull = full !== null && timingSafeEqual(given, full);
		const isRead = read !== null && timingSafeEqual(given, read);
		if (match === null) return 'none';
		return isFull ? 'full' : isRead ? 'read' : 'none';
	};
}

/** RFC 6750 §2.1 b64token: the only tokens a client can present in `Authorization: Bearer <token>`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export const isBearerToken = (token: string): boolean => B64TOKEN.test(token);

/** Why `token` cannot be a bearer token, or undefined when it can. */
export function bearerTokenProblem(token: string): string | undefined {
	if (isBearerToken(token)) return undefined;
	return 'is not a valid bearer token: use only letters, digits and - . _ ~ + / (then optional trailing =), no spaces (RFC 6750)';
}

/** 127.0.0.0/8, ::1 and localhost: the hosts that need no token. */
export function isLoopback(host: string): boolean {
	const h = host.replace(/^\[|\]$/g, '').toLowerCase();
	return h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}
