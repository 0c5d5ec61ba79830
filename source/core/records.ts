/**
 * The records and sync modes that the engine and every storage backend speak: the layer below both
 * (storage imports nothing from the engine).
 */
/** What a producer sends. `key` and `headers` may be omitted or null: both mean "absent". */
export interface RecordInput {
	key?: string | null;
	value: string;
	headers?: Record<string, string> | null;
}

/**
 * A record as storage keeps it. `timestamp` is milliseconds since the Unix epoch, taken once at
 * append and stored, so the same record always shows the same time.
 */
export interface StoredRecord {
	offset: number;
	timestamp: number;
	key: string | null;
	value: string;
	headers: Record<string, string> | null;
}

export type SyncMode = 'always' | 'periodic' | 'never';
export const SYNC_MODES: readonly SyncMode[] = ['always', 'periodic', 'never'];
