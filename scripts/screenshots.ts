/**
 * `npm run screenshots`: runs the real app (node dist/cli.js) in tmux with colours, drives it into
 * a few states and writes each screen as SVG to screenshots/. At 160x45 (the names without a size):
 *   overview.svg     file storage with topics, records, a consumer group and live figures
 *   record-detail.svg  one JSON record, pretty-printed
 *   help.svg         the ? overlay
 *   log-map.svg      the log map (m): orders as one strip, its WAL tail, index, cache, groups
 *   serve-load.svg   --serve while HTTP producers post continuously (follow mode)
 *   tour-crash-recovery.svg  --tour --seed 7, lesson 4: the power loss with sync=never, predicted and run
 *   byte-inspector.svg       x on a record of that lesson: its frame, read through the fault layer
 * At every supported size, 80x24 (the smallest), 100x30 and 160x45, the same app:
 *   overview-WxH.svg, help-WxH.svg, log-map-WxH.svg (m), byte-inspector-WxH.svg (x on a record), tour-WxH.svg (lesson 2, step 1 run)
 */
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {TmuxSession, hasTmux, tourForward, tourWhere} from '../test/ui/tmux-session.js';
import {ansiToSvg} from './ansi-to-svg.js';
import {INTERACTIVE_PACING} from '../source/ui/tour/runner.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'screenshots');
const COLUMNS = 160;
const ROWS = 45;
/** The sizes every view is shown at (80x24 is the smallest the app supports). */
const SIZES = [
	[80, 24],
	[100, 30],
	[160, 45],
] as const;
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

function save(session: TmuxSession, name: string, title: string, columns = COLUMNS, rows = ROWS): void {
	const svg = ansiToSvg(session.capture(true), {columns, rows, title});
	writeFileSync(path.join(outDir, `${name}.svg`), svg);
	console.log(`screenshots/${name}.svg`);
}

function build(): void {
	if (!hasTmux()) throw new Error('tmux is needed (apt-get install -y tmux)');
	try {
		execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {cwd: root, stdio: 'ignore'});
	} catch {
		// tsc exits non-zero on type errors elsewhere but still emits dist/.
	}
	mkdirSync(outDir, {recursive: true});
}

