import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {validateBatch} from '../../source/engine/validation.js';

describe('validateBatch', () => {
	// The file log trusts this size to be exact (an ASCII batch is copied without UTF-8 encoding when
	// it equals the UTF-16 length), so it must count exactly keys, values, header names and values.
	it('returns the exact UTF-8 size of keys, values, header names and header values', () => {
		const text = fc.string({unit: fc.oneof(fc.constantFrom('a', 'é', '€', '😀', '\u0080', '\u00ff'), fc.string({minLength: 1, maxLength: 1}), fc.string({unit: 'binary', minLength: 1, maxLength: 1})), maxLength: 30});
		const name = fc.string({unit: fc.constantFrom('a', 'b', 'z', '-', '1'), minLength: 1, maxLength: 8});
		const record = fc.record(
			{key: fc.option(text, {nil: null}), value: text, headers: fc.option(fc.dictionary(name, text, {maxKeys: 3}), {nil: null})},
			{requiredKeys: ['value']},
		);
		fc.assert(
			fc.property(fc.array(record, {minLength: 1, maxLength: 20}), (records) => {
				let expected = 0;
				for (const r of records) {
					expected += Buffer.byteLength(r.value);
					if (r.key != null) expected += Buffer.byteLength(r.key);
					for (const [n, v] of Object.entries(r.headers ?? {})) expected += Buffer.byteLength(n) + Buffer.byteLength(v);
				}
				expect(validateBatch(records)).toBe(expected);
			}),
			{numRuns: 300},
		);
	});
});
