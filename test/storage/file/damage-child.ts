// Child process for the damage-after-kill tests: the reproduction. File storage, sync always,
// commit threshold 10, 100 posts of 10-record batches through the engine; says `done <hwm>` and waits
// to be killed.
import {FlashQ} from '../../../source/engine/flashq.js';

const queue = await FlashQ.open({storage: 'file', dataDir: process.argv[2]!, sync: 'always', commitThreshold: 10});
for (let post = 0; post < 100; post++) {
	await queue.post('t', Array.from({length: 10}, (_, i) => ({key: `k${post}`, value: `record-${post * 10 + i}`})));
}
process.stdout.write(`done ${queue.topics()[0]!.highWaterMark}\n`);
setInterval(() => undefined, 1000);
