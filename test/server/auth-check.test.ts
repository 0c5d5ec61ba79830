/** accessCheck's verdicts, and that every comparison goes through crypto.timingSafeEqual on equal-length digests. */
import {beforeEach, describe, expect, test, vi} from 'vitest';

const compared = vi.hoisted(() => ({lengths: [] as [number, number][]}));
vi.mock('node:crypto', async (importOriginal) => {
	const real = await importOriginal<typeof import('node:crypto')>();
	return {
		...real,
		timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
			compared.lengths.push([a.byteLength, b.byteLength]);
			return real.timingSafeEqual(a, b);
		},
	};
});
const {accessCheck} = await import('../../source/server/auth.js');

const bearer = (token: string): string => `Bearer ${token}`;

describe('accessCheck', () => {
	beforeEach(() => {
		compared.lengths = [];
	});

	const both = accessCheck({token: 'teacher-secret', readToken: 'students'});

	test.each([
		['the full token', bearer('teacher-secret'), 'full'],
		['the read token', bearer('students'), 'read'],
		['the read token, scheme in lower case', 'bearer students', 'read'],
		['an unequal token of the same length', bearer('teacher-secreT'), 'none'],
		['a prefix of the full token', bearer('teacher'), 'none'],
		['the full token with a suffix', bearer('teacher-secret2'), 'none'],
		['a much longer token', bearer('x'.repeat(10_000)), 'none'],
		['the read token without the scheme', 'students', 'none'],
		['another scheme', 'Basic students', 'none'],
		['no header', undefined, 'none'],
	])('%s: %s', (_name, header, verdict) => {
		expect(both(header)).toBe(verdict);
	});

	test('both tokens are compared, always over 32-byte SHA-256 digests, whatever the lengths', () => {
		for (const header of [bearer('teacher-secret'), bearer('students'), bearer('s'), bearer('y'.repeat(500)), 'garbage']) {
			compared.lengths = [];
			both(header);
			// Two comparisons every time: timing does not tell which token matched, nor a malformed header from a wrong one.
			expect(compared.lengths, header).toEqual([
				[32, 32],
				[32, 32],
			]);
		}
	});

	test('only one kind configured: the other kind never matches', () => {
		const fullOnly = accessCheck({token: 'tok'});
		expect([fullOnly(bearer('tok')), fullOnly(bearer('other'))]).toEqual(['full', 'none']);
		const readOnly = accessCheck({readToken: 'r'});
		expect([readOnly(bearer('r')), readOnly(bearer('tok'))]).toEqual(['read', 'none']);
	});
});
