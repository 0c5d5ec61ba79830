import {createHash, timingSafeEqual} from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are hashed first, so the
 * comparison neither leaks the token's length nor throws on a length mismatch.
 */
export function bearerCheck(token: string): (header: string | undefined) => boolean {
	const expected = digest(token);
	return (header) => {
		if (header === undefined) return false;
		const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
		const given = digest(match ? match[1]! : '');
		// Hash even on a malformed header, so timing does not tell malformed from wrong.
		return timingSafeEqual(given, expected) && match !== null;
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
