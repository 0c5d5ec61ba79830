import {describe, expect, it} from 'vitest';
import type {RecordWithOffset} from '../../source/engine/types.js';
import {type RecordFilter, compileFilter, describeFilter} from '../../source/ui/record-filter.js';

const rec = (key: string | null, value: string, headers: Record<string, string> | null = null, offset = 0): RecordWithOffset => ({offset, timestamp: '2020-01-01T00:00:00.000Z', key, value, headers});
const records = [rec('user-1', 'login'), rec(null, 'Checkout user-1'), rec('b', 'x', {src: 'web', 'content-type': 'json'}), rec('c', 'y', {src: 'app'})];

function keep(filter: RecordFilter): number[] {
	const compiled = compileFilter(filter);
	if (!compiled.ok) throw new Error(compiled.error);
	return records.flatMap((r, i) => (compiled.test(r) ? [i] : []));
}

describe('record filters', () => {
	it('plain text matches the chosen field only, in any case', () => {
		expect(keep({field: 'any', text: 'USER-1'})).toEqual([0, 1]);
		expect(keep({field: 'key', text: 'user-1'})).toEqual([0]);
		expect(keep({field: 'value', text: 'user-1'})).toEqual([1]);
		expect(keep({field: 'any', text: 'web'})).toEqual([2]);
		expect(keep({field: 'any', text: ''})).toEqual([0, 1, 2, 3]);
	});

	it('headers: a name, name=value exactly, name=/regex/, or /regex/ on name=value', () => {
		expect(keep({field: 'header', text: 'src'})).toEqual([2, 3]);
		expect(keep({field: 'header', text: 'src=web'})).toEqual([2]);
		expect(keep({field: 'header', text: 'src=we'})).toEqual([]);
		expect(keep({field: 'header', text: 'src=/^(web|app)$/'})).toEqual([2, 3]);
		expect(keep({field: 'header', text: '/^content-type=j/'})).toEqual([2]);
		// A name the record's header object inherits is not a header.
		expect(keep({field: 'header', text: 'constructor'})).toEqual([]);
		expect(compileFilter({field: 'header', text: '=web'})).toEqual({ok: false, error: expect.stringContaining('a header filter is name')});
	});

	it('/regex/flags is a regular expression; an invalid one is an error, not an exception', () => {
		expect(keep({field: 'key', text: '/^user-\\d$/'})).toEqual([0]);
		expect(keep({field: 'value', text: '/^checkout/'})).toEqual([]);
		expect(keep({field: 'value', text: '/^checkout/i'})).toEqual([1]);
		// g keeps no state between records.
		expect(keep({field: 'value', text: '/e/g'})).toEqual([1]);
		expect(compileFilter({field: 'value', text: '/a(/'})).toEqual({ok: false, error: expect.stringMatching(/^invalid regular expression \/a\(\/: .*Unterminated group/)});
		expect(compileFilter({field: 'key', text: '/a/q'})).toMatchObject({ok: false});
		// Not closed: plain text.
		expect(keep({field: 'value', text: '/log'})).toEqual([]);
	});

	it('describes itself for the pane title', () => {
		expect(describeFilter({field: 'any', text: 'k7'})).toBe('"k7"');
		expect(describeFilter({field: 'key', text: '/^k/i'})).toBe('key /^k/i');
		expect(describeFilter({field: 'header', text: 'src=web'})).toBe('header "src=web"');
	});
});
