// Child process for the real descriptor-limit test: run under `ulimit -n 256`. Posts one record to
// each of `count` new topics through the engine, either one after another (waiting while the process
// holds many fds, so idle closing can catch up) or all at once, and prints what happened.
import fs from 'node:fs';
import {FlashQ} from '../../../source/engine/flashq.js';

const [dataDir, mode, count, idleCloseMs] = process.argv.slice(2) as [string, 'sequential' | 'burst', string, string];
const openFds = (): number => fs.readdirSync('/proc/self/fd').length;
const q = await FlashQ.open({storage: 'file', dataDir, sync: 'always', idleCloseMs: Number(idleCloseMs)});
const topics = Array.from({length: Number(count)}, (_, i) => `topic-${i}`);
let ok = 0;
const errors: string[] = [];
const post = (topic: string) =>
	q.post(topic, [{value: topic}]).then(
		() => void ok++,
		(error: Error) => void errors.push(error.message),
	);
if (mode === 'sequential') {
	let peak = 0;
	for (const topic of topics) {
		await post(topic);
		peak = Math.max(peak, openFds());
		// Backpressure, not timing: wait until idle topics have released their files.
		while (openFds() > 200) await new Promise((resolve) => setTimeout(resolve, 10));
	}
	process.stdout.write(`PEAK ${peak}\n`);
} else {
	await Promise.all(topics.map(post));
	// The process lives on: once idle topics closed their files, a post to a topic refused above works.
	const failed = topics.find((topic) => !q.hasTopic(topic));
	if (failed) {
		while (openFds() > 100) await new Promise((resolve) => setTimeout(resolve, 10));
		await post(failed);
		process.stdout.write(`RETRY ${q.hasTopic(failed)}\n`);
	}
}
process.stdout.write(`OK ${ok}\n`);
for (const message of new Set(errors)) process.stdout.write(`E ${message}\n`);
await q.close();
process.stdout.write('CLOSED\n');
