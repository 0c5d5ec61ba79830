import type {FlashQEvent} from '../core/events.js';
import type {RequestEvent} from './types.js';

/**
 * Under load a batch (50 ms of events) can hold thousands of equal steps: an append per post, a
 * request per post. Sent as they are to every watcher of a classroom, they cost the server bytes
 * and every watcher parsing, for a view that folds them into one line anyway. Above this many
 * events a batch is folded before it goes out: consecutive equal steps (same type and topic, same
 * file or route) become one event carrying their sums and `merged`, the number it stands for.
 * Below it, watchers get every event as it is.
 */
export const COALESCE_ABOVE = 64;

type Merge<E> = (into: E, next: E) => boolean;

function fold<E extends {merged?: number}>(events: readonly E[], merge: Merge<E>): E[] {
	if (events.length <= COALESCE_ABOVE) return events as E[];
	const out: E[] = [];
	for (const event of events) {
		const last = out[out.length - 1];
		if (last && merge(last, event)) {
			last.merged = (last.merged ?? 1) + (event.merged ?? 1);
			continue;
		}
		// A copy: the hub's event objects are shared with other listeners.
		out.push({...event});
	}
	return out;
}

/** Adds `next` into `into` when they are the same step; false otherwise. */
const mergeEngine: Merge<FlashQEvent> = (into, next) => {
	if (into.type !== next.type || ('topic' in into ? into.topic : undefined) !== ('topic' in next ? next.topic : undefined)) return false;
	if (!addInto(into, next)) return false;
	into.at = next.at;
	return true;
};

/** Adds `next`'s figures into `into` (same type and topic) when they are the same step. */
function addInto(into: FlashQEvent, next: FlashQEvent): boolean {
	switch (into.type) {
		case 'append': {
			const n = next as typeof into;
			into.count += n.count;
			into.bytes += n.bytes;
			return true;
		}
		case 'wal.write': {
			const n = next as typeof into;
			into.count += n.count;
			into.bytes += n.bytes;
			into.pendingRecords = n.pendingRecords;
			into.pendingBytes = n.pendingBytes;
			return true;
		}
		case 'fsync': {
			const n = next as typeof into;
			if (into.file !== n.file) return false;
			into.records += n.records;
			// A sum: readers divide by `merged` for the average.
			into.latencyMs += n.latencyMs;
			return true;
		}
		case 'wal.commit': {
			const n = next as typeof into;
			into.records += n.records;
			into.bytes += n.bytes;
			into.logBytes = n.logBytes;
			return true;
		}
		case 'cache': {
			const n = next as typeof into;
			into.hits += n.hits;
			into.misses += n.misses;
			into.evictions += n.evictions;
			return true;
		}
		case 'poll': {
			const n = next as typeof into;
			if (into.group !== n.group) return false;
			into.count += n.count;
			return true;
		}
		case 'nats.ack': {
			const n = next as typeof into;
			into.count += n.count;
			into.latencyMs += n.latencyMs;
			into.resent += n.resent;
			into.duplicates += n.duplicates;
			return true;
		}
		default:
			return false;
	}
}

const mergeRequest: Merge<RequestEvent> = (into, next) => {
	if (into.method !== next.method || into.path !== next.path || into.status !== next.status) return false;
	into.at = next.at;
	into.latencyMs += next.latencyMs;
	return true;
};

/** The engine channel's batch, folded when large (see COALESCE_ABOVE). */
export const coalesceEngineEvents = (events: readonly FlashQEvent[]): FlashQEvent[] => fold(events, mergeEngine);

/** The requests channel's batch, folded when large. */
export const coalesceRequestEvents = (events: readonly RequestEvent[]): RequestEvent[] => fold(events, mergeRequest);
