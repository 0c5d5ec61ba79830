/**
 * A tiny seeded PRNG (mulberry32) and helpers, so a tour seed reproduces every generated key,
 * value and choice exactly. Not for anything security-related.
 */
import {mulberry32} from '../../lib/mulberry32.js';

export interface Random {
	/** Uniform in [0, 1). */
	next(): number;
	/** Uniform integer in [0, maxExclusive). */
	int(maxExclusive: number): number;
	pick<T>(items: readonly T[]): T;
}

export {mulberry32};

/**
 * A 32-bit seed derived from a base seed and labels (FNV-1a over their text), so each lesson and
 * each step draws from its own stream: replaying steps 1..i-1 gives the same values whatever
 * step i would have drawn.
 */
export function deriveSeed(seed: number, ...parts: readonly (string | number)[]): number {
	let hash = 0x811c9dc5;
	const text = [seed, ...parts].join('/');
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

export function createRandom(seed: number): Random {
	const next = mulberry32(seed);
	return {
		next,
		int: (maxExclusive) => Math.floor(next() * maxExclusive),
		pick: (items) => {
			if (items.length === 0) throw new RangeError('pick from an empty list');
			return items[Math.floor(next() * items.length)]!;
		},
	};
}
