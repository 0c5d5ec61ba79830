import fc from 'fast-check';
import {expect, test} from 'vitest';
import {offsetsJson} from '../../source/server/encode.js';

test('offsetsJson is byte-identical to JSON.stringify({offsets})', () => {
	expect(offsetsJson([])).toBe(JSON.stringify({offsets: []}));
	const same = new Date(0).toISOString();
	const batch = Array.from({length: 100}, (_, i) => ({offset: 2 ** 40 + i, timestamp: same}));
	expect(offsetsJson(batch)).toBe(JSON.stringify({offsets: batch}));
	fc.assert(
		fc.property(fc.array(fc.record({offset: fc.nat(), timestamp: fc.string({unit: 'binary'})}), {maxLength: 20}), (offsets) => {
			expect(offsetsJson(offsets)).toBe(JSON.stringify({offsets}));
		}),
	);
});
