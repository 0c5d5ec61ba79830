/** Limits of the reference, section 2.2. All sizes are UTF-8 bytes. */
export const LIMITS = {
	maxNameLength: 255,
	minBatch: 1,
	maxBatch: 1000,
	maxKeyBytes: 1024,
	maxValueBytes: 1_048_576,
	maxHeaderValueBytes: 1024,
	/** Not limited by the reference; bounded here so one record cannot carry megabytes of names. */
	maxHeaderNameBytes: 1024,
	/** Not limited by the reference; bounded here for the same reason. */
	maxHeadersPerRecord: 100,
	minMaxRecords: 1,
	maxMaxRecords: 10_000,
	/** A poll or fetch without max_records returns at most this many (bounded, unlike the original). */
	defaultMaxRecords: 10_000,
	/** max_bytes: a read stops before the record that would take it past this many bytes (always >= 1 record). */
	minMaxBytes: 1,
	maxMaxBytes: 64 * 1024 * 1024,
	/** A poll or fetch without max_bytes returns at most this many bytes (like Kafka's fetch.max.bytes). */
	defaultMaxBytes: 16 * 1024 * 1024,
} as const;
