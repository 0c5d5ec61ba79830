// Child process for the real disk-full test: run under `ulimit -f` with SIGXFSZ ignored, so writes
// past the limit fail with EFBIG. Appends until a write fails, then shows that the topic stays stopped.
import {EventHub} from '../../../source/core/event-hub.js';
import type {FlashQEvent} from '../../../source/core/events.js';
import {openFileBackend} from '../../../source/storage/file/file-backend.js';

const backend = await openFileBackend({storage: 'file', dataDir: process.argv[2]!, sync: 'always', walResetBytes: 32 * 1024}, {events: new EventHub<FlashQEvent>()});
const log = await backend.openTopic('t');
const value = (i: number) => `${i}:${'d'.repeat(1000)}`;
try {
	for (let i = 0; ; i += 4) {
		const bases = await Promise.all([0, 1, 2, 3].map((j) => log.append([{value: value(i + j)}], 1, 0)));
		process.stdout.write(`A ${bases.join(' ')}\n`);
	}
} catch (error) {
	process.stdout.write(`E ${(error as Error).message}\n`);
}
await log.append([{value: 'after'}], 1, 0).catch((error: Error) => process.stdout.write(`E2 ${error.message}\n`));
process.stdout.write(`F ${JSON.stringify(log.stats().failed)}\n`);
// What this process still serves after the failure: only acknowledged records.
process.stdout.write(`H ${log.nextOffset} ${(await log.read(0, 100_000)).length}\n`);
await backend.close().catch(() => undefined);
