import type {KV} from '@nats-io/kv';
import type {ConsumerGroupStore, GroupState} from '../types.js';
import {groupKey, groupOfKey} from './names.js';

interface StoredGroup {
	groupId: string;
	offsets: [topic: string, offset: number, time: number][];
}

/**
 * Consumer groups in the replicated KV bucket, one key per group holding its whole state. Every
 * write names the revision it replaces, so a second writer (which the lease should already keep
 * out) is refused instead of silently overwritten. Durable JetStream consumers are not used:
 * they cannot commit backwards, which the reference allows.
 */
export class KvGroupStore implements ConsumerGroupStore {
	private readonly revisions = new Map<string, number>();

	constructor(
		private readonly kv: KV,
		private readonly bucket: string,
	) {}

	async load(check?: (group: GroupState) => void): Promise<GroupState[]> {
		const keys: string[] = [];
		for await (const key of await this.kv.keys('g.>')) keys.push(key);
		const groups: GroupState[] = [];
		for (const key of keys.sort()) {
			const entry = await this.kv.get(key);
			if (!entry || entry.operation !== 'PUT') continue;
			let stored: StoredGroup;
			try {
				stored = entry.json<StoredGroup>();
				if (typeof stored.groupId !== 'string' || !Array.isArray(stored.offsets)) throw new Error('not a group');
			} catch (error) {
				throw new Error(`consumer group key '${key}' in bucket ${this.bucket} is not a FlashQ group: ${(error as Error).message}`);
			}
			if (stored.groupId !== groupOfKey(key)) throw new Error(`consumer group key '${key}' holds group '${stored.groupId}'`);
			const state: GroupState = {groupId: stored.groupId, offsets: new Map(stored.offsets.map(([topic, offset, time]) => [topic, {offset, time}]))};
			try {
				check?.(state);
			} catch (error) {
				(error as Error).message += ` (stored in the NATS KV bucket under key '${key}')`;
				throw error;
			}
			this.revisions.set(state.groupId, entry.revision);
			groups.push(state);
		}
		return groups;
	}

	async create(groupId: string): Promise<void> {
		this.revisions.set(groupId, await this.kv.create(groupKey(groupId), JSON.stringify({groupId, offsets: []} satisfies StoredGroup)));
	}

	async delete(groupId: string): Promise<void> {
		await this.kv.purge(groupKey(groupId));
		this.revisions.delete(groupId);
	}

	async save(state: GroupState): Promise<void> {
		const value = JSON.stringify({groupId: state.groupId, offsets: [...state.offsets].map(([topic, {offset, time}]) => [topic, offset, time])} satisfies StoredGroup);
		const key = groupKey(state.groupId);
		const revision = this.revisions.get(state.groupId);
		this.revisions.set(state.groupId, revision === undefined ? await this.kv.create(key, value) : await this.kv.update(key, value, revision));
	}

	async close(): Promise<void> {
		// The connection belongs to the backend, which closes it.
	}
}
