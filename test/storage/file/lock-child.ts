// Child process for lock tests: takes the lock on argv[2] (stale time argv[3], default 2000 ms),
// says so ("locked true", or "refused <message>" and exits 3), and holds it until killed.
// argv[4], when set, is a wall-clock time to wait for first, so several children contend at once.
import {EventHub} from '../../../source/core/event-hub.js';
import type {FlashQEvent} from '../../../source/core/events.js';
import {openFileBackend} from '../../../source/storage/file/file-backend.js';

const startAt = Number(process.argv[4] ?? 0);
while (Date.now() < startAt) {
	// Spin rather than sleep: a timer would spread the contenders' start by milliseconds.
}
try {
	const backend = await openFileBackend(
		{storage: 'file', dataDir: process.argv[2]!, staleLockMs: Number(process.argv[3] ?? 2000)},
		{events: new EventHub<FlashQEvent>()},
	);
	process.stdout.write(`locked ${backend.info.locked}\n`);
	setInterval(() => undefined, 1000);
} catch (error) {
	process.stdout.write(`refused ${(error as Error).message}\n`);
	process.exitCode = 3;
}
