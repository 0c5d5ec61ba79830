// Students' apps, headless: each one a RemoteQueue and the TUI's store over it, as `--connect` runs
// them, without drawing; `node classroom-watcher.mjs URL [APPS]` runs APPS of them (default 1), each
// with its own connection, queue and store. Told "report" on stdin, it prints one JSON line per app
// (how many appended records it saw through events, missed notices, each batch's delay from the
// engine's event time) and exits.
import process from 'node:process';
import {RemoteQueue} from '../source/remote/remote-queue.ts';
import {TuiStore} from '../source/ui/store/tui-store.ts';

const url = process.argv[2];
const count = Number(process.argv[3] ?? 1);

async function startApp() {
	const queue = await RemoteQueue.connect(url);
	const store = new TuiStore(queue, null, {heartbeatMs: 250}).start();
	const app = {queue, store, records: 0, missed: 0, delays: []};
	queue.subscribe((events, dropped) => {
		app.missed += dropped;
		const now = Date.now();
		for (const event of events) {
			if (event.type !== 'append') continue;
			app.records += event.count;
			app.delays.push(now - event.at);
		}
	});
	return app;
}

const apps = await Promise.all(Array.from({length: count}, startApp));
process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line) => {
	if (!line.includes('report')) return;
	for (const app of apps) {
		const {delays} = app;
		delays.sort((a, b) => a - b);
		const p = (q) => (delays.length === 0 ? 0 : delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]);
		process.stdout.write(`${JSON.stringify({records: app.records, missed: app.missed, p50: p(0.5), p99: p(0.99), max: delays.at(-1) ?? 0, snapshotHwm: app.store.publishNow().topics.map((t) => t.highWaterMark)})}\n`);
		app.store.close();
		app.queue.close();
	}
	process.exit(0);
});
