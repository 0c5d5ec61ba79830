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

/**
 * How each foldable step folds: the figures that add up, those that take the latest value, and what
 * must be equal besides type and topic. Other types (creations, lookups, recovery) never fold.
 */
const FOLDS: Partial<Record<FlashQEvent['type'], {sum: readonly string[]; last?: readonly string[]; same?: readonly string[]}>> = {
	append: {sum: ['count', 'bytes']},
	'wal.write': {sum: ['count', 'bytes'], last: ['pendingRecords', 'pendingBytes']},
	// latencyMs adds up too: readers divide by `merged` for the average.
	fsync: {sum: ['records', 'latencyMs'], same: ['file']},
	'wal.commit': {sum: ['records', 'bytes'], last: ['logBytes']},
	cache: {sum: ['hits', 'misses', 'evictions']},
	poll: {sum: ['count'], same: ['group']},
	'nats.ack': {sum: ['count', 'latencyMs', 'resent', 'duplicates']},
};

/** Adds `next` into `into` when they are the same step; false otherwise. */
const mergeEngine: Merge<FlashQEvent> = (into, next) => {
	const fold = FOLDS[into.type];
	if (!fold || into.type !== next.type) return false;
	const a = into as unknown as Record<string, unknown>;
	const b = next as unknown as Record<string, unknown>;
	if (a['topic'] !== b['topic'] || fold.same?.some((field) => a[field] !== b[field])) return false;
	for (const field of fold.sum) a[field] = (a[field] as number) + (b[field] as number);
	for (const field of fold.last ?? []) a[field] = b[field];
	into.at = next.at;
	return true;
};

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
