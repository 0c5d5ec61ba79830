// Child process for lock tests: takes the lock on argv[2], says so, and waits to be killed.
import {EventHub} from '../../../source/engine/event-hub.js';
import type {FlashQEvent} from '../../../source/engine/events.js';
import {openFileBackend} from '../../../source/storage/file/file-backend.js';

const backend = await openFileBackend({storage: 'file', dataDir: process.argv[2]!, staleLockMs: 2000}, {events: new EventHub<FlashQEvent>()});
process.stdout.write(`locked ${backend.info.locked}\n`);
setInterval(() => undefined, 1000);
