/** The nats message codec: every record round-trips exactly, the fast path for key- and header-less records included. */
import {describe, expect, it} from 'vitest';
import type {RecordInput} from '../../../source/core/records.js';
import {decodeRecord, encodeRecord} from '../../../source/storage/nats/codec.js';

describe('nats record codec', () => {
	const cases: RecordInput[] = [
		{key: null, value: 'plain', headers: null},
		{key: '', value: '', headers: {}},
		{key: 'null', value: ',null,null]\n[1,null,null]', headers: null},
		{key: null, value: 'with headers', headers: {a: '1', '': ''}},
		{key: 'k\n"', value: 'ünïcødé ✓', headers: {'Nats-Msg-Id': 'x'}},
		{key: null, value: '', headers: null},
	];

	it('round-trips key, value, headers and timestamp exactly (null vs empty too)', () => {
		for (const [i, record] of cases.entries()) {
			for (const timestamp of [0, 7, 1_700_000_000_123]) {
				expect(decodeRecord(i, encodeRecord(record, timestamp))).toEqual({offset: i, timestamp, ...record});
			}
		}
	});

	it('reads a message with no key and no headers the same as JSON.parse does, and refuses a message without metadata', () => {
		for (let n = 0; n < 200; n++) {
			const timestamp = Math.floor(Math.random() * 2 ** 45);
			const data = encodeRecord({key: null, value: `v${n}`, headers: null}, timestamp);
			const [parsed] = JSON.parse(new TextDecoder().decode(data.subarray(0, data.indexOf(0x0a)))) as [number];
			expect(decodeRecord(n, data).timestamp).toBe(parsed);
		}
		expect(() => decodeRecord(3, new TextEncoder().encode('no metadata'))).toThrow(/offset 3 is not a FlashQ record/);
	});
});
