import path from 'node:path';
import type {EventHub} from '../../engine/event-hub.js';
import type {FlashQEvent} from '../../engine/events.js';
import type {ConsumerGroupStore, GroupState} from '../types.js';
import {writeFileAtomic} from './checkpoint.js';
import type {FileIo} from './io.js';
import {encodeName} from './names.js';

interface GroupFile {
	groupId: string;
	offsets: Record<string, {offset: number; time: number}>;
}

/**
 * One JSON file per group in `<data>/groups/`, named by the encoded group id and written
 * temp → fsync → rename → fsync dir in every sync mode (group writes are rare and a torn group
 * file would be an error at the next open). Deleting a group deletes its file.
 */
export class FileGroupStore implements ConsumerGroupStore {
	constructor(
		private readonly io: FileIo,
		private readonly dir: string,
		private readonly events: EventHub<FlashQEvent>,
	) {}

	load(): Promise<GroupState[]> {
		const groups: GroupState[] = [];
		for (const name of this.io.readdir(this.dir).sort()) {
			const file = path.join(this.dir, name);
			if (name.endsWith('.tmp')) {
				// A save that never reached its rename: the previous file (if any) is the truth.
				this.io.unlink(file);
				continue;
			}
			if (!name.endsWith('.json')) continue;
			let parsed: GroupFile;
			try {
				parsed = JSON.parse(this.io.readFile(file).toString('utf8')) as GroupFile;
				if (typeof parsed.groupId !== 'string' || typeof parsed.offsets !== 'object' || parsed.offsets === null) throw new Error('missing fields');
				if (`${encodeName(parsed.groupId)}.json` !== name) throw new Error(`group id '${parsed.groupId}' does not match the file name`);
				for (const value of Object.values(parsed.offsets)) {
					if (!Number.isSafeInteger(value.offset) || value.offset < 0 || typeof value.time !== 'number') throw new Error('bad offset entry');
				}
			} catch (error) {
				return Promise.reject(new Error(`corrupt consumer group file ${file}: ${(error as Error).message}`));
			}
			groups.push({groupId: parsed.groupId, offsets: new Map(Object.entries(parsed.offsets))});
		}
		return Promise.resolve(groups);
	}

	create(groupId: string): Promise<void> {
		return this.save({groupId, offsets: new Map()});
	}

	delete(groupId: string): Promise<void> {
		try {
			this.io.unlink(path.join(this.dir, `${encodeName(groupId)}.json`));
			this.timedDirSync();
			return Promise.resolve();
		} catch (error) {
			return Promise.reject(error);
		}
	}

	save(state: GroupState): Promise<void> {
		try {
			const body: GroupFile = {groupId: state.groupId, offsets: Object.fromEntries(state.offsets)};
			const started = performance.now();
			writeFileAtomic(this.io, this.dir, `${encodeName(state.groupId)}.json`, Buffer.from(JSON.stringify(body) + '\n'));
			if (this.events.active) {
				this.events.emit({type: 'fsync', at: Date.now(), topic: '', file: 'group', latencyMs: performance.now() - started, records: 0});
			}
			return Promise.resolve();
		} catch (error) {
			return Promise.reject(error);
		}
	}

	close(): Promise<void> {
		return Promise.resolve();
	}

	private timedDirSync(): void {
		const started = performance.now();
		this.io.fsyncDir(this.dir);
		if (this.events.active) this.events.emit({type: 'fsync', at: Date.now(), topic: '', file: 'dir', latencyMs: performance.now() - started, records: 0});
	}
}
