import {PassThrough} from 'node:stream';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import stripAnsi from 'strip-ansi';
import {FlashQ} from '../../source/engine/flashq.js';
import {NO_TTY_MESSAGE, runTui} from '../../source/ui/run-tui.js';
import {backendCases} from '../helpers/backends.js';

/** A writable stream that remembers what was written. */
function sink(isTTY = false): NodeJS.WriteStream & {text(): string} {
	const stream = new PassThrough() as unknown as NodeJS.WriteStream & {text(): string};
	let out = '';
	(stream as unknown as PassThrough).on('data', (chunk: Buffer) => (out += chunk.toString()));
	stream.text = () => out;
	Object.assign(stream, {isTTY, columns: 160, rows: 45});
	return stream;
}

describe.each(backendCases)('runTui on $name storage', (backend) => {
	let queue: FlashQ;
	let cleanup: () => Promise<void>;

	beforeEach(async () => {
		const fresh = await backend.fresh();
		cleanup = fresh.cleanup;
		queue = await FlashQ.open(fresh.options);
	});
	afterEach(async () => {
		await queue.close();
		await cleanup();
	});

	it('--once prints one frame of the current state and returns 0', async () => {
		await queue.post('orders', [{key: 'k1', value: '{"id":1}', headers: {src: 'test'}}]);
		await queue.createGroup('billing');
		await queue.commitOffset('billing', 'orders', 1);
		const stdout = sink();
		const stderr = sink();
		const code = await runTui({queue, server: null, once: true, stdout, stderr, size: {columns: 160, rows: 45}});
		expect(code).toBe(0);
		const frame = stripAnsi(stdout.text());
		// On nats the storage panes are what is true there: the stream, its replicas, offset <-> sequence.
		const storagePanes = backend.name === 'nats' ? ['Stream', 'Replicas', 'Offset <-> Seq'] : ['WAL', 'Cache', 'Offset Index'];
		for (const title of ['Topics', 'Records', 'Consumer Groups', ...storagePanes, 'Events']) expect(frame).toContain(title);
		expect(frame).toMatch(/orders +1 +1/);
		expect(frame).toMatch(/0 .*k1 +\{"id":1\} +src=test/);
		expect(frame).toMatch(/billing\/orders +1 +1 +0/);
		expect(frame.split('\n').length).toBeLessThanOrEqual(46);
		// No alternate screen or cursor games in a one-shot frame.
		expect(stdout.text()).not.toContain('\u001B[?1049h');
		expect(stderr.text()).toBe('');
	});

	it('refuses to start without a TTY: a hint about --headless, exit code 2, no stack trace', async () => {
		const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
		Object.assign(stdin, {isTTY: false});
		const stdout = sink();
		const stderr = sink();
		const code = await runTui({queue, server: null, stdin, stdout, stderr});
		expect(code).toBe(2);
		expect(stderr.text()).toBe(NO_TTY_MESSAGE);
		expect(stderr.text()).toContain('--headless');
		expect(stderr.text()).not.toMatch(/Raw mode|at .*\.js:\d+/);
		expect(stdout.text()).toBe('');
	});
});
