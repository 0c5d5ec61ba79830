import type {AppendedOffset} from '../engine/types.js';

/**
 * `JSON.stringify({offsets})` for a produce answer, about 3x faster for a batch: records of a
 * batch share one timestamp, so it is encoded once, and the shape is fixed. Same bytes as
 * JSON.stringify (test/server/encode.test.ts checks it).
 */
export function offsetsJson(offsets: readonly AppendedOffset[]): string {
	let out = '{"offsets":[';
	let lastTimestamp: string | undefined;
	let lastEncoded = '';
	for (let index = 0; index < offsets.length; index++) {
		const {offset, timestamp} = offsets[index]!;
		if (timestamp !== lastTimestamp) {
			lastTimestamp = timestamp;
			lastEncoded = JSON.stringify(timestamp);
		}
		out += `${index === 0 ? '' : ','}{"offset":${offset},"timestamp":${lastEncoded}}`;
	}
	return `${out}]}`;
}
