import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {decodeRecords, encodeFrame, FRAME_HEADER_BYTES, parseHeader, checkFrame} from '../../../source/storage/file/frame-codec.js';
import {describeFrame} from '../../../source/storage/file/frame-describer.js';

const recordArb = fc.record({
	key: fc.option(fc.string({unit: 'grapheme', maxLength: 20}), {nil: null}),
	value: fc.string({unit: 'grapheme', maxLength: 200}),
	headers: fc.option(fc.dictionary(fc.string({maxLength: 8}), fc.string({unit: 'grapheme', maxLength: 20}), {maxKeys: 3}), {nil: null}),
});

describe('frame codec', () => {
	it('round-trips any batch, with or without a scratch buffer', () => {
		const scratch = Buffer.alloc(64);
		fc.assert(
			fc.property(fc.array(recordArb, {minLength: 1, maxLength: 20}), fc.nat(2 ** 40), fc.integer({min: 0, max: 2 ** 45}), (records, base, ts) => {
				for (const s of [undefined, scratch, Buffer.alloc(1 << 20)]) {
					const {buffer, recordSizes} = encodeFrame(base, ts, records, s);
					const parsed = parseHeader(buffer);
					if (!parsed.ok) throw new Error(parsed.reason);
					const {header} = parsed;
					expect(header).toMatchObject({length: buffer.length, baseOffset: base, count: records.length, timestamp: ts});
					expect(checkFrame(buffer, header)).toBe(true);
					expect(recordSizes.reduce((a, b) => a + b, FRAME_HEADER_BYTES)).toBe(buffer.length);
					expect(decodeRecords(buffer, header)).toEqual(records.map((r, i) => ({offset: base + i, timestamp: ts, ...r})));
				}
			}),
			{numRuns: 200},
		);
	});

	it('decodes headers named like Object.prototype members as own properties, __proto__ included', () => {
		const json = '{"__proto__":"x","constructor":"c","toString":"t","hasOwnProperty":"h","k":"v"}';
		const {buffer} = encodeFrame(0, 0, [{value: 'v', headers: JSON.parse(json) as Record<string, string>}]);
		const parsed = parseHeader(buffer);
		if (!parsed.ok) throw new Error(parsed.reason);
		const {header} = parsed;
		const [record] = decodeRecords(buffer, header);
		expect(JSON.stringify(record!.headers)).toBe(json);
		expect(Object.getPrototypeOf(record!.headers)).toBe(Object.prototype);
	});

	it('given the exact UTF-8 size, encodes the same bytes: ASCII batches through the Latin-1 copy, others through UTF-8', () => {
		const utf8Size = (records: readonly {key?: string | null; value: string; headers?: Record<string, string> | null}[]) =>
			records.reduce(
				(n, r) =>
					n +
					Buffer.byteLength(r.value) +
					(r.key == null ? 0 : Buffer.byteLength(r.key)) +
					Object.entries(r.headers ?? {}).reduce((m, [name, v]) => m + Buffer.byteLength(name) + Buffer.byteLength(v), 0),
				0,
			);
		const asciiRecordArb = fc.record({
			key: fc.option(fc.string({maxLength: 20}), {nil: null}),
			value: fc.string({maxLength: 300}),
			headers: fc.option(fc.dictionary(fc.string({maxLength: 8}), fc.string({maxLength: 20}), {maxKeys: 3}), {nil: null}),
		});
		const scratch = Buffer.alloc(1 << 20);
		fc.assert(
			fc.property(fc.array(fc.oneof(recordArb, asciiRecordArb), {minLength: 1, maxLength: 20}), (records) => {
				const plain = Buffer.from(encodeFrame(5, 6, records).buffer);
				const sized = encodeFrame(5, 6, records, scratch, utf8Size(records));
				expect(sized.buffer.equals(plain)).toBe(true);
			}),
			{numRuns: 300},
		);
		// Characters that a Latin-1 copy would get wrong, alone in a batch: the size tells them apart.
		for (const value of ['é', 'ÿ', '\u0101', '😀', '\ud800', 'a\u0080b']) {
			const records = [{key: 'k', value}];
			expect(encodeFrame(0, 1, records, scratch, utf8Size(records)).buffer.equals(encodeFrame(0, 1, records).buffer), value).toBe(true);
		}
	});

	it('decodes a window of a frame', () => {
		const records = Array.from({length: 6}, (_, i) => ({value: `v${i}`}));
		const {buffer} = encodeFrame(100, 5, records);
		const parsed = parseHeader(buffer);
		if (!parsed.ok) throw new Error(parsed.reason);
		const {header} = parsed;
		expect(decodeRecords(buffer, header, 0, 102, 3).map((r) => r.offset)).toEqual([102, 103, 104]);
	});

	it('detects every single-bit flip', () => {
		const {buffer} = encodeFrame(7, 1234, [{key: 'k', value: 'héllo', headers: {a: 'b'}}, {value: ''}]);
		for (let at = 0; at < buffer.length; at++) {
			for (let bit = 0; bit < 8; bit++) {
				const damaged = Buffer.from(buffer);
				damaged[at]! ^= 1 << bit;
				const parsed = parseHeader(damaged);
				expect(!parsed.ok || !checkFrame(damaged, parsed.header), `byte ${at} bit ${bit}`).toBe(true);
			}
		}
	});

	it('describes fields with byte ranges, and what is wrong with a damaged frame', () => {
		const {buffer} = encodeFrame(3, 99, [{key: 'k', value: 'value', headers: {h: 'x'}}]);
		const d = describeFrame(buffer);
		expect(d.valid).toBe(true);
		const field = (label: string) => d.fields.find((f) => f.label === label)!;
		expect(field('magic')).toMatchObject({start: 0, end: 2, value: 'FQ'});
		expect(field('crc')).toMatchObject({start: 4, end: 8});
		expect(field('length')).toMatchObject({start: 8, end: 12, value: buffer.length});
		expect(field('baseOffset')).toMatchObject({start: 12, end: 20, value: 3});
		expect(field('timestamp')).toMatchObject({start: 24, end: 32, value: 99});
		expect(field('record[0].key')).toMatchObject({start: 36, end: 37, value: 'k'});
		expect(buffer.toString('utf8', field('record[0].value').start, field('record[0].value').end)).toBe('value');
		expect(field('record[0].headers[0].value').value).toBe('x');
		expect(field('record[0].headers[0].value').end).toBe(buffer.length);
		const damaged = Buffer.from(buffer);
		damaged[40]! ^= 1;
		expect(describeFrame(damaged)).toMatchObject({valid: false, error: 'crc mismatch'});
		expect(describeFrame(buffer.subarray(0, 20))).toMatchObject({valid: false, error: 'short header'});
		expect(describeFrame(buffer.subarray(0, 40))).toMatchObject({valid: false, error: expect.stringMatching(/^torn/)});
	});
});
