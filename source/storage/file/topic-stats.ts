import {ENTRY_OFFSETS_SHOWN, type TopicStorageStats} from '../../core/stats.js';
import type {TopicState} from './topic-state.js';

/** The topic's storage stats, read from its state. */
export function topicStats(s: TopicState): TopicStorageStats {
	const c = s.counters;
	const stats: TopicStorageStats = {
		// Log file bytes plus the WAL's pending frames: every byte of record data the topic holds.
		logBytes: s.logBytes + s.pendingBytes,
		wal: {
			committedOffset: s.committedNext,
			pendingRecords: s.pendingRecords.length,
			pendingBytes: s.pendingBytes,
			walBytes: s.walBytes,
			commits: c.commits,
			lastCommitTime: c.lastCommitTime,
		},
		fsync: {count: c.fsyncs, lastLatencyMs: c.lastFsyncMs, totalLatencyMs: c.totalFsyncMs},
		cache: {
			capacity: s.settings.cacheSize,
			maxBytes: s.settings.cacheBytes,
			entries: s.cache?.entries ?? 0,
			bytes: s.cache?.bytes ?? 0,
			hits: c.hits,
			misses: c.misses,
			evictions: s.evictions(),
			span: s.cache?.span() ?? null,
		},
		index: {
			entries: s.index.length,
			interval: s.index.interval,
			lookups: c.lookups,
			lastLookup: c.lastLookup,
			entryOffsets: s.index.sampleOffsets(ENTRY_OFFSETS_SHOWN),
		},
		failed: s.failure !== null,
	};
	if (s.failure) stats.failure = s.failure.message;
	return stats;
}
