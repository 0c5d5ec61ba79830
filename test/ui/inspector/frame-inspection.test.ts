import fc from 'fast-check';
import {afterEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import type {RecordInput} from '../../../source/engine/types.js';
import {decodeRecords, encodeFrame, parseHeader} from '../../../source/storage/file/frame-codec.js';
import {focusRows, hexRows, inspectFrame, type FrameInspection} from '../../../source/ui/inspector/frame-inspection.js';
import {inspectRecord} from '../../../source/ui/inspector/inspect-record.js';
import {tempDir} from '../../helpers/backends.js';

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

const sample: RecordInput[] = [
	{key: 'ada', value: '{"n":1}', headers: {source: 'web', trace: 'é✓'}},
	{key: null, value: 'plain', headers: null},
	{value: '', headers: {}},
];

/** The fields tile the frame exactly, and what they say agrees with the storage decoder. */
function checkAgainstDecoder(inspection: FrameInspection) {
	const fields = [...inspection.fields].sort((a, b) => a.start - b.start);
	let at = 0;
	for (const f of fields) {
		expect(f.start, f.label).toBe(at);
		expect(f.end, f.label).toBeGreaterThanOrEqual(f.start);
		at = f.end;
	}
	expect(at).toBe(inspection.length);
	const parsed = parseHeader(inspection.bytes, 0);
	if (!parsed.ok) throw new Error(parsed.reason);
	const {header} = parsed;
	const records = decodeRecords(inspection.bytes, header, 0);
	expect(inspection.count).toBe(records.length);
	expect(inspection.baseOffset).toBe(header.baseOffset);
	expect(inspection.timestamp).toBe(header.timestamp);
	const text = (f: {start: number; end: number}) => inspection.bytes.toString('utf8', f.start, f.end);
	records.forEach((record, i) => {
		const mine = inspection.fields.filter((f) => f.record === i);
		const key = mine.find((f) => f.label === `record[${i}].key`);
		expect(key ? text(key) : null).toBe(record.key);
		expect(text(mine.find((f) => f.label === `record[${i}].value`)!)).toBe(record.value);
		const names = mine.filter((f) => /headers\[\d+\]\.name$/.test(f.label)).map(text);
		const values = mine.filter((f) => /headers\[\d+\]\.value$/.test(f.label)).map(text);
		if (record.headers === null) expect(names).toEqual([]);
		else expect(Object.fromEntries(names.map((n, j) => [n, values[j]]))).toEqual(record.headers);
	});
}

describe('inspectFrame', () => {
	it('labels every byte of a frame, as the decoder reads it, and finds the CRC valid', () => {
		const {buffer} = encodeFrame(40, T, sample);
		const inspection = inspectFrame(buffer, {source: 'encoded', recordOffset: 41});
		checkAgainstDecoder(inspection);
		expect(inspection).toMatchObject({baseOffset: 40, count: 3, timestamp: T, recordIndex: 1, crcValid: true, error: null});
		expect(inspection.crcComputed).toBe(inspection.crcStored);
		const byLabel = Object.fromEntries(inspection.fields.map((f) => [f.label, f]));
		expect(byLabel['magic']).toMatchObject({start: 0, end: 2, kind: 'magic', value: '"FQ"'});
		expect(byLabel['crc']).toMatchObject({start: 4, end: 8, kind: 'crc'});
		expect(byLabel['length']).toMatchObject({start: 8, end: 12, value: String(buffer.length)});
		expect(byLabel['baseOffset']).toMatchObject({start: 12, end: 20, kind: 'offset', value: '40'});
		expect(byLabel['timestamp']!.value).toContain('2026-01-02T03:04:05.678Z');
		expect(byLabel['record[1].key.length']).toMatchObject({kind: 'size', value: 'null'});
		expect(byLabel['record[0].headers[1].value']).toMatchObject({kind: 'header', value: '"é✓"'});
		expect(byLabel['record[0].key']).toMatchObject({kind: 'key', value: '"ada"'});
	});

	it('agrees with the decoder on random batches', () => {
		const text = fc.string({unit: 'binary', maxLength: 40});
		const record = fc.record({
			key: fc.option(text, {nil: null}),
			value: text,
			headers: fc.option(fc.dictionary(fc.string({minLength: 1, maxLength: 8}), text, {maxKeys: 3}), {nil: null}),
		});
		fc.assert(
			fc.property(fc.array(record, {minLength: 1, maxLength: 6}), fc.nat(1_000_000), (records, base) => {
				checkAgainstDecoder(inspectFrame(encodeFrame(base, T, records).buffer, {source: 'encoded'}));
			}),
			{numRuns: 30},
		);
	});

	it('recomputes the CRC: one flipped bit anywhere after the CRC field makes it invalid', () => {
		const {buffer} = encodeFrame(0, T, sample);
		for (const at of [8, 12, 24, 40, buffer.length - 1]) {
			const damaged = Buffer.from(buffer);
			damaged[at]! ^= 0x04;
			const inspection = inspectFrame(damaged, {source: 'encoded'});
			expect(inspection.crcValid, `byte ${at}`).toBe(false);
			expect(inspection.error).not.toBeNull();
		}
	});

	it('labels what it can of a torn frame and says so', () => {
		const {buffer} = encodeFrame(0, T, sample);
		const inspection = inspectFrame(buffer.subarray(0, 30), {source: 'encoded'});
		expect(inspection.crcValid).toBe(false);
		expect(inspection.error).toBe('short header');
		expect(inspection.fields.map((f) => f.label)).toEqual(['magic', 'version', 'flags', 'crc', 'length', 'baseOffset', 'count']);
		const torn = inspectFrame(buffer.subarray(0, 40), {source: 'encoded'});
		expect(torn.error).toMatch(/^torn/);
		expect(torn.crcComputed).toBeNull();
	});

	it('hex rows carry frame-relative addresses (as the field ranges do) and field owners; focusRows keeps the header and the record', () => {
		const records = Array.from({length: 30}, (_, i) => ({key: `k${i}`, value: 'v'.repeat(50)}));
		const {buffer} = encodeFrame(100, T, records);
		const inspection = inspectFrame(buffer, {source: 'log', file: '/x/log', position: 4096, recordOffset: 120});
		const rows = hexRows(inspection);
		// The frame sits at byte 4096 of its file; the dump counts from the frame's first byte.
		expect(rows[0]!.address).toBe(0);
		expect(rows[1]!.address).toBe(16);
		expect(rows.flatMap((r) => r.cells.map((c) => c.byte))).toEqual([...buffer]);
		expect(rows.flatMap((r) => r.cells).every((c) => c.field >= 0)).toBe(true);
		const focused = focusRows(inspection, 8);
		expect(focused.length).toBeLessThanOrEqual(8);
		expect(focused[0]).toEqual(rows[0]);
		expect(focused[2]).toBeNull();
		const recordStart = inspection.fields.find((f) => f.record === 20)!.start;
		expect(focused[3]!.frameStart).toBe(Math.floor(recordStart / 16) * 16);
	});
});

describe('inspectRecord', () => {
	const cleanups: (() => Promise<void>)[] = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0)) await c();
	});

	it('memory storage: the frame file storage would write, which decodes back to the record', async () => {
		const queue = await FlashQ.open({storage: 'memory'});
		await queue.post('t', [{key: 'a', value: 'one', headers: {h: '1'}}]);
		const [record] = (await queue.poll('t')).records;
		const inspection = await inspectRecord(queue, 't', record!);
		expect(inspection).toMatchObject({source: 'encoded', file: null, position: null, baseOffset: 0, count: 1, crcValid: true, indexEntry: null});
		const parsed = parseHeader(inspection.bytes);
		if (!parsed.ok) throw new Error(parsed.reason);
		const {header} = parsed;
		expect(decodeRecords(inspection.bytes, header)).toEqual([{offset: 0, timestamp: Date.parse(record!.timestamp), key: 'a', value: 'one', headers: {h: '1'}}]);
		await queue.close();
	});

	it('file storage: the real frame from the log (with its index entry) or from the WAL', async () => {
		const {dir, cleanup} = await tempDir('flashq-inspect-');
		cleanups.push(cleanup);
		const queue = await FlashQ.open({storage: 'file', dataDir: dir, sync: 'never', commitThreshold: 10, indexIntervalBytes: 256});
		for (let i = 0; i < 8; i++) await queue.post('t', [{key: `k${i}`, value: `value ${i} `.repeat(8)}, {key: null, value: `second ${i}`}]);
		// 16 records: the first 10 committed to the log, 6 pending in the WAL.
		const all = (await queue.poll('t', {maxRecords: 100})).records;
		for (const record of all) {
			const inspection = await inspectRecord(queue, 't', record);
			expect(inspection.source, `offset ${record.offset}`).toBe(record.offset < 10 ? 'log' : 'wal');
			expect(inspection.crcValid).toBe(true);
			checkAgainstDecoder(inspection);
			const parsed = parseHeader(inspection.bytes);
			if (!parsed.ok) throw new Error(parsed.reason);
			const {header} = parsed;
			const decoded = decodeRecords(inspection.bytes, header).find((r) => r.offset === record.offset)!;
			expect({...decoded, timestamp: new Date(decoded.timestamp).toISOString()}).toEqual(record);
			expect(inspection.recordIndex).toBe(record.offset % 2);
			if (inspection.source === 'log') {
				expect(inspection.file).toMatch(/\/topics\/74\/log$/);
				expect(inspection.indexEntry).not.toBeNull();
				expect(inspection.indexEntry!.offset).toBeLessThanOrEqual(record.offset);
				expect(inspection.indexEntry!.position).toBeLessThanOrEqual(inspection.position!);
			} else {
				expect(inspection.file).toMatch(/\/wal$/);
				expect(inspection.indexEntry).toBeNull();
			}
		}
		// Positions are real: frame i of the log starts where frame i-1 ends.
		const p2 = await inspectRecord(queue, 't', all[2]!);
		const p0 = await inspectRecord(queue, 't', all[0]!);
		expect(p0.position).toBe(0);
		expect(p2.position).toBe(p0.length);
		await queue.close();
	});
});
