import {createHash} from 'node:crypto';

/**
 * Topic and group names as file names: lowercase hex of the UTF-8 bytes, so `.`, `..`, separators,
 * reserved device names and case-insensitive file systems cannot collide or escape. Hex of a long
 * name would pass NAME_MAX (255), so names over 100 bytes use 'h' + SHA-256 instead ('h' never
 * occurs in hex, so the two forms cannot collide); the real name is stored inside the file or
 * directory and checked on open.
 */
export function encodeName(name: string): string {
	const hex = Buffer.from(name, 'utf8').toString('hex');
	if (hex.length <= 200) return hex;
	return 'h' + createHash('sha256').update(name, 'utf8').digest('hex');
}
