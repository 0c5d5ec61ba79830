import {EventHub} from '../../../source/core/event-hub.js';
import type {FlashQEvent} from '../../../source/core/events.js';
import type {RecordInput, StoredRecord} from '../../../source/engine/types.js';
import {FaultyIo} from '../../../source/storage/file/fault-io.js';
import {openFileBackend} from '../../../source/storage/file/file-backend.js';
import {encodeName} from '../../../source/storage/file/names.js';
import type {FileStorageOptions, StorageBackend} from '../../../source/storage/types.js';

export const DATA = '/data';
export const topicDir = (topic: string) => `${DATA}/topics/${encodeName(topic)}`;
export const logFile = (topic: string) => `${topicDir(topic)}/log`;
export const walFile = (topic: string) => `${topicDir(topic)}/wal`;

/** Opens a file backend on an in-memory fault-injecting file system; collects its events. */
export async function openOn(io: FaultyIo, extra: Partial<FileStorageOptions> = {}): Promise<{backend: StorageBackend; events: FlashQEvent[]; hub: EventHub<FlashQEvent>}> {
	const hub = new EventHub<FlashQEvent>({flushIntervalMs: 1});
	const events: FlashQEvent[] = [];
	hub.subscribe((batch) => events.push(...batch));
	const backend = await openFileBackend({storage: 'file', dataDir: DATA, sync: 'always', io, ...extra}, {events: hub});
	hub.flush();
	return {backend, events, hub};
}

export const rec = (i: number): RecordInput => ({key: i % 3 ? `k${i}` : null, value: `value-${i}-${'x'.repeat(i % 17)}`, headers: i % 4 ? {n: `${i}`} : null});

export const stored = (i: number, timestamp: number): StoredRecord => {
	const r = rec(i);
	return {offset: i, timestamp, key: r.key ?? null, value: r.value, headers: r.headers ?? null};
};

/** Writes `count` records in batches of `batch` (timestamp = first offset of the batch) and closes cleanly. */
export async function fill(io: FaultyIo, count: number, batch = 1, extra: Partial<FileStorageOptions> = {}, clean = true): Promise<void> {
	const {backend} = await openOn(io, extra);
	const log = await backend.openTopic('t');
	for (let i = 0; i < count; i += batch) {
		const n = Math.min(batch, count - i);
		await log.append(Array.from({length: n}, (_, j) => rec(i + j)), i, 0);
	}
	// Not clean: everything durable, but no close (so no checkpoint): what a crash after a flush leaves.
	if (clean) await backend.close();
	else await log.flush();
}

/** Expected record i when written by `fill` with this batch size. */
export const filled = (i: number, batch = 1): StoredRecord => stored(i, i - (i % batch));

export const freshIo = () => new FaultyIo();
