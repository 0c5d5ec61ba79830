/**
 * The app on a queue served elsewhere (--connect): a real server (startServer over a FlashQ, port 0)
 * and a RemoteQueue talking to it over HTTP; the whole app (TuiRoot) rendered on it.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import React from 'react';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import {RemoteConnectError, RemoteQueue} from '../../source/remote/remote-queue.js';
import {startServer} from '../../source/server/server.js';
import type {ServerHandle} from '../../source/server/types.js';
import {TuiResources, TuiRoot} from '../../source/ui/tui-root.js';
import {KEY, lineWith, waitFor} from './helpers.js';
import {renderSized, type SizedScreen} from './sized-render.js';

let dir: string;
let queue: FlashQ;
let server: ServerHandle;
let remote: RemoteQueue | null = null;
let screen: SizedScreen | null = null;

async function serve(port = 0): Promise<void> {
	queue = await FlashQ.open({storage: 'file', dataDir: dir, sync: 'never'});
	server = await startServer({queue, port, closeGraceMs: 200});
}

async function openApp(columns = 160, rows = 45): Promise<SizedScreen> {
	remote = await RemoteQueue.connect(server.url);
	const resources = new TuiResources();
	screen = await renderSized(
		<TuiRoot engine={remote} server={remote.serverSource()} tour={{seed: 1}} resources={resources} size={{columns, rows}} storeOptions={{minIntervalMs: 10, heartbeatMs: 50}} />,
		columns,
		rows,
	);
	return screen;
}

const post = (topic: string, value: string, key?: string) =>
	fetch(`${server.url}/topics/${topic}/records`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({records: [{key, value}]})});

beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'flashq-remote-'));
	await serve();
});

afterEach(async () => {
	screen?.unmount();
	screen = null;
	remote?.close();
	remote = null;
	await server.close();
	await queue.close();
	await rm(dir, {recursive: true, force: true});
});

describe('the app connected to a served queue', () => {
	it('fills every pane from /stats, says where it is connected, and shows a record posted over HTTP', async () => {
		await queue.post('orders', [{key: 'k0', value: 'first-order'}]);
		await queue.createGroup('billing');
		await queue.commitOffset('billing', 'orders', 1);
		const s = await openApp();
		const f = await s.see('first-order');
		const header = f.split('\n')[0]!;
		expect(header).toContain(`connected ${server.url}`);
		expect(header).toContain('storage file');
		expect(header).toContain(`dir ${dir}`);
		expect(f).toMatch(/orders +1 +1/); // Topics
		expect(f).toMatch(/billing\/orders +1 +1 +0/); // Consumer Groups: commit, high water mark, lag
		expect(f).toMatch(/WAL/); // Storage figures
		// The Server pane shows the remote server's requests (this app's GET /stats among them).
		await s.see(/GET +\/stats +200/);
		expect((await post('orders', 'posted-by-curl', 'k1')).status).toBe(200);
		const after = await s.see('posted-by-curl');
		expect(after).toMatch(/orders +2 +2/);
		await s.see(/append orders: 1 rec/);
	});

	it('produces into the server engine through the form', async () => {
		const s = await openApp();
		await s.press('p');
		await s.see('Produce a record');
		await s.press('orders');
		await s.press(KEY.enter);
		await s.press('user-1');
		await s.press(KEY.enter);
		await s.press('{"id":42}');
		await s.press(KEY.enter);
		await s.press(KEY.enter);
		await s.see('produced orders@0');
		await s.see(/› +0 .*user-1 +\{"id":42\}/);
		const polled = await queue.poll('orders');
		expect(polled.records[0]).toMatchObject({key: 'user-1', value: '{"id":42}'});
	});

	it('creates a group, commits, rewinds and deletes it on the server', async () => {
		for (let i = 0; i < 10; i++) await queue.post('orders', [{value: `v${i}`}]);
		const s = await openApp();
		await s.see('orders');
		await s.press('3');
		await s.press('c');
		await s.see('Create consumer group');
		await s.press('billing');
		await s.press(KEY.enter);
		await s.see('created group billing');
		await s.see(/billing +\(no commits\)/);
		expect(queue.groups().map((g) => g.groupId)).toEqual(['billing']);
		await s.press('o');
		await s.see('Commit offset for group billing');
		await s.press(KEY.enter);
		for (let i = 0; i < 3; i++) await s.press('\u007F');
		await s.press('4');
		await s.press(KEY.enter);
		await s.see('committed billing on orders at 4');
		await s.see(/› billing\/orders +4 +10 +6/); // commit, high water mark, lag
		expect(queue.committedOffset('billing', 'orders').committedOffset).toBe(4);
		await s.press('r');
		await s.see('rewound billing on orders to 0');
		await s.see(/› billing\/orders +0 +10 +10/);
		await s.press('d');
		await s.see('Delete consumer group billing?');
		await s.press(KEY.down);
		await s.press(KEY.enter);
		await s.see('deleted group billing');
		expect(queue.groups()).toEqual([]);
	});

	it('the byte inspector reads the frame from the server (GET .../frame), file and position included', async () => {
		await queue.post('orders', [{key: 'k', value: 'inspect-me'}]);
		const located = await queue.locateRecord('orders', 0);
		const s = await openApp();
		await s.see('inspect-me');
		await s.press('2');
		await s.press('x');
		const f = await s.see('Byte inspector');
		expect(f).toMatch(/│ 000000 {2}46 51 01 00 /);
		expect(f).toContain(path.basename(located!.file));
	});

	it('t says the tour runs on a local engine', async () => {
		const s = await openApp();
		await s.press('t');
		await s.see('the tour runs on a local engine: start flashq-demo --tour');
	});

	it('survives a server restart: disconnected with the last data visible, then back with the records posted meanwhile', async () => {
		await queue.post('orders', [{value: 'before-restart'}]);
		const s = await openApp();
		await s.see('before-restart');
		const port = server.port;
		await server.close();
		await queue.close();
		let f = await s.see(/disconnected, retrying \(ECONNREFUSED\)/);
		expect(f).toContain('before-restart');
		expect(f).toMatch(/orders +1 +1/);
		await serve(port);
		await post('orders', 'while-you-were-away');
		f = await s.see('while-you-were-away', 15_000);
		await waitFor(() => expect(lineWith(s.frame(), 'FlashQ')).toContain(`connected ${server.url}`), 10_000);
		expect(s.frame()).toMatch(/orders +2 +2/);
		// Events after the restart still arrive on the resumed stream.
		await post('orders', 'after-reconnect');
		await s.see('after-reconnect');
	});
});

describe('RemoteQueue.connect', () => {
	it('names the address and the fix when nothing listens there', async () => {
		const port = server.port;
		await server.close();
		await expect(RemoteQueue.connect(`http://127.0.0.1:${port}`)).rejects.toThrow(
			new RemoteConnectError(`cannot connect to http://127.0.0.1:${port}: ECONNREFUSED; is \`flashq-demo --serve\` running there?`),
		);
		server = await startServer({queue, port: 0});
	});

	it('says which token to pass on 401', async () => {
		await server.close();
		server = await startServer({queue, port: 0, token: 'right'});
		await expect(RemoteQueue.connect(server.url)).rejects.toThrow(/needs a token: pass --token TOKEN \(or set FLASHQ_TOKEN\)/);
		await expect(RemoteQueue.connect(server.url, {token: 'wrong'})).rejects.toThrow(/refused the token \(401\)/);
		remote = await RemoteQueue.connect(server.url, {token: 'right'});
		expect(remote.connection().state).toBe('connected');
	});

	it('answers the inspector with null on memory storage (as FlashQ does in process)', async () => {
		await server.close();
		await queue.close();
		queue = await FlashQ.open({storage: 'memory'});
		server = await startServer({queue, port: 0});
		await queue.post('m', [{value: 'x'}]);
		remote = await RemoteQueue.connect(server.url);
		expect(await remote.locateRecord('m', 0)).toBeNull();
		expect((await remote.peek('m')).records.map((r) => r.value)).toEqual(['x']);
	});
});
