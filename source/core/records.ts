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

/**
 * Storage refusing a record for a reason of its own (a NATS server's max_payload), before anything
 * was written: the engine reports it as the client's error (`validation_error`, 400), not a fault.
 */
export class RecordRefused extends Error {
	constructor(
		message: string,
		readonly details: Record<string, unknown>,
	) {
		super(message);
		this.name = 'RecordRefused';
	}
}
