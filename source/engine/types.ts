export type {RecordInput, StoredRecord, SyncMode} from '../core/records.js';
export {SYNC_MODES} from '../core/records.js';

/** A record as a consumer receives it (field order as in the reference: key, value, headers, offset, timestamp). */
export interface RecordWithOffset {
	key: string | null;
	value: string;
	headers: Record<string, string> | null;
	offset: number;
	/** RFC 3339 UTC, `Date#toISOString()` form. */
	timestamp: string;
}

export interface AppendedOffset {
	offset: number;
	timestamp: string;
}

export interface PollOptions {
	fromOffset?: number;
	maxRecords?: number;
	/**
	 * Byte bound of the read (default 16 MiB), counted as validation counts a record: UTF-8 bytes of
	 * key, value, header names and header values. The read stops before the record that would pass
	 * it, but always returns at least one record.
	 */
	maxBytes?: number;
	includeHeaders?: boolean;
}

export interface PollResult {
	records: RecordWithOffset[];
	nextOffset: number;
	highWaterMark: number;
	/** Omitted when it would be negative (fromOffset beyond the high water mark). */
	lag?: number;
}

export interface FetchResult {
	records: RecordWithOffset[];
	/** The group's committed offset for the topic (a fetch never advances it). */
	nextOffset: number;
	highWaterMark: number;
	lag?: number;
}

export interface TopicInfo {
	name: string;
	highWaterMark: number;
	recordCount: number;
	/** Time of the last append in ms since the epoch, or null if none in this process. */
	lastAppendTime: number | null;
}

export interface CommittedOffsetInfo {
	topic: string;
	committedOffset: number;
	highWaterMark: number;
	lag: number;
	/** RFC 3339 time of the last commit; absent when the group never committed for this topic. */
	lastCommitTime?: string;
}

export interface CommitResult {
	groupId: string;
	topic: string;
	offset: number;
	committedOffset: number;
	timestamp: string;
}

export interface GroupInfo {
	groupId: string;
	offsets: CommittedOffsetInfo[];
}


/** What createTopic did: `created` is false when the topic already existed. */
export interface TopicCreated {
	topic: string;
	created: boolean;
}

/** What deleteTopic removed: the records (its high water mark) and the groups whose committed offset for it went. */
export interface TopicDeleted {
	topic: string;
	records: number;
	groups: string[];
}

/** The first record at or after a time; none: the high water mark and a null timestamp. */
export interface OffsetForTime {
	offset: number;
	timestamp: number | null;
}
