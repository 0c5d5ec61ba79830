// One student's app, headless: the remote queue and the TUI's store over it, as `--connect` runs
// them, without drawing. Reports (one JSON line on stdout when told to stop via stdin) how many
// appended records it saw through events, and each batch's delay from the engine's event time.
import process from 'node:process';
import {RemoteQueue} from '../source/remote/remote-queue.ts';
import {TuiStore} from '../source/ui/store/tui-store.ts';

const url = process.argv[2];
const queue = await RemoteQueue.connect(url);
const store = new TuiStore(queue, null, {heartbeatMs: 250}).start();
let records = 0;
let missed = 0;
const delays = [];
queue.subscribe((events, dropped) => {
	missed += dropped;
	const now = Date.now();
	for (const event of events) {
		if (event.type !== 'append') continue;
		records += event.count;
		delays.push(now - event.at);
	}
});
process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line) => {
	if (line.includes('reset')) {
		records = 0;
		missed = 0;
		delays.length = 0;
		process.stdout.write('was-reset\n');
		return;
	}
	delays.sort((a, b) => a - b);
	const p = (q) => (delays.length === 0 ? 0 : delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]);
	process.stdout.write(`${JSON.stringify({records, missed, p50: p(0.5), p99: p(0.99), max: delays.at(-1) ?? 0, snapshotHwm: store.publishNow().topics.map((t) => t.highWaterMark)})}\n`);
	store.close();
	queue.close();
	process.exit(0);
});
