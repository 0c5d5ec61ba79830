/**
 * Issue 9 item 6 over HTTP: what the server accepts reads back byte-identical, from the cache and
 * from disk after a reopen; bodies that are not UTF-8 and strings with lone surrogates are refused.
 * In-process servers (startServer) so a reopen is cheap enough for a property.
 */
import {isUtf8} from 'node:buffer';
import fc from 'fast-check';
import {afterEach, describe, expect, test} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import {firstInvalidUtf8Byte} from '../../source/server/body.js';
import {startServer} from '../../source/server/server.js';
import type {StorageOptions} from '../../source/storage/types.js';
import {tempDir} from '../helpers/backends.js';
import {client} from './process.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

/** A server over `options`; `reopen()` closes server and queue and opens both again on the same store. */
async function serve(options: StorageOptions) {
	let queue = await FlashQ.open(options);
	let server = await startServer({queue, port: 0, logger: {error: () => undefined}});
	const handle = {
		api: client(server.url),
		async reopen() {
			await server.close();
			await queue.close();
			queue = await FlashQ.open(options);
			server = await startServer({queue, port: 0, logger: {error: () => undefined}});
			handle.api = client(server.url);
		},
	};
	cleanups.push(async () => {
		await server.close();
		await queue.close();
	});
	return handle;
}

async function fileStore(): Promise<StorageOptions> {
	const {dir, cleanup} = await tempDir('flashq-unicode-');
	cleanups.push(cleanup);
	return {storage: 'file', dataDir: dir, sync: 'never'};
}

const stores: Array<[string, () => Promise<StorageOptions>]> = [
	['memory', async () => ({storage: 'memory'})],
	['file', fileStore],
];

describe.each(stores)('UTF-8 and exact round trips over HTTP on %s storage', (name, store) => {
	test('a body with raw bytes that are not UTF-8 gets 400 validation_error naming the byte; nothing is stored', async () => {
		const {api} = await serve(await store());
		const body = Buffer.concat([Buffer.from('{"records":[{"value":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}]}')]);
		const reply = await api('POST', '/topics/t/records', {body, headers: {'content-type': 'application/json'}});
		expect(reply.status).toBe(400);
		expect(reply.json.error).toBe('validation_error');
		expect(reply.json.message).toBe('request body is not valid UTF-8 (byte 23: 0xff)');
		expect(reply.json.details).toEqual({field: 'body', byte: 23});
		expect((await api('GET', '/topics')).json.topics).toEqual([]);
	});

	test('a JSON escape of a lone surrogate gets 400 validation_error naming the field', async () => {
		const {api} = await serve(await store());
		const headers = {'content-type': 'application/json'};
		const value = await api('POST', '/topics/t/records', {body: '{"records":[{"value":"a\\ud800b"}]}', headers});
		expect(value.status).toBe(400);
		expect(value.json).toMatchObject({error: 'validation_error', details: {field: 'records[0].value'}});
		expect(value.json.message).toMatch(/records\[0\]\.value is not valid Unicode/);
		const name = await api('POST', '/topics/t/records', {body: '{"records":[{"value":"x","headers":{"\\udc00":"v"}}]}', headers});
		expect(name.status).toBe(400);
		expect(name.json.error).toBe('validation_error');
		// JSON.stringify escapes the lone surrogate, so the error body itself stays valid UTF-8.
		expect(name.text).toContain('records[0].headers.\\udc00');
		expect((await api('GET', '/topics')).json.topics).toEqual([]);
	});

	test('headers named __proto__, constructor, toString and hasOwnProperty round-trip exactly, also after a reopen', async () => {
		const server = await serve(await store());
		const headersJson = '{"__proto__":"x","constructor":"c","toString":"t","hasOwnProperty":"h","k":"v"}';
		const body = `{"records":[{"value":"a","headers":${headersJson}}]}`;
		const posted = await server.api('POST', '/topics/t/records', {body, headers: {'content-type': 'application/json'}});
		expect(posted.status).toBe(200);
		const read = async () => {
			const reply = await server.api('GET', '/topics/t/records');
			expect(reply.text).toContain(`"headers":${headersJson}`);
		};
		await read();
		if (name === 'memory') return; // nothing survives a reopen there
		await server.reopen();
		await read();
	});
});

test('any well-formed record reads back byte-identical through HTTP, before and after a reopen of file storage', async () => {
	const server = await serve(await fileStore());
	// Any code point (surrogate pairs included, never a lone half), kept under the 1024-byte limits.
	const text = fc.string({unit: 'binary', maxLength: 60});
	const name = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ''), text);
	const record = fc.record(
		{
			key: fc.option(text, {nil: null}),
			value: fc.string({unit: 'binary', maxLength: 300}),
			headers: fc.option(fc.dictionary(name, text, {maxKeys: 4}), {nil: null}),
		},
		{requiredKeys: ['value']},
	);
	let run = 0;
	await fc.assert(
		fc.asyncProperty(fc.array(record, {minLength: 1, maxLength: 5}), async (records) => {
			const topic = `p${run++}`;
			const sent = JSON.stringify({records});
			const posted = await server.api('POST', `/topics/${topic}/records`, {body: sent, headers: {'content-type': 'application/json'}});
			expect(posted.status).toBe(200);
			// What each record should read back as: absent key or headers read as null.
			const expected = JSON.stringify(records.map((r) => ({key: r.key ?? null, value: r.value, headers: r.headers ?? null})));
			const read = async () => {
				const reply = await server.api('GET', `/topics/${topic}/records`);
				const got = (reply.json.records as Array<Record<string, unknown>>).map(({key, value, headers}) => ({key, value, headers}));
				expect(JSON.stringify(got)).toBe(expected);
			};
			await read();
			await server.reopen();
			await read();
		}),
		{numRuns: 25},
	);
}, 60_000);

test('firstInvalidUtf8Byte finds where buffer.isUtf8 stops accepting', () => {
	fc.assert(
		fc.property(fc.uint8Array({maxLength: 12}), fc.string({unit: 'binary', maxLength: 6}), (noise, valid) => {
			for (const bytes of [Buffer.from(noise), Buffer.concat([Buffer.from(valid), Buffer.from(noise)])]) {
				const at = firstInvalidUtf8Byte(bytes);
				expect(at === bytes.length).toBe(isUtf8(bytes));
				// Everything before the reported byte is valid: the error points at the first bad one.
				expect(isUtf8(bytes.subarray(0, at))).toBe(true);
			}
		}),
		{numRuns: 2000},
	);
	// Overlong, surrogate, beyond U+10FFFF, truncated.
	for (const bad of [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x61, 0xe2, 0x82]]) {
		expect(firstInvalidUtf8Byte(Buffer.from(bad))).toBe(bad[0] === 0x61 ? 1 : 0);
	}
});
