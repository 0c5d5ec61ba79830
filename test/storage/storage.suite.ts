import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {EventHub} from '../../source/core/event-hub.js';
import type {FlashQEvent} from '../../source/core/events.js';
import {createBackend} from '../../source/storage/factory.js';
import type {StorageBackend, StorageOptions} from '../../source/storage/types.js';
import type {RecordInput} from '../../source/engine/types.js';
import {validateBatch} from '../../source/engine/validation.js';
import type {BackendCase} from '../helpers/backends.js';

const record = (i: number) => ({key: `k${i}`, value: `value-${i}-${'é'.repeat(i % 5)}`, headers: i % 2 ? {h: `${i}`} : null});
/** What the engine passes as `bytes`: the exact UTF-8 size of keys, values and headers. */
const utf8Size = (records: readonly RecordInput[]) => validateBatch(records);

/** The behavioural contract of TopicLog and ConsumerGroupStore, written once for every backend. */
export function describeStorage(backendCase: BackendCase): void {
	describe(`storage contract: ${backendCase.name}`, () => {
		let options: StorageOptions;
		let cleanup: () => Promise<void>;
		let backend: StorageBackend;
		const open = () => createBackend(options, {events: new EventHub<FlashQEvent>()});

		beforeEach(async () => {
			({options, cleanup} = await backendCase.fresh());
			backend = await open();
		});
		afterEach(async () => {
			await backend.close().catch(() => undefined);
			await cleanup();
		});

		it('starts empty and assigns offsets from 0', async () => {
			expect(await backend.existingTopics()).toEqual([]);
			const log = await backend.openTopic('t');
			expect(log.nextOffset).toBe(0);
			expect(await log.append([record(0), record(1)], 1000, utf8Size([record(0), record(1)]))).toBe(0);
			expect(await log.append([record(2)], 2000, utf8Size([record(2)]))).toBe(2);
			expect(log.nextOffset).toBe(3);
		});

		it('reads back exactly what was appended, with the stored timestamp', async () => {
			const log = await backend.openTopic('t');
			const inputs = Array.from({length: 25}, (_, i) => record(i));
			await log.append(inputs.slice(0, 10), 111, utf8Size(inputs.slice(0, 10)));
			await log.append(inputs.slice(10), 222, 0);
			const read = await log.read(0, 100);
			expect(read).toHaveLength(25);
			read.forEach((r, i) => {
				expect(r).toEqual({offset: i, timestamp: i < 10 ? 111 : 222, key: `k${i}`, value: inputs[i]!.value, headers: inputs[i]!.headers});
			});
			expect(await log.read(0, 100)).toEqual(read);
		});

		it('reads back all-ASCII and mixed batches given their exact UTF-8 sizes (as the engine posts them)', async () => {
			const log = await backend.openTopic('t');
			const ascii = Array.from({length: 20}, (_, i) => ({key: `k${i}`, value: `{"n":${i},"s":"${'x'.repeat(i * 10)}"}`, headers: {trace: `t-${i}`}}));
			const mixed = [{key: 'é', value: 'ascii'}, {value: 'ÿ\u0101'}, {value: '😀', headers: {h: '\u00ff'}}, {value: '\u0080'}];
			await log.append(ascii, 1, utf8Size(ascii));
			await log.append(mixed, 2, utf8Size(mixed));
			const read = await log.read(0, 100);
			const expected = [...ascii, ...mixed].map((r) => [r.key ?? null, r.value, r.headers ?? null]);
			expect(read.map((r) => [r.key, r.value, r.headers])).toEqual(expected);
			if (!backendCase.persistent) return;
			// Reads above may come from the cache: after a reopen they come from the encoded frames.
			await backend.close();
			backend = await open();
			const fromDisk = await (await backend.openTopic('t')).read(0, 100);
			expect(fromDisk.map((r) => [r.key, r.value, r.headers])).toEqual(expected);
		});

		it('normalises absent key and headers to null and keeps empty strings', async () => {
			const log = await backend.openTopic('t');
			await log.append([{value: ''}, {key: '', value: 'x', headers: {}}, {key: null, value: 'y', headers: null}], 5, 0);
			const read = await log.read(0, 10);
			expect(read.map((r) => [r.key, r.value, r.headers])).toEqual([
				[null, '', null],
				['', 'x', {}],
				[null, 'y', null],
			]);
		});

		it('reads a window: from an offset, at most maxRecords, empty at or past the end', async () => {
			const log = await backend.openTopic('t');
			for (let i = 0; i < 30; i++) await log.append([record(i)], i, 0);
			expect((await log.read(12, 5)).map((r) => r.offset)).toEqual([12, 13, 14, 15, 16]);
			expect((await log.read(28, 10)).map((r) => r.offset)).toEqual([28, 29]);
			expect(await log.read(30, 10)).toEqual([]);
			expect(await log.read(1000, 10)).toEqual([]);
		});

		it('gives concurrent appends dense, contiguous offset ranges in call order', async () => {
			const log = await backend.openTopic('t');
			const sizes = Array.from({length: 40}, (_, i) => (i % 7) + 1);
			const bases = await Promise.all(sizes.map((n, i) => log.append(Array.from({length: n}, () => record(i)), i, 0)));
			let expected = 0;
			sizes.forEach((n, i) => {
				expect(bases[i]).toBe(expected);
				expected += n;
			});
			const read = await log.read(0, 1000);
			expect(read.map((r) => r.offset)).toEqual(Array.from({length: expected}, (_, i) => i));
			// Each batch's records carry that batch's timestamp: batches never interleave.
			sizes.forEach((n, i) => {
				for (let j = 0; j < n; j++) expect(read[bases[i]! + j]!.timestamp).toBe(i);
			});
		});

		it('keeps topics apart', async () => {
			const a = await backend.openTopic('a');
			const b = await backend.openTopic('B');
			await a.append([{value: 'in a'}], 1, 0);
			await b.append([{value: 'in B'}, {value: 'in B 2'}], 1, 0);
			expect((await a.read(0, 10)).map((r) => r.value)).toEqual(['in a']);
			expect((await b.read(0, 10)).map((r) => r.value)).toEqual(['in B', 'in B 2']);
		});

		it('reports its own stats', async () => {
			const log = await backend.openTopic('t');
			await log.append([record(1)], 1, utf8Size([record(1)]));
			expect(log.stats().logBytes).toBeGreaterThan(0);
		});

		it('stores groups: create, save, delete', async () => {
			await backend.groups.create('g1');
			await backend.groups.save({groupId: 'g1', offsets: new Map([['t', {offset: 3, time: 99}]])});
			await backend.groups.create('g2');
			await backend.groups.delete('g2');
			if (!backendCase.persistent) return;
			await backend.close();
			backend = await open();
			const groups = await backend.groups.load();
			expect(groups.map((g) => g.groupId)).toEqual(['g1']);
			expect([...groups[0]!.offsets]).toEqual([['t', {offset: 3, time: 99}]]);
		});

		it('survives close and reopen when persistent', async () => {
			if (!backendCase.persistent) return;
			const log = await backend.openTopic('t');
			const inputs = Array.from({length: 23}, (_, i) => record(i));
			for (const input of inputs) await log.append([input], 42, 0);
			await backend.close();
			backend = await open();
			expect(await backend.existingTopics()).toEqual(['t']);
			const reopened = await backend.openTopic('t');
			expect(reopened.nextOffset).toBe(23);
			const read = await reopened.read(0, 100);
			expect(read.map((r) => r.value)).toEqual(inputs.map((i) => i.value));
			expect(read.every((r) => r.timestamp === 42)).toBe(true);
			expect(await reopened.append([record(99)], 43, 0)).toBe(23);
		});
	});
}
