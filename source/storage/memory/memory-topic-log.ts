import type {TopicStorageStats} from '../../engine/stats.js';
import type {RecordInput, StoredRecord} from '../../engine/types.js';
import type {TopicLog} from '../types.js';

/** A topic held in an array: offset n is element n (no retention, so no gaps). */
export class MemoryTopicLog implements TopicLog {
	private readonly records: StoredRecord[] = [];
	private bytes = 0;

	constructor(readonly topic: string) {}

	get nextOffset(): number {
		return this.records.length;
	}

	append(records: readonly RecordInput[], timestamp: number, bytes: number): Promise<number> {
		const baseOffset = this.records.length;
		for (let index = 0; index < records.length; index++) {
			const record = records[index]!;
			this.records.push({
				offset: baseOffset + index,
				timestamp,
				key: record.key ?? null,
				value: record.value,
				headers: record.headers ?? null,
			});
		}
		this.bytes += bytes;
		return Promise.resolve(baseOffset);
	}

	read(fromOffset: number, maxRecords: number): Promise<StoredRecord[]> {
		return Promise.resolve(this.records.slice(fromOffset, fromOffset + maxRecords));
	}

	stats(): TopicStorageStats {
		return {logBytes: this.bytes};
	}

	flush(): Promise<void> {
		return Promise.resolve();
	}

	close(): Promise<void> {
		return Promise.resolve();
	}
}
