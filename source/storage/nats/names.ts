import {createHash} from 'node:crypto';

/**
 * How FlashQ names map onto JetStream. Stream names refuse `.`, `/`, `\`, spaces and more than 255
 * characters (and a stream is a directory on each server), subjects use `.` as separator and KV
 * keys refuse most punctuation: names are encoded reversibly, `_` and `.` (the only characters
 * topic and group names allow that need it) as `_5F` and `_2E`.
 */
export const encodeName = (name: string): string => name.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

export const decodeName = (encoded: string): string => encoded.replace(/_([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/** A prefix names every stream, subject and bucket of one queue; no `_` so no two prefixes' names can meet. */
export const PREFIX_PATTERN = /^[A-Za-z0-9-]{1,32}$/;

export function checkPrefix(prefix: string): void {
	if (!PREFIX_PATTERN.test(prefix)) throw new Error(`nats prefix '${prefix}' must be 1-32 letters, digits or '-'`);
}

/** Longest stream name kept readable; longer ones use the hash form (the subject keeps the real name). */
const MAX_READABLE_STREAM = 200;

/** The topic's stream: `<prefix>_t_<encoded>`, or `<prefix>_h_<sha256>` when that would be too long. */
export function streamName(prefix: string, topic: string): string {
	const readable = `${prefix}_t_${encodeName(topic)}`;
	if (readable.length <= MAX_READABLE_STREAM) return readable;
	return `${prefix}_h_${createHash('sha256').update(topic).digest('hex').slice(0, 40)}`;
}

/** The topic's only subject: `<prefix>.t.<encoded>`; it always holds the whole name. */
export const topicSubject = (prefix: string, topic: string): string => `${prefix}.t.${encodeName(topic)}`;

/** Subject filter that matches every topic stream of a prefix. */
export const topicsFilter = (prefix: string): string => `${prefix}.t.*`;

/** The topic a subject belongs to, or null for a subject that is not one of the prefix's topics. */
export function topicOfSubject(prefix: string, subject: string): string | null {
	const parts = subject.split('.');
	if (parts.length !== 3 || parts[0] !== prefix || parts[1] !== 't') return null;
	return decodeName(parts[2]!);
}

/** The KV bucket with the groups and the lease. */
export const bucketName = (prefix: string): string => `${prefix}_flashq`;

export const groupKey = (groupId: string): string => `g.${encodeName(groupId)}`;
export const groupOfKey = (key: string): string | null => (key.startsWith('g.') ? decodeName(key.slice(2)) : null);
export const LEASE_KEY = 'lease';
/** Written by a lease opener to read the server's clock (see lease.ts). */
export const CLOCK_KEY = 'clock';
