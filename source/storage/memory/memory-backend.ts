import type {ConsumerGroupStore, GroupState, StorageBackend, TopicLog} from '../types.js';
import {MemoryTopicLog} from './memory-topic-log.js';

/** Groups live only in the engine's own map; nothing survives a restart, so there is nothing to write. */
class MemoryGroupStore implements ConsumerGroupStore {
	load(): Promise<GroupState[]> {
		return Promise.resolve([]);
	}

	create(): Promise<void> {
		return Promise.resolve();
	}

	delete(): Promise<void> {
		return Promise.resolve();
	}

	save(): Promise<void> {
		return Promise.resolve();
	}

	/** Nothing is stored outside the engine's state: dropping it (and the offsets) is the deletion. */
	deleteTopic(_topic: string, dropOffsets: () => Promise<void>): Promise<void> {
		return dropOffsets();
	}

	close(): Promise<void> {
		return Promise.resolve();
	}
}

export class MemoryBackend implements StorageBackend {
	readonly info = {
		kind: 'memory' as const,
		dataDir: null,
		sync: null,
		commitThreshold: null,
		cacheSize: null,
		locked: false,
		notices: [],
	};

	readonly groups = new MemoryGroupStore();

	existingTopics(): Promise<string[]> {
		return Promise.resolve([]);
	}

	openTopic(topic: string): Promise<TopicLog> {
		return Promise.resolve(new MemoryTopicLog(topic));
	}

	/** Nothing is stored outside the engine's state: dropping it (and the offsets) is the deletion. */
	deleteTopic(_topic: string, dropOffsets: () => Promise<void>): Promise<void> {
		return dropOffsets();
	}

	close(): Promise<void> {
		return Promise.resolve();
	}
}
