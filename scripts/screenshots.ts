/**
 * `npm run screenshots`: runs the real app (node dist/cli.js) in tmux at 160x45 with colours,
 * drives it into a few states and writes each screen as SVG to screenshots/:
 *   overview.svg     file storage with topics, records, a consumer group and live figures
 *   record-detail.svg  one JSON record, pretty-printed
 *   help.svg         the ? overlay
 *   serve-load.svg   --serve while HTTP producers post continuously (follow mode)
 *   tour-crash-recovery.svg  --tour --seed 7, lesson 4: the power loss with sync=never, predicted and run
 *   byte-inspector.svg       x on a record of that lesson: its frame, read through the fault layer
 */
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {TmuxSession, hasTmux, tourForward, tourWhere} from '../test/ui/tmux-session.js';
import {ansiToSvg} from './ansi-to-svg.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'screenshots');
const COLUMNS = 160;
const ROWS = 45;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(url: string, pathname: string, body: unknown): Promise<void> {
	const response = await fetch(`${url}${pathname}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
	if (!response.ok) throw new Error(`${pathname}: HTTP ${response.status} ${await response.text()}`);
}

/** Esc, sent again if the first one was taken as the start of an escape sequence. */
async function escapeUntil(session: TmuxSession, gone: RegExp): Promise<void> {
	for (let attempt = 0; attempt < 3; attempt++) {
		session.key('Escape');
		try {
			await session.waitFor((s) => !gone.test(s), 2000);
			return;
		} catch {
			// try again
		}
	}
	throw new Error(`Esc did not close "${gone}"`);
}

function save(session: TmuxSession, name: string, title: string): void {
	const svg = ansiToSvg(session.capture(true), {columns: COLUMNS, rows: ROWS, title});
	writeFileSync(path.join(outDir, `${name}.svg`), svg);
	console.log(`screenshots/${name}.svg`);
}

async function main(): Promise<void> {
	if (!hasTmux()) throw new Error('tmux is needed (apt-get install -y tmux)');
	try {
		execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {cwd: root, stdio: 'ignore'});
	} catch {
		// tsc exits non-zero on type errors elsewhere but still emits dist/.
	}
	mkdirSync(outDir, {recursive: true});
	const dataDir = mkdtempSync(path.join(tmpdir(), 'flashq-shots-'));
	const session = new TmuxSession('shots', COLUMNS, ROWS);
	try {
		session.start([process.execPath, 'dist/cli.js', '--data-dir', dataDir, '--sync', 'always', '--commit-threshold', '20', '--serve', '0'], root);
		const screen = await session.waitFor(/server (http:\/\/127\.0\.0\.1:\d+)/, 30_000);
		const url = /server (http:\/\/127\.0\.0\.1:\d+)/.exec(screen)![1]!;

		// A small, realistic data set: JSON orders with headers, payments, an audit trail.
		const statuses = ['new', 'paid', 'shipped', 'delivered'];
		for (let batch = 0; batch < 6; batch++) {
			await post(url, '/topics/orders/records', {
				records: Array.from({length: 8}, (_, i) => {
					const id = batch * 8 + i + 1000;
					return {
						key: `customer-${(id * 7) % 23}`,
						value: JSON.stringify({order: id, status: statuses[id % 4], items: [{sku: `SKU-${id % 17}`, qty: (id % 3) + 1}], total: ((id * 37) % 500) + 0.99}),
						headers: {source: batch % 2 ? 'web' : 'mobile', 'trace-id': `t${id.toString(16)}`},
					};
				}),
			});
			await post(url, '/topics/payments/records', {records: [{key: `pay-${batch}`, value: JSON.stringify({order: 1000 + batch * 8, amount: 42.5 + batch}), headers: {currency: 'EUR'}}]});
			await sleep(150);
		}
		await post(url, '/topics/audit/records', {records: [{value: 'service started'}, {key: 'admin', value: 'config reloaded'}]});
		await post(url, '/consumer/billing', {});
		await post(url, '/consumer/billing/topics/orders/offset', {offset: 30});
		await post(url, '/consumer/shipping', {});
		await post(url, '/consumer/shipping/topics/orders/offset', {offset: 44});

		// Select "orders" (topics are sorted: audit, orders, payments), then browse its records.
		await session.waitFor(/orders +48 +48/);
		// All three topics listed (audit first, selected) before moving: otherwise j could start from orders.
		await session.waitFor(/› audit +2 +2/);
		await session.press('j', /› orders/);
		await session.press('2', 'Enter record detail');
		for (let i = 0; i < 3; i++) await session.press('j', new RegExp(`› +${i + 1} `));
		await sleep(1200);
		save(session, 'overview', 'flashq-demo --data-dir ./data --serve: overview');

		await session.press('Enter', /Record orders @ \d+/);
		save(session, 'record-detail', 'flashq-demo: record detail (JSON pretty-printed)');
		await escapeUntil(session, /Record orders @ \d+/);

		await session.press('?', 'Help: keys');
		save(session, 'help', 'flashq-demo: help (?)');
		await escapeUntil(session, /Help: keys/);

		// Load: a few HTTP producers posting batches continuously while the Records pane follows.
		await session.press('f', 'FOLLOW');
		let running = true;
		const producers = Array.from({length: 3}, async (_, p) => {
			let n = 0;
			while (running) {
				await post(url, '/topics/orders/records', {
					records: Array.from({length: 20}, (_, i) => ({key: `load-${p}`, value: JSON.stringify({producer: p, seq: n * 20 + i, status: 'new'}), headers: {source: 'load'}})),
				}).catch(() => undefined);
				n++;
			}
		});
		await sleep(3500);
		save(session, 'serve-load', 'flashq-demo --serve under load (3 HTTP producers, follow mode)');
		running = false;
		await Promise.all(producers);
		await session.press('q');
		const code = await session.exitCode();
		if (code !== 0) throw new Error(`the app exited with ${code}`);
	} finally {
		session.kill();
		rmSync(dataDir, {recursive: true, force: true});
	}
}

/** The guided tour (seed 7): a crash-recovery step of lesson 4, then the byte inspector on its data. */
async function tourShots(): Promise<void> {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'flashq-shots-tour-'));
	const session = new TmuxSession('shots-tour', COLUMNS, ROWS);
	try {
		session.start([process.execPath, 'dist/cli.js', '--tour', '--seed', '7', '--data-dir', dataDir], root);
		await session.waitFor((s) => tourWhere(s).ready, 30_000);
		// Lessons 1-3 with real keys, to lesson 4 step 3 (sync=never), ready to predict.
		for (let i = 0; i < 80; i++) {
			const here = tourWhere(session.capture());
			if (here.lesson === 4 && here.step === 3 && here.ready) break;
			await tourForward(session);
		}
		// Predict "0 survive" (3), then run the power loss and the recovery.
		await session.press('3', /▸ \[3\]/);
		await session.press('n', (s) => tourWhere(s).ran);
		await session.press('2', 'x byte inspector');
		await sleep(1200);
		save(session, 'tour-crash-recovery', 'flashq-demo --tour --seed 7: lesson 4, a power loss with sync=never');

		// A record of the earlier sync=always step, which survived: its frame as recovery left it.
		await session.press('x', 'Byte inspector');
		await sleep(500);
		save(session, 'byte-inspector', 'flashq-demo: byte inspector (x) on a record that survived the power loss');
		await escapeUntil(session, /Byte inspector/);
		await session.press('q');
		const code = await session.exitCode();
		if (code !== 0) throw new Error(`the tour exited with ${code}`);
	} finally {
		session.kill();
		rmSync(dataDir, {recursive: true, force: true});
	}
}

main()
	.then(() => (process.exitCode ? undefined : tourShots()))
	.catch((error: unknown) => {
		console.error(`screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
		process.exitCode = 1;
	});