/** The overview, record detail, help, byte inspector (and load, at 160x45) at one size. */
async function main(columns: number, rows: number): Promise<void> {
	const full = columns === COLUMNS && rows === ROWS;
	const sized = (name: string) => `${name}-${columns}x${rows}`;
	const shot = (session: TmuxSession, name: string, title: string) => {
		save(session, sized(name), `${title} (${columns}x${rows})`, columns, rows);
		if (full) save(session, name, title, columns, rows);
	};
	const dataDir = mkdtempSync(path.join(tmpdir(), 'flashq-shots-'));
	// Started at 160x45, where the header shows the server's whole address, then resized.
	const session = new TmuxSession(`shots${columns}`, COLUMNS, ROWS);
	try {
		session.start([process.execPath, 'dist/cli.js', '--data-dir', dataDir, '--sync', 'always', '--commit-threshold', '20', '--serve', '0'], root);
		const screen = await session.waitFor(/server (http:\/\/127\.0\.0\.1:\d+)/, 30_000);
		const url = /server (http:\/\/127\.0\.0\.1:\d+)/.exec(screen)![1]!;
		if (!full) session.resize(columns, rows);

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
		await session.waitFor(/orders +48/);
		// All three topics listed (audit first, selected) before moving: otherwise j could start from orders.
		await session.waitFor(/› audit +2/);
		await session.press('j', /› orders/);
		await session.press('2', /[║] 2 Records/);
		for (let i = 0; i < 3; i++) await session.press('j', new RegExp(`› +${i + 1} `));
		await sleep(1200);
		shot(session, 'overview', 'flashq-demo --data-dir ./data --serve: overview');

		if (full) {
			await session.press('Enter', /Record orders @ \d+/);
			save(session, 'record-detail', 'flashq-demo: record detail (JSON pretty-printed)');
			await escapeUntil(session, /Record orders @ \d+/);
		} else {
			await session.press('x', 'Byte inspector');
			await sleep(300);
			save(session, sized('byte-inspector'), `flashq-demo: byte inspector (x) (${columns}x${rows})`, columns, rows);
			await escapeUntil(session, /Byte inspector/);
		}

		await session.press('?', 'Help: keys');
		shot(session, 'help', 'flashq-demo: help (?)');
		await escapeUntil(session, /Help: keys/);

		// The Log Map (m) of orders: five more records one by one wait in the WAL (threshold 20).
		for (let i = 0; i < 5; i++) await post(url, '/topics/orders/records', {records: [{key: `customer-${i}`, value: JSON.stringify({order: 2000 + i, status: 'new'})}]});
		await session.press('m', '9 Log Map');
		await session.waitFor(/▒ WAL only \d+\.\.\d+/);
		await sleep(800);
		shot(session, 'log-map', 'flashq-demo: the log map (m) of orders');
		await session.press('m', (s) => !s.includes('9 Log Map'));
		if (!full) {
			await session.press('q');
			const code = await session.exitCode();
			if (code !== 0) throw new Error(`the app exited with ${code}`);
			return;
		}

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

/** The guided tour (seed 7) at one size: lesson 2 step 1 run (WAL and Events watched); at 160x45 on to lesson 4. */
async function tourShots(columns: number, rows: number): Promise<void> {
	const dataDir = mkdtempSync(path.join(tmpdir(), 'flashq-shots-tour-'));
	const session = new TmuxSession(`shots-tour${columns}`, columns, rows);
	try {
		session.start([process.execPath, 'dist/cli.js', '--tour', '--seed', '7', '--data-dir', dataDir], root);
		await session.waitFor((s) => tourWhere(s).ready, 30_000);
		for (let i = 0; i < 40; i++) {
			const here = tourWhere(session.capture());
			if (here.lesson === 2 && here.step === 1 && here.ran) break;
			await tourForward(session);
		}
		await sleep(1200);
		save(session, `tour-${columns}x${rows}`, `flashq-demo --tour --seed 7: lesson 2, step 1 (${columns}x${rows})`, columns, rows);
		if (columns !== COLUMNS || rows !== ROWS) {
			await session.press('q');
			const code = await session.exitCode();
			if (code !== 0) throw new Error(`the tour exited with ${code}`);
			return;
		}
		// Lessons 1-3 with real keys, to lesson 4 step 3 (sync=never), ready to predict.
		for (let i = 0; i < 80; i++) {
			const here = tourWhere(session.capture());
			if (here.lesson === 4 && here.step === 3 && here.ready) break;
			await tourForward(session);
		}
		// Predict "0 survive" (3), then run the power loss and the recovery.
		await session.press('3', /▸ \[3\]/);
		await sleep(INTERACTIVE_PACING.minReadMs);
		await session.press('n', (s) => tourWhere(s).ran);
		await session.press('2', 'x byte inspector');
		await sleep(1200);
		save(session, 'tour-crash-recovery', 'flashq-demo --tour --seed 7: lesson 4, a power loss with sync=never');

		// A record of the earlier sync=always step, which survived: its frame as recovery left it. The
		// step puts its panes on never-crash (empty): pick always-crash in Topics first.
		await session.press('1', /1 Topics/);
		await session.press('g', /› always-crash/);
		await session.press('2', /Records always-crash/);
		await session.press('x', 'Byte inspector');
		await sleep(500);
		save(session, 'byte-inspector', 'flashq-demo: byte inspector (x) on a record that survived the power loss');
		save(session, 'byte-inspector-160x45', 'flashq-demo: byte inspector (x) on a record that survived the power loss (160x45)');
		await escapeUntil(session, /Byte inspector/);
		await session.press('q');
		const code = await session.exitCode();
		if (code !== 0) throw new Error(`the tour exited with ${code}`);
	} finally {
		session.kill();
		rmSync(dataDir, {recursive: true, force: true});
	}
}

async function all(): Promise<void> {
	build();
	for (const [columns, rows] of SIZES) {
		await main(columns, rows);
		await tourShots(columns, rows);
	}
}

all().catch((error: unknown) => {
		console.error(`screenshots failed: ${error instanceof Error ? error.message : String(error)}`);
		process.exitCode = 1;
	});
