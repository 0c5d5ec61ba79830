import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import type {RecordInput, StoredRecord} from '../../source/engine/types.js';
import {validateBatch} from '../../source/engine/validation.js';
import {FaultyIo} from '../../source/storage/file/fault-io.js';
import {fitRecords, encodeFrame, parseHeader} from '../../source/storage/file/frame-codec.js';
import {MemoryTopicLog} from '../../source/storage/memory/memory-topic-log.js';
import {recordBytes} from '../../source/storage/record-bytes.js';
import type {TopicLog} from '../../source/storage/types.js';
import {openOn} from './file/helpers.js';

/**
 * TopicLog.read's byte bound against a model, on every path a record can come from: memory columns
 * (whole batches by subtraction, records measured in the batch the read stops in), and on file
 * storage the cache, the WAL's pending records and the log's frames, cold after a reopen too.
 */
const text = fc.oneof(fc.string({maxLength: 40}), fc.string({unit: 'grapheme', maxLength: 20}), fc.constant('é😀'.repeat(7)));
const recordArb: fc.Arbitrary<RecordInput> = fc.record({
	key: fc.option(text, {nil: null}),
	value: text,
	headers: fc.option(fc.dictionary(fc.string({minLength: 1, maxLength: 5}), text, {maxKeys: 3}), {nil: null}),
});
const batchesArb = fc.array(fc.array(recordArb, {minLength: 1, maxLength: 12}), {minLength: 1, maxLength: 8});
const readArb = fc.record({from: fc.nat({max: 120}), max: fc.integer({min: 1, max: 100}), maxBytes: fc.integer({min: 1, max: 800})});

/** What a bounded read must return: the records from `from`, at most `max`, stopped before the one that passes `maxBytes`, at least one. */
function model(all: readonly RecordInput[], from: number, max: number, maxBytes: number): number[] {
	const out: number[] = [];
	let used = 0;
	for (let offset = from; offset < Math.min(all.length, from + max); offset++) {
		const size = validateBatch([all[offset]]);
		if (used + size > maxBytes && out.length > 0) break;
		used += size;
		out.push(offset);
	}
	return out;
}

async function appendAll(log: TopicLog, batches: RecordInput[][]): Promise<RecordInput[]> {
	for (const batch of batches) await log.append(batch, 7, validateBatch(batch));
	return batches.flat();
}

function check(read: StoredRecord[], all: readonly RecordInput[], from: number, max: number, maxBytes: number): void {
	expect(read.map((r) => r.offset)).toEqual(model(all, from, max, maxBytes));
	for (const r of read) expect(r.value).toBe(all[r.offset]!.value);
}

describe('TopicLog.read with a byte bound', () => {
	it('recordBytes counts a record as validation does', () => {
		fc.assert(
			fc.property(recordArb, (record) => {
				expect(recordBytes(record)).toBe(validateBatch([record]));
			}),
		);
	});

	it('fitRecords counts the frame records that fit, from an offset inside the frame', () => {
		fc.assert(
			fc.property(fc.array(recordArb, {minLength: 1, maxLength: 12}), fc.nat(), fc.integer({min: 1, max: 12}), fc.integer({min: 0, max: 600}), (records, skip, limit, budget) => {
				const from = 100 + (skip % records.length);
				const {buffer} = encodeFrame(100, 1, records);
				const parsed = parseHeader(buffer);
				if (!parsed.ok) throw new Error(parsed.reason);
				const {header} = parsed;
				const sizes = records.map((r) => validateBatch([r])).slice(from - 100, from - 100 + limit);
				let count = 0;
				let bytes = 0;
				while (count < sizes.length && bytes + sizes[count]! <= budget) bytes += sizes[count++]!;
				expect(fitRecords(buffer, header, 0, from, limit, budget, false)).toEqual({count, bytes});
				const one = fitRecords(buffer, header, 0, from, limit, budget, true);
				expect(one.count).toBe(Math.max(1, count));
			}),
		);
	});

	it('memory: matches the model', async () => {
		await fc.assert(
			fc.asyncProperty(batchesArb, fc.array(readArb, {minLength: 1, maxLength: 5}), async (batches, reads) => {
				const log = new MemoryTopicLog('t');
				const all = await appendAll(log, batches);
				for (const {from, max, maxBytes} of reads) check(await log.read(from % all.length, max, maxBytes), all, from % all.length, max, maxBytes);
			}),
		);
	});

	it('file: matches the model from the cache, the WAL and the log, and after a reopen', async () => {
		await fc.assert(
			fc.asyncProperty(
				batchesArb,
				fc.array(readArb, {minLength: 1, maxLength: 4}),
				fc.constantFrom(0, 5, 1000),
				fc.integer({min: 1, max: 30}),
				fc.constantFrom('always' as const, 'never' as const),
				async (batches, reads, cacheSize, commitThreshold, sync) => {
					const io = new FaultyIo();
					const settings = {sync, commitThreshold, cacheSize, indexIntervalBytes: 64};
					let {backend} = await openOn(io, settings);
					let log = await backend.openTopic('t');
					const all = await appendAll(log, batches);
					for (const reopen of [false, true]) {
						if (reopen) {
							await backend.close();
							({backend} = await openOn(io, settings));
							log = await backend.openTopic('t');
						}
						for (const {from, max, maxBytes} of reads) check(await log.read(from % all.length, max, maxBytes), all, from % all.length, max, maxBytes);
					}
					await backend.close();
				},
			),
			{numRuns: 60},
		);
	});
});
