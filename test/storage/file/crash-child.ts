// Child process for the SIGKILL crash test: appends with sync 'always' from several concurrent
// producers until it is killed, printing each acknowledged batch as `A <base> <v1>|<v2>|...`.
import {EventHub} from '../../../source/core/event-hub.js';
import type {FlashQEvent} from '../../../source/core/events.js';
import {openFileBackend} from '../../../source/storage/file/file-backend.js';

const [dataDir, round, threshold] = process.argv.slice(2) as [string, string, string];
const backend = await openFileBackend(
	{storage: 'file', dataDir, sync: 'always', commitThreshold: Number(threshold), walResetBytes: 16 * 1024, indexIntervalBytes: 512},
	{events: new EventHub<FlashQEvent>()},
);
const log = await backend.openTopic('t');
process.stdout.write(`ready ${log.nextOffset}\n`);
let seq = 0;
async function producer(id: number): Promise<void> {
	for (;;) {
		const n = 1 + ((seq * 7 + id) % (id === 0 ? 25 : 4));
		const values = Array.from({length: n}, () => `${round}-${id}-${seq++}-${'x'.repeat(seq % 50)}`);
		const base = await log.append(
			values.map((value) => ({value})),
			Date.now(),
			0,
		);
		process.stdout.write(`A ${base} ${values.join('|')}\n`);
	}
}
await Promise.all(Array.from({length: 8}, (_, id) => producer(id)));
