import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {FlashQError} from '../../source/engine/errors.js';
import {FlashQ} from '../../source/engine/flashq.js';
import {LIMITS} from '../../source/engine/limits.js';
import type {FlashQEvent} from '../../source/core/events.js';
import type {StorageOptions} from '../../source/storage/types.js';
import type {BackendCase} from '../helpers/backends.js';
import {waitFor} from '../helpers/wait-for.js';

/** Resolves to the FlashQError a promise (or function) fails with; fails the test if it succeeds. */
async function failure(action: Promise<unknown> | (() => unknown)): Promise<FlashQError> {
	try {
		await (typeof action === 'function' ? action() : action);
	} catch (error) {
		expect(error).toBeInstanceOf(FlashQError);
		return error as FlashQError;
	}
	throw new Error('expected a FlashQError, but the call succeeded');
}

const bytes = (n: number, char = 'a') => char.repeat(n);

/** The engine's behaviour (reference sections 2-3), written once and run on every backend. */
export function describeEngine(backendCase: BackendCase): void {
	describe(`engine: ${backendCase.name}`, () => {
		let q: FlashQ;
		let options: StorageOptions;
		let cleanup: () => Promise<void>;

		beforeEach(async () => {
			({options, cleanup} = await backendCase.fresh());
			q = await FlashQ.open(options);
		});
		afterEach(async () => {
			await q.close();
			await cleanup();
		});

		describe('produce', () => {
			it('creates the topic on first post and assigns offsets from 0, contiguous per batch', async () => {
				expect(q.topics()).toEqual([]);
				const first = await q.post('orders', [{value: 'a'}, {value: 'b'}]);
				expect(first.map((o) => o.offset)).toEqual([0, 1]);
				const second = await q.post('orders', [{value: 'c'}]);
				expect(second.map((o) => o.offset)).toEqual([2]);
				expect(q.topics()).toMatchObject([{name: 'orders', highWaterMark: 3, recordCount: 3}]);
			});

			it('returns each record its stored timestamp, the same on every read', async () => {
				const before = Date.now();
				const [posted] = await q.post('t', [{value: 'x'}]);
				const after = Date.now();
				const ms = Date.parse(posted!.timestamp);
				expect(ms).toBeGreaterThanOrEqual(before);
				expect(ms).toBeLessThanOrEqual(after);
				expect(posted!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
				// Kept sleeps: the clock must move between the post and each read (what is tested: the stored time, not the read's).
				await new Promise((r) => setTimeout(r, 5));
				const first = await q.poll('t');
				await new Promise((r) => setTimeout(r, 5));
				const second = await q.poll('t');
				expect(first.records[0]!.timestamp).toBe(posted!.timestamp);
				expect(second.records[0]!.timestamp).toBe(posted!.timestamp);
			});

			it('stores key, value and headers as given; absent and null both read as null; empty strings kept', async () => {
				await q.post('t', [
					{value: 'plain'},
					{key: null, value: 'nulls', headers: null},
					{key: '', value: '', headers: {}},
					{key: 'κλειδί', value: '日本語 ✓ 🎉', headers: {a: '', b: 'β'}},
				]);
				const {records} = await q.poll('t');
				expect(records.map(({key, value, headers, offset}) => ({key, value, headers, offset}))).toEqual([
					{key: null, value: 'plain', headers: null, offset: 0},
					{key: null, value: 'nulls', headers: null, offset: 1},
					{key: '', value: '', headers: {}, offset: 2},
					{key: 'κλειδί', value: '日本語 ✓ 🎉', headers: {a: '', b: 'β'}, offset: 3},
				]);
				expect(Object.keys(records[0]!)).toEqual(['key', 'value', 'headers', 'offset', 'timestamp']);
			});

			it('reads back exactly what it accepted, from memory and from disk: prototype-named headers, astral, U+FFFD, NUL', async () => {
				// JSON.parse makes `__proto__` an own property, as an HTTP body does.
				const headersJson = '{"__proto__":"x","constructor":"c","toString":"t","hasOwnProperty":"h","valueOf":"","k":"v"}';
				const headers = JSON.parse(headersJson) as Record<string, string>;
				const input = [
					{key: '__proto__', value: 'a\u0000b', headers},
					{key: '🎉', value: 'astral 𝄞 🎉, replacement \ufffd, 日本語 κλειδί é', headers: {'€ 😀': '\ufffd\u0000🎉'}},
				];
				await q.post('t', input);
				const check = async () => {
					const {records} = await q.poll('t');
					expect(JSON.stringify(records[0]!.headers)).toBe(headersJson);
					expect(Object.keys(records[0]!.headers!)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'k']);
					expect(Object.getPrototypeOf(records[0]!.headers)).toBe(Object.prototype);
					expect(JSON.stringify(records.map(({key, value, headers}) => ({key, value, headers})))).toBe(JSON.stringify(input));
				};
				await check();
				if (!backendCase.persistent) return;
				// A reopen empties the record cache: every record now comes from the log on disk.
				await q.close();
				q = await FlashQ.open(options);
				await check();
			});

			it('keeps stored headers apart from the objects callers hold: changing them later changes no read', async () => {
				const headers: Record<string, string> = {k: 'v'};
				await q.post('t', [{value: 'x', headers}]);
				headers['k'] = 'changed by the producer';
				headers['added'] = 'later';
				const first = (await q.poll('t')).records[0]!.headers!;
				expect(first).toEqual({k: 'v'});
				first['k'] = 'changed by a reader';
				expect((await q.poll('t')).records[0]!.headers).toEqual({k: 'v'});
				await q.createGroup('g');
				expect((await q.fetch('g', 't')).records[0]!.headers).toEqual({k: 'v'});
			});

			it('rejects lone surrogates in key, value, header name and header value with validation_error, storing nothing', async () => {
				const cases: Array<[unknown, string]> = [
					[{key: 'a\ud800b', value: 'x'}, 'records[1].key'],
					[{value: 'a\udc00'}, 'records[1].value'],
					[{value: '\ud83d'}, 'records[1].value'], // the first half of an emoji, cut off
					[{value: 'x', headers: {'h\ud800': 'v'}}, 'records[1].headers.h\ud800'],
					[{value: 'x', headers: {h: '\udfff'}}, 'records[1].headers.h'],
				];
				for (const [record, field] of cases) {
					const error = await failure(q.post('t', [{value: 'fine'}, record as never]));
					expect(error.code).toBe('validation_error');
					expect(error.status).toBe(400);
					expect(error.details).toEqual({field});
					expect(error.message).toMatch(/not valid Unicode.*lone surrogate/);
				}
				const named = await failure(q.post('t', [{value: 'x', headers: {'\ud800': 'v'}}]));
				expect(named.message).toMatch(/^the name of header/);
				expect(q.topics()).toEqual([]);
			});

			it('accepts ten headers', async () => {
				const headers = Object.fromEntries(Array.from({length: 10}, (_, i) => [`h${i}`, `v${i}`]));
				await q.post('t', [{value: 'x', headers}]);
				expect((await q.poll('t')).records[0]!.headers).toEqual(headers);
			});

			it('accepts a batch of 1000 and rejects 1001 with validation_error, storing nothing', async () => {
				const ok = await q.post('t', Array.from({length: 1000}, (_, i) => ({value: `${i}`})));
				expect(ok).toHaveLength(1000);
				expect(ok[999]!.offset).toBe(999);
				const error = await failure(q.post('t', Array.from({length: 1001}, () => ({value: 'x'}))));
				expect(error.code).toBe('validation_error');
				expect(error.status).toBe(400);
				expect(error.details).toEqual({field: 'records', max_size: 1000, actual_size: 1001});
				expect(q.topics()[0]!.highWaterMark).toBe(1000);
			});

			it('rejects an empty batch with invalid_parameter records and creates no topic', async () => {
				const error = await failure(q.post('t', []));
				expect(error.code).toBe('invalid_parameter');
				expect(error.details).toEqual({parameter: 'records'});
				expect(q.topics()).toEqual([]);
			});

			it('limits keys to 1024 bytes, counting UTF-8 bytes', async () => {
				await q.post('t', [{key: bytes(1024), value: 'x'}]);
				await q.post('t', [{key: bytes(512, 'é'), value: 'x'}]); // 1024 bytes in 512 chars
				const error = await failure(q.post('t', [{value: 'ok'}, {key: bytes(1025), value: 'x'}]));
				expect(error.code).toBe('validation_error');
				expect(error.details).toEqual({field: 'records[1].key', max_size: 1024, actual_size: 1025});
				const multi = await failure(q.post('t', [{key: bytes(342, '€'), value: 'x'}])); // 342 chars, 1026 bytes
				expect(multi.details).toEqual({field: 'records[0].key', max_size: 1024, actual_size: 1026});
				expect(q.topics()[0]!.highWaterMark).toBe(2);
			});

			it('limits values to 1 MiB in bytes', async () => {
				await q.post('t', [{value: bytes(1_048_576)}]);
				const error = await failure(q.post('t', [{value: bytes(1_048_577)}]));
				expect(error.details).toEqual({field: 'records[0].value', max_size: 1_048_576, actual_size: 1_048_577});
				const multi = await failure(q.post('t', [{value: bytes(524_289, 'ß')}])); // 1,048,578 bytes
				expect(multi.code).toBe('validation_error');
				expect(multi.details).toMatchObject({actual_size: 1_048_578});
				expect(q.topics()[0]!.highWaterMark).toBe(1);
			});

			it('limits each header value to 1024 bytes and names the header', async () => {
				await q.post('t', [{value: 'x', headers: {ok: bytes(1024)}}]);
				const error = await failure(q.post('t', [{value: 'x', headers: {a: 'fine', trace: bytes(1025)}}]));
				expect(error.details).toEqual({field: 'records[0].headers.trace', max_size: 1024, actual_size: 1025});
			});

			it('reports the first failure in order: key before value before headers, record by record', async () => {
				const error = await failure(
					q.post('t', [
						{value: 'fine'},
						{key: bytes(2000), value: bytes(1_048_577), headers: {h: bytes(2000)}},
						{key: bytes(2000), value: 'x'},
					]),
				);
				expect(error.details).toMatchObject({field: 'records[1].key'});
				const valueFirst = await failure(q.post('t', [{value: bytes(1_048_577), headers: {h: bytes(2000)}}]));
				expect(valueFirst.details).toMatchObject({field: 'records[0].value'});
			});

			it('rejects schema mistakes from library callers with record_validation_error', async () => {
				for (const bad of [[{value: 1}], [{}], [null], [{value: 'x', headers: {a: 1}}], [{value: 'x', key: 5}]]) {
					const error = await failure(q.post('t', bad as never));
					expect(error.code).toBe('record_validation_error');
				}
				expect(q.topics()).toEqual([]);
			});
		});

		describe('names', () => {
			const valid = ['a', '.dot_start', '_underscore_start', 'with-dash', 'with.dots', '9lives', 'x'.repeat(255), 'Foo'];
			const invalid = ['', 'has space', 'at@sign', '-dash-start', 'x'.repeat(256), '.', '..', '...', 'café', '日本', 'a/b', 'a\\b'];

			it.each(valid)('accepts topic %s', async (name) => {
				await q.post(name, [{value: 'x'}]);
				expect(q.hasTopic(name)).toBe(true);
			});

			it.each(invalid)('rejects topic %j with invalid_parameter', async (name) => {
				const error = await failure(q.post(name, [{value: 'x'}]));
				expect(error.code).toBe('invalid_parameter');
				expect(error.details).toMatchObject({parameter: 'topic'});
			});

			it('puts the rejected name in details.value for a bad character, not for the length', async () => {
				expect((await failure(q.post('a b', [{value: 'x'}]))).details).toEqual({parameter: 'topic', value: 'a b'});
				expect((await failure(q.post('x'.repeat(256), [{value: 'x'}]))).details).toEqual({parameter: 'topic'});
			});

			it('treats names as case-sensitive', async () => {
				await q.post('Foo', [{value: 'upper'}]);
				await q.post('foo', [{value: 'lower'}, {value: 'lower2'}]);
				expect((await q.poll('Foo')).records.map((r) => r.value)).toEqual(['upper']);
				expect((await q.poll('foo')).records.map((r) => r.value)).toEqual(['lower', 'lower2']);
			});

			it.each(invalid)('rejects group id %j with invalid_parameter group_id', async (name) => {
				const error = await failure(q.createGroup(name));
				expect(error.code).toBe('invalid_parameter');
				expect(error.details).toMatchObject({parameter: 'group_id'});
			});
		});

		describe('poll', () => {
			beforeEach(async () => {
				await q.post('t', Array.from({length: 10}, (_, i) => ({key: `k${i}`, value: `v${i}`, headers: {i: `${i}`}})));
			});

			it('reads from 0 by default; next offset is last + 1; lag is hwm - next', async () => {
				const result = await q.poll('t', {maxRecords: 4});
				expect(result.records.map((r) => r.offset)).toEqual([0, 1, 2, 3]);
				expect(result).toMatchObject({nextOffset: 4, highWaterMark: 10, lag: 6});
				const all = await q.poll('t');
				expect(all).toMatchObject({nextOffset: 10, highWaterMark: 10, lag: 0});
			});

			it('reads from an offset; at or beyond hwm gives no records, next = from_offset, lag omitted past hwm', async () => {
				expect((await q.poll('t', {fromOffset: 7})).records.map((r) => r.value)).toEqual(['v7', 'v8', 'v9']);
				expect(await q.poll('t', {fromOffset: 10})).toEqual({records: [], nextOffset: 10, highWaterMark: 10, lag: 0});
				expect(await q.poll('t', {fromOffset: 15})).toEqual({records: [], nextOffset: 15, highWaterMark: 10});
			});

			it('drops headers when asked', async () => {
				const {records} = await q.poll('t', {maxRecords: 2, includeHeaders: false});
				expect(records.map((r) => r.headers)).toEqual([null, null]);
			});

			it('checks max_records is 1..10000 and from_offset a non-negative integer', async () => {
				for (const maxRecords of [0, 10_001, -1, 1.5]) {
					const error = await failure(q.poll('t', {maxRecords}));
					expect(error.code).toBe('invalid_parameter');
					expect(error.details).toMatchObject({parameter: 'max_records'});
				}
				expect((await q.poll('t', {maxRecords: 10_000})).records).toHaveLength(10);
				expect((await q.poll('t', {maxRecords: 1})).records).toHaveLength(1);
				expect((await failure(q.poll('t', {fromOffset: -1}))).details).toMatchObject({parameter: 'from_offset'});
			});

			it('fails with topic_not_found for a topic that does not exist', async () => {
				const error = await failure(q.poll('missing'));
				expect(error.code).toBe('topic_not_found');
				expect(error.status).toBe(404);
				expect(error.details).toEqual({topic: 'missing'});
			});
		});

		describe('byte bound (max_bytes)', () => {
			/**
			 * Record i is 24 + i bytes as validation counts them: key `k0`..`k9` (2), ten 'é' (20 UTF-8
			 * bytes, 10 UTF-16 units) + i 'a', header h=x (2). Posted in batches of 3, 3 and 4.
			 */
			const size = (i: number) => 24 + i;
			const record = (i: number) => ({key: `k${i}`, value: 'é'.repeat(10) + 'a'.repeat(i), headers: {h: 'x'}});
			const offsets = (result: {records: {offset: number}[]}) => result.records.map((r) => r.offset);
			/** Runs the checks on the fresh queue and, on disk, again after a reopen (cold reads from the log). */
			const bothWays = async (check: () => Promise<void>) => {
				await check();
				if (!backendCase.persistent) return;
				await q.close();
				q = await FlashQ.open(options);
				await check();
			};

			beforeEach(async () => {
				for (const [from, to] of [[0, 3], [3, 6], [6, 10]] as const) {
					await q.post('t', Array.from({length: to - from}, (_, i) => record(from + i)));
				}
			});

			it('stops exactly before the record that would pass max_bytes, counting UTF-8 bytes', async () => {
				await bothWays(async () => {
					const exact = size(2) + size(3) + size(4);
					const fits = await q.poll('t', {fromOffset: 2, maxBytes: exact});
					expect(offsets(fits)).toEqual([2, 3, 4]);
					expect(fits).toMatchObject({nextOffset: 5, highWaterMark: 10, lag: 5});
					expect(fits.records.map((r) => r.value)).toEqual([2, 3, 4].map((i) => record(i).value));
					expect(offsets(await q.poll('t', {fromOffset: 2, maxBytes: exact - 1}))).toEqual([2, 3]);
					expect(offsets(await q.poll('t', {fromOffset: 2, maxBytes: exact + size(5) - 1}))).toEqual([2, 3, 4]);
					// Across batch boundaries and to the end: the whole topic is sum(24..33) = 285 bytes.
					expect(offsets(await q.poll('t', {maxBytes: 285}))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
					expect(offsets(await q.poll('t', {maxBytes: 284}))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
					// max_records still applies inside the byte bound.
					expect(offsets(await q.poll('t', {maxRecords: 2, maxBytes: 10_000}))).toEqual([0, 1]);
				});
			});

			it('always returns at least one record, even one larger than max_bytes alone', async () => {
				await q.post('t', [{value: 'x'.repeat(500)}, {value: 'y'}]);
				await bothWays(async () => {
					expect(offsets(await q.poll('t', {fromOffset: 3, maxBytes: 1}))).toEqual([3]);
					const big = await q.poll('t', {fromOffset: 10, maxBytes: 100});
					expect(offsets(big)).toEqual([10]);
					expect(big.records[0]!.value).toHaveLength(500);
					expect(big).toMatchObject({nextOffset: 11, highWaterMark: 12, lag: 1});
				});
			});

			it('next_offset continues where a bounded poll stopped: every record once, in order', async () => {
				await bothWays(async () => {
					const seen: number[] = [];
					let from = 0;
					let polls = 0;
					while (from < 10) {
						const page = await q.poll('t', {fromOffset: from, maxBytes: 60});
						const total = page.records.reduce((n, r) => n + size(r.offset), 0);
						expect(total).toBeLessThanOrEqual(60);
						seen.push(...offsets(page));
						from = page.nextOffset;
						polls++;
					}
					expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
					// Two records fit in 60 bytes (24 + 25 ... 32 + 33 = 65 does not): pages of 2, 2, 2, 1, 1, 1, 1.
					expect(polls).toBe(7);
				});
			});

			it('bounds a group fetch the same way; next_offset stays the committed offset', async () => {
				await q.createGroup('g');
				await q.commitOffset('g', 't', 4);
				await bothWays(async () => {
					const result = await q.fetch('g', 't', {maxBytes: size(4) + size(5)});
					expect(offsets(result)).toEqual([4, 5]);
					expect(result).toMatchObject({nextOffset: 4, highWaterMark: 10, lag: 6});
					expect(offsets(await q.fetch('g', 't', {fromOffset: 9, maxBytes: 1}))).toEqual([9]);
				});
			});

			it('applies a default of 16 MiB when max_bytes is not given', async () => {
				// 1 MiB values: 16 of them make exactly the default; the 17th would pass it.
				const value = 'v'.repeat(1024 * 1024);
				expect(16 * value.length).toBe(LIMITS.defaultMaxBytes);
				await q.post('big', Array.from({length: 20}, () => ({value})));
				await q.createGroup('g');
				await bothWays(async () => {
					const poll = await q.poll('big');
					expect(poll.records).toHaveLength(16);
					expect(poll).toMatchObject({nextOffset: 16, highWaterMark: 20, lag: 4});
					expect((await q.poll('big', {fromOffset: poll.nextOffset})).records).toHaveLength(4);
					expect((await q.fetch('g', 'big')).records).toHaveLength(16);
				});
			});

			it('checks max_bytes is an integer from 1 to the limit', async () => {
				for (const maxBytes of [0, -1, 1.5, LIMITS.maxMaxBytes + 1, 'abc', Number.NaN]) {
					const error = await failure(q.poll('t', {maxBytes: maxBytes as number}));
					expect(error.code).toBe('invalid_parameter');
					expect(error.status).toBe(400);
					expect(error.details).toMatchObject({parameter: 'max_bytes'});
					expect((await failure(q.fetch('nope', 't', {maxBytes: maxBytes as number}))).details).toMatchObject({parameter: 'max_bytes'});
				}
				expect((await q.poll('t', {maxBytes: LIMITS.maxMaxBytes})).records).toHaveLength(10);
				expect((await q.poll('t', {maxBytes: LIMITS.minMaxBytes})).records).toHaveLength(1);
			});
		});

		describe('consumer groups', () => {
			beforeEach(async () => {
				await q.post('t', Array.from({length: 10}, (_, i) => ({value: `v${i}`})));
				await q.createGroup('g');
			});

			it('creating an existing group is a conflict; deleting an unknown one is group_not_found', async () => {
				const conflict = await failure(q.createGroup('g'));
				expect(conflict.code).toBe('conflict');
				expect(conflict.status).toBe(409);
				expect(conflict.details).toEqual({group_id: 'g'});
				const missing = await failure(q.deleteGroup('nope'));
				expect(missing.code).toBe('group_not_found');
				expect(missing.details).toEqual({group_id: 'nope'});
			});

			it('concurrent creates of one group: exactly one succeeds', async () => {
				const results = await Promise.allSettled(Array.from({length: 5}, () => q.createGroup('race')));
				expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			});

			it('fetch never advances the committed offset', async () => {
				const first = await q.fetch('g', 't');
				expect(first.records).toHaveLength(10);
				expect(first).toMatchObject({nextOffset: 0, highWaterMark: 10, lag: 10});
				const second = await q.fetch('g', 't');
				expect(second.records.map((r) => r.offset)).toEqual(first.records.map((r) => r.offset));
				expect(q.committedOffset('g', 't').committedOffset).toBe(0);
			});

			it('after committing 5, a fetch of 3 returns 5-7 with next_offset 5', async () => {
				await q.commitOffset('g', 't', 5);
				const result = await q.fetch('g', 't', {maxRecords: 3});
				expect(result.records.map((r) => r.offset)).toEqual([5, 6, 7]);
				expect(result).toMatchObject({nextOffset: 5, highWaterMark: 10, lag: 5});
			});

			it('fetch from_offset overrides the start but next_offset stays the committed offset', async () => {
				await q.commitOffset('g', 't', 2);
				const result = await q.fetch('g', 't', {fromOffset: 8});
				expect(result.records.map((r) => r.offset)).toEqual([8, 9]);
				expect(result.nextOffset).toBe(2);
				expect((await q.fetch('g', 't', {fromOffset: 50})).records).toEqual([]);
			});

			it('commits up to and including the hwm; beyond is invalid_offset with details', async () => {
				const commit = await q.commitOffset('g', 't', 10);
				expect(commit).toMatchObject({groupId: 'g', topic: 't', offset: 10, committedOffset: 10});
				expect(q.committedOffset('g', 't')).toMatchObject({committedOffset: 10, highWaterMark: 10, lag: 0});
				const error = await failure(q.commitOffset('g', 't', 11));
				expect(error.code).toBe('invalid_offset');
				expect(error.details).toEqual({offset: 11, topic: 't', max_offset: 10});
				await q.commitOffset('g', 't', 0);
				expect(q.committedOffset('g', 't').committedOffset).toBe(0);
			});

			it('rewinds: committing a lower offset moves the group back', async () => {
				await q.commitOffset('g', 't', 8);
				await q.commitOffset('g', 't', 3);
				expect((await q.fetch('g', 't', {maxRecords: 1})).records[0]!.offset).toBe(3);
			});

			it('records the real commit time and leaves it out before any commit', async () => {
				expect(q.committedOffset('g', 't').lastCommitTime).toBeUndefined();
				const before = Date.now();
				const commit = await q.commitOffset('g', 't', 4);
				const info = q.committedOffset('g', 't');
				expect(info.lastCommitTime).toBe(commit.timestamp);
				expect(Date.parse(info.lastCommitTime!)).toBeGreaterThanOrEqual(before);
				// Kept sleep: the clock must move for a read to show whether it returns the commit's time or now.
				await new Promise((r) => setTimeout(r, 10));
				expect(q.committedOffset('g', 't').lastCommitTime).toBe(commit.timestamp);
			});

			it('an unknown topic reads as offset 0, hwm 0, lag 0', async () => {
				expect(q.committedOffset('g', 'never-posted')).toEqual({topic: 'never-posted', committedOffset: 0, highWaterMark: 0, lag: 0});
			});

			it('checks the group before the topic, and the topic before the offset', async () => {
				expect((await failure(q.commitOffset('nope', 'missing', 99))).code).toBe('group_not_found');
				expect((await failure(q.commitOffset('g', 'missing', 0))).code).toBe('topic_not_found');
				expect((await failure(() => q.committedOffset('nope', 't'))).code).toBe('group_not_found');
				expect((await failure(q.fetch('nope', 'missing'))).code).toBe('group_not_found');
				expect((await failure(q.fetch('g', 'missing'))).code).toBe('topic_not_found');
				expect((await failure(q.fetch('nope', 't', {maxRecords: 0}))).code).toBe('invalid_parameter');
			});

			it('a deleted group is gone; created again it starts at 0 for every topic', async () => {
				await q.commitOffset('g', 't', 7);
				await q.deleteGroup('g');
				expect((await failure(() => q.committedOffset('g', 't'))).code).toBe('group_not_found');
				await q.createGroup('g');
				expect(q.committedOffset('g', 't').committedOffset).toBe(0);
				expect(q.groups()).toEqual([{groupId: 'g', offsets: []}]);
			});

			it('lists groups with offsets, hwm and lag', async () => {
				await q.post('u', [{value: 'x'}]);
				await q.commitOffset('g', 't', 4);
				await q.commitOffset('g', 'u', 1);
				await q.createGroup('a');
				expect(q.groups().map((g) => [g.groupId, g.offsets.map((o) => [o.topic, o.committedOffset, o.highWaterMark, o.lag])])).toEqual([
					['a', []],
					['g', [['t', 4, 10, 6], ['u', 1, 1, 0]]],
				]);
			});

			it('concurrent commits to different topics of one group all persist', async () => {
				for (const topic of ['a', 'b', 'c', 'd']) await q.post(topic, [{value: '1'}, {value: '2'}]);
				await Promise.all(['a', 'b', 'c', 'd'].map((topic, i) => q.commitOffset('g', topic, i % 3)));
				expect(q.groups().find((g) => g.groupId === 'g')!.offsets.map((o) => [o.topic, o.committedOffset])).toEqual([
					['a', 0], ['b', 1], ['c', 2], ['d', 0],
				]);
			});
		});

		describe('concurrency', () => {
			it('concurrent posts to one topic get dense offsets and contiguous batches', async () => {
				const batches = Array.from({length: 50}, (_, i) => Array.from({length: (i % 5) + 1}, (_, j) => ({value: `${i}:${j}`})));
				const results = await Promise.all(batches.map((batch) => q.post('t', batch)));
				const all = results.flat().map((o) => o.offset).sort((a, b) => a - b);
				expect(all).toEqual(Array.from({length: all.length}, (_, i) => i));
				results.forEach((offsets, i) => {
					offsets.forEach((o, j) => expect(o.offset).toBe(offsets[0]!.offset + j));
					expect(offsets).toHaveLength(batches[i]!.length);
				});
				const {records} = await q.poll('t');
				for (const [i, offsets] of results.entries()) {
					offsets.forEach((o, j) => expect(records[o.offset]!.value).toBe(`${i}:${j}`));
				}
			});

			it('concurrent first posts to a new topic create it once', async () => {
				await Promise.all(Array.from({length: 20}, (_, i) => q.post('fresh', [{value: `${i}`}])));
				expect(q.topics()).toMatchObject([{name: 'fresh', highWaterMark: 20}]);
			});
		});

		describe('topic limit (maxTopics)', () => {
			const limited = async (maxTopics: number) => {
				await q.close();
				q = await FlashQ.open({...options, maxTopics});
			};

			it('refuses a new topic past the limit with topic_limit_reached (409); existing topics still accept posts', async () => {
				await limited(2);
				await q.post('a', [{value: '1'}]);
				await q.post('b', [{value: '1'}]);
				const error = await failure(q.post('c', [{value: '1'}]));
				expect(error.code).toBe('topic_limit_reached');
				expect(error.status).toBe(409);
				expect(error.message).toMatch(/maximum of 2 topics.*--max-topics/);
				expect(error.details).toEqual({topic: 'c', max_topics: 2});
				expect(q.hasTopic('c')).toBe(false);
				expect((await q.post('a', [{value: '2'}]))[0]!.offset).toBe(1);
				expect((await q.post('b', [{value: '2'}]))[0]!.offset).toBe(1);
				expect(q.topics().map((t) => t.name)).toEqual(['a', 'b']);
			});

			it('concurrent first posts to many new topics never pass the limit', async () => {
				await limited(5);
				const results = await Promise.allSettled(Array.from({length: 40}, (_, i) => q.post(`t${i}`, [{value: `${i}`}])));
				const ok = results.filter((r) => r.status === 'fulfilled');
				const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
				expect(ok).toHaveLength(5);
				expect(refused).toHaveLength(35);
				for (const r of refused) expect((r.reason as FlashQError).code).toBe('topic_limit_reached');
				expect(q.topics()).toHaveLength(5);
				expect(q.stats().totals.topics).toBe(5);
			});

			it('reopens every stored topic even when more than the limit, and refuses only new ones', async () => {
				if (!backendCase.persistent) return;
				for (const name of ['a', 'b', 'c']) await q.post(name, [{value: name}]);
				await limited(2);
				expect(q.topics().map((t) => t.name)).toEqual(['a', 'b', 'c']);
				expect((await q.post('c', [{value: 'again'}]))[0]!.offset).toBe(1);
				expect((await failure(q.post('d', [{value: 'x'}]))).code).toBe('topic_limit_reached');
			});
		});

		describe('observability', () => {
			it('counts records, bytes, appends and polls per topic and in total', async () => {
				await q.post('a', [{key: 'k', value: 'héllo', headers: {h: 'v'}}, {value: 'x'}]);
				await q.post('b', [{value: '12345'}]);
				await q.poll('a');
				const stats = q.stats();
				expect(stats.storage.kind).toBe(options.storage);
				const a = stats.topics.find((t) => t.name === 'a')!;
				expect(a).toMatchObject({records: 2, appends: 1, polls: 1, recordsRead: 2, highWaterMark: 2});
				expect(a.bytes).toBe(1 + 6 + 1 + 1 + 1); // k, héllo (6 bytes), h, v, x
				expect(stats.totals).toMatchObject({records: 3, appends: 2, polls: 1, topics: 2, groups: 0, bytes: 10 + 5});
			});

			it('delivers events in batches, not one call per record', async () => {
				const batches: FlashQEvent[][] = [];
				const unsubscribe = q.subscribe((events) => batches.push([...events]));
				const start = performance.now();
				for (let i = 0; i < 100; i++) await q.post('t', [{value: `${i}`}]);
				await q.createGroup('g');
				await q.commitOffset('g', 't', 50);
				const elapsed = performance.now() - start;
				// The commit is the last event: once it is delivered, every batch is.
				await waitFor(() => batches.flat().some((e) => e.type === 'group.commit'), 10_000, 'the commit event');
				unsubscribe();
				const events = batches.flat();
				const appends = events.filter((e) => e.type === 'append');
				expect(appends).toHaveLength(100);
				expect(appends.map((e) => (e as {baseOffset: number}).baseOffset)).toEqual(Array.from({length: 100}, (_, i) => i));
				// One delivery per 50 ms window at most (durable backends take longer to post 100 records).
				expect(batches.length).toBeLessThanOrEqual(Math.ceil(elapsed / 45) + 2);
				expect(batches.length).toBeLessThan(events.length / 3);
				expect(events.some((e) => e.type === 'group.commit' && e.offset === 50)).toBe(true);
			});

			it('peek reads what poll reads and changes no figure: no poll, hit, miss, index lookup or event', async () => {
				await q.post('t', Array.from({length: 40}, (_, i) => ({key: `k${i}`, value: `v${i}`})));
				if (backendCase.persistent) {
					// Reopened, the cache is cold: a counted read would miss and look up the index.
					await q.close();
					q = await FlashQ.open(options);
				}
				const seen: FlashQEvent[] = [];
				const unsubscribe = q.subscribe((events) => seen.push(...events));
				const figures = () => JSON.stringify({topics: q.stats().topics, totals: q.stats().totals});
				const before = figures();
				const peeked = await q.peek('t', {fromOffset: 5, maxRecords: 20});
				await q.peek('t', {fromOffset: 0, maxRecords: 40});
				q.events.flush();
				expect(figures()).toBe(before);
				expect(seen).toEqual([]);
				const polled = await q.poll('t', {fromOffset: 5, maxRecords: 20});
				expect(peeked).toEqual(polled);
				q.events.flush();
				// The same read, counted: the comparison above would have seen it.
				expect(figures()).not.toBe(before);
				expect(seen.some((e) => e.type === 'poll')).toBe(true);
				unsubscribe();
			});

			it('builds no events when nobody listens', async () => {
				expect(q.events.active).toBe(false);
				const unsubscribe = q.subscribe(() => undefined);
				expect(q.events.active).toBe(true);
				unsubscribe();
				expect(q.events.active).toBe(false);
			});
		});

		describe('topics: create, delete, offset for time', () => {
			it('createTopic makes an empty topic once: created true, then false; topic.create only when made', async () => {
				const seen: FlashQEvent[] = [];
				const unsubscribe = q.subscribe((events) => seen.push(...events));
				expect(await q.createTopic('empty')).toEqual({topic: 'empty', created: true});
				expect(await q.createTopic('empty')).toEqual({topic: 'empty', created: false});
				expect(q.topics()).toMatchObject([{name: 'empty', highWaterMark: 0, recordCount: 0, lastAppendTime: null}]);
				expect(q.stats().totals.topics).toBe(1);
				expect((await q.poll('empty')).records).toEqual([]);
				expect(await q.offsetForTime('empty', 0)).toEqual({offset: 0, timestamp: null});
				// Concurrent creations of one name: exactly one made it.
				const raced = await Promise.all(Array.from({length: 4}, () => q.createTopic('raced')));
				expect(raced.filter((r) => r.created)).toHaveLength(1);
				await q.post('empty', [{value: 'first'}]);
				expect(await q.createTopic('empty')).toEqual({topic: 'empty', created: false});
				expect(q.topics()[0]).toMatchObject({name: 'empty', highWaterMark: 1});
				q.events.flush();
				unsubscribe();
				expect(seen.filter((e) => e.type === 'topic.create').map((e) => (e as {topic: string}).topic)).toEqual(['empty', 'raced']);
				expect((await failure(q.createTopic(''))).code).toBe('invalid_parameter');
				expect((await failure(q.createTopic('a/b'))).code).toBe('invalid_parameter');
				expect((await failure(q.createTopic('x'.repeat(LIMITS.maxNameLength + 1)))).status).toBe(400);
			});

			it('deleteTopic removes the topic, its records and every group offset for it (groups stay); the name starts again at 0', async () => {
				await q.post('t', Array.from({length: 5}, (_, i) => ({value: `v${i}`})));
				await q.post('other', [{value: 'o'}]);
				for (const group of ['b', 'a', 'c']) await q.createGroup(group);
				await q.commitOffset('b', 't', 5);
				await q.commitOffset('a', 't', 2);
				await q.commitOffset('a', 'other', 1);
				await q.commitOffset('c', 'other', 1);
				const seen: FlashQEvent[] = [];
				const unsubscribe = q.subscribe((events) => seen.push(...events));
				expect(await q.deleteTopic('t')).toEqual({topic: 't', records: 5, groups: ['a', 'b']});
				q.events.flush();
				unsubscribe();
				expect(seen.filter((e) => e.type === 'topic.delete')).toMatchObject([{type: 'topic.delete', topic: 't', records: 5, groups: ['a', 'b']}]);
				expect(q.topics().map((t) => t.name)).toEqual(['other']);
				expect(q.stats().topics.map((t) => t.name)).toEqual(['other']);
				expect((await failure(q.poll('t'))).code).toBe('topic_not_found');
				expect((await failure(q.offsetForTime('t', 0))).code).toBe('topic_not_found');
				expect((await failure(q.commitOffset('a', 't', 0))).code).toBe('topic_not_found');
				const groups = () => q.groups().map((g) => ({id: g.groupId, topics: g.offsets.map((o) => `${o.topic}@${o.committedOffset}`)}));
				const expected = [
					{id: 'a', topics: ['other@1']},
					{id: 'b', topics: []},
					{id: 'c', topics: ['other@1']},
				];
				expect(groups()).toEqual(expected);
				expect((await failure(q.deleteTopic('t'))).code).toBe('topic_not_found');
				expect((await failure(q.deleteTopic('never'))).details).toEqual({topic: 'never'});
				expect((await failure(q.deleteTopic('a/b'))).code).toBe('invalid_parameter');
				const again = await q.post('t', [{value: 'new'}]);
				expect(again.map((o) => o.offset)).toEqual([0]);
				expect(q.committedOffset('b', 't')).toMatchObject({committedOffset: 0, highWaterMark: 1, lag: 1});
				if (backendCase.persistent) {
					await q.close();
					q = await FlashQ.open(options);
					expect(q.topics()).toMatchObject([
						{name: 'other', highWaterMark: 1},
						{name: 't', highWaterMark: 1},
					]);
					expect((await q.poll('t')).records.map((r) => r.value)).toEqual(['new']);
					expect(groups()).toEqual(expected);
				}
			});

			it('a deleted empty topic stays deleted across a reopen, and a post made during a deletion lands in the new topic', async () => {
				await q.createTopic('gone');
				expect(await q.deleteTopic('gone')).toEqual({topic: 'gone', records: 0, groups: []});
				await q.post('t', [{value: 'old-0'}, {value: 'old-1'}]);
				const deleting = q.deleteTopic('t');
				const posting = q.post('t', [{value: 'after'}]);
				expect(await deleting).toEqual({topic: 't', records: 2, groups: []});
				expect((await posting).map((o) => o.offset)).toEqual([0]);
				expect((await q.poll('t')).records.map((r) => r.value)).toEqual(['after']);
				if (backendCase.persistent) {
					await q.close();
					q = await FlashQ.open(options);
					expect(q.topics().map((t) => `${t.name}:${t.highWaterMark}`)).toEqual(['t:1']);
				}
			});

			it('offsetForTime finds the first record stamped at or after a time, before and after a reopen', async () => {
				const stamps: number[] = [];
				for (let i = 0; i < 120; i++) {
					const posted = await q.post('t', Array.from({length: 1 + (i % 3)}, (_, j) => ({value: `${i}-${j}-${'x'.repeat(200)}`})));
					for (const o of posted) stamps.push(Date.parse(o.timestamp));
				}
				const expected = (time: number) => {
					const offset = stamps.findIndex((t) => t >= time);
					return offset < 0 ? {offset: stamps.length, timestamp: null} : {offset, timestamp: stamps[offset]!};
				};
				const distinct = [...new Set(stamps)];
				const step = Math.max(1, Math.floor(distinct.length / 12));
				const times = [stamps[0]! - 1000, stamps[0]!, stamps.at(-1)!, stamps.at(-1)! + 1, 0];
				for (let i = 0; i < distinct.length; i += step) times.push(distinct[i]!, distinct[i]! + 1, distinct[i]! - 1);
				const check = async () => {
					for (const time of times) expect({time, ...(await q.offsetForTime('t', time))}).toEqual({time, ...expected(time)});
				};
				await check();
				if (backendCase.persistent) {
					await q.close();
					q = await FlashQ.open(options);
					await check();
				}
				expect((await failure(q.offsetForTime('t', Number.NaN))).code).toBe('invalid_parameter');
			});

			it('offsetForTime is counted nowhere: no poll, hit, miss, index lookup or event', async () => {
				await q.post('t', Array.from({length: 40}, (_, i) => ({value: `v${i}-${'y'.repeat(300)}`})));
				if (backendCase.persistent) {
					await q.close();
					q = await FlashQ.open(options);
				}
				const seen: FlashQEvent[] = [];
				const unsubscribe = q.subscribe((events) => seen.push(...events));
				const figures = () => JSON.stringify({topics: q.stats().topics, totals: q.stats().totals});
				const before = figures();
				const {timestamp} = (await q.peek('t', {fromOffset: 20, maxRecords: 1})).records[0]!;
				expect((await q.offsetForTime('t', Date.parse(timestamp))).offset).toBeLessThanOrEqual(20);
				expect(await q.offsetForTime('t', Date.now() + 60_000)).toEqual({offset: 40, timestamp: null});
				q.events.flush();
				unsubscribe();
				expect(figures()).toBe(before);
				expect(seen).toEqual([]);
			});

			it('where the clock stepped back, offsetForTime answers a record at or after the time right after one before it', async () => {
				const base = Date.now();
				const stamps = [10, 30, 20, 40, 50].map((d) => base + d);
				const clock = vi.spyOn(Date, 'now');
				try {
					for (const [i, stamp] of stamps.entries()) {
						clock.mockReturnValue(stamp);
						await q.post('t', [{value: `${i}`}]);
					}
				} finally {
					clock.mockRestore();
				}
				expect((await q.poll('t')).records.map((r) => Date.parse(r.timestamp))).toEqual(stamps);
				// One answer only: 40 is the first at or after 35, and the only one after an earlier stamp.
				expect(await q.offsetForTime('t', base + 35)).toEqual({offset: 3, timestamp: base + 40});
				// Offsets 1 and 3 both follow a record stamped before 25; a binary search may land on either.
				const {offset, timestamp} = await q.offsetForTime('t', base + 25);
				expect([1, 3]).toContain(offset);
				expect(timestamp).toBe(stamps[offset]);
			});
		});

		describe('lifecycle', () => {
			it('rejects calls after close with internal_error and closes twice safely', async () => {
				await q.close();
				expect((await failure(q.post('t', [{value: 'x'}]))).code).toBe('internal_error');
				await q.close();
			});

			it('keeps records and groups across a reopen when persistent', async () => {
				if (!backendCase.persistent) return;
				await q.post('t', [{key: 'k', value: 'v', headers: {h: '1'}}]);
				const {timestamp} = (await q.post('t', [{value: 'w'}]))[0]!;
				await q.createGroup('g');
				await q.commitOffset('g', 't', 1);
				await q.createGroup('gone');
				await q.deleteGroup('gone');
				await q.close();
				q = await FlashQ.open(options);
				expect(q.topics()).toMatchObject([{name: 't', highWaterMark: 2}]);
				const {records} = await q.poll('t');
				expect(records.map((r) => r.value)).toEqual(['v', 'w']);
				expect(records[1]!.timestamp).toBe(timestamp);
				expect(q.groups().map((g) => g.groupId)).toEqual(['g']);
				expect(q.committedOffset('g', 't').committedOffset).toBe(1);
				expect((await q.post('t', [{value: 'next'}]))[0]!.offset).toBe(2);
			});
		});
	});
}
