import path from 'node:path';
import type {EventHub} from '../../core/event-hub.js';
import type {FlashQEvent} from '../../core/events.js';
import type {StorageNotice} from '../../core/stats.js';
import type {ConsumerGroupStore, GroupState} from '../types.js';
import {writeFileAtomic} from './checkpoint.js';
import {crc32} from './crc32.js';
import type {FileIo} from './io.js';
import {encodeName} from './names.js';

/** What a group file holds: `{"body": GroupBody, "crc": crc32 of JSON.stringify(body)}`. */
interface GroupBody {
	groupId: string;
	offsets: Record<string, {offset: number; time: number}>;
}

/** What to do about a bad group file; the queue refuses to open until one is done. */
const REMEDY = 'restore the file from a backup, or delete it to drop the group (its consumers then start again from offset 0)';

/**
 * One JSON file per group in `<data>/groups/`, named by the encoded group id and written
 * temp → fsync → rename → fsync dir in every sync mode (group writes are rare and a torn group
 * file would be an error at the next open). Deleting a group deletes its file. The body carries a
 * CRC-32 like the topic checkpoint, and load checks the contents too (names, offsets), because a
 * CRC only catches accidents: whoever can edit the file can recompute it.
 */
export class FileGroupStore implements ConsumerGroupStore {
	constructor(
		private readonly io: FileIo,
		private readonly dir: string,
		private readonly events: EventHub<FlashQEvent>,
		private readonly notice: (notice: StorageNotice) => void = () => undefined,
	) {}

	/**
	 * Reads every group file. `check` (the engine's rules about the loaded state, e.g. offsets
	 * within the topics' high water marks) runs per group; whatever it or the file's own checks
	 * reject fails the load with an error naming the file and what to do.
	 */
	async load(check?: (group: GroupState) => void): Promise<GroupState[]> {
		const groups: GroupState[] = [];
		for (const name of this.io.readdir(this.dir).sort()) {
			const file = path.join(this.dir, name);
			if (name.endsWith('.tmp')) {
				// A save that never reached its rename: the previous file (if any) is the truth.
				this.io.unlink(file);
				continue;
			}
			if (!name.endsWith('.json')) continue;
			let group: GroupState;
			let legacy: boolean;
			try {
				({group, legacy} = parseGroupFile(this.io.readFile(file), name));
				check?.(group);
			} catch (error) {
				throw new Error(`corrupt consumer group file ${file}: ${(error as Error).message}; ${REMEDY}`, {cause: error});
			}
			if (legacy) {
				// Files of the previous release have no CRC. Refusing them would strand every existing
				// data directory and add no safety (stripping a CRC is no easier than recomputing one),
				// so they pass the same content checks, are rewritten with a CRC, and this is reported.
				await this.save(group).catch((error: unknown) => {
					throw new Error(`could not rewrite consumer group file ${file} with a checksum: ${(error as Error).message}`, {cause: error});
				});
				this.notice({
					at: Date.now(),
					kind: 'recovery',
					level: 'info',
					file,
					message: `consumer group file ${file} had no checksum (written by an earlier FlashQ); its contents passed the checks and it was rewritten with one`,
				});
			}
			groups.push(group);
		}
		return groups;
	}

	/**
	 * Removes a deleted topic's committed offset from every group file that has one (finishing a
	 * deletion at open); the ids of those groups. A file that does not parse is left for `load` to report.
	 */
	dropTopic(topic: string): string[] {
		const changed: string[] = [];
		for (const name of this.io.readdir(this.dir).sort()) {
			if (!name.endsWith('.json')) continue;
			let group: GroupState;
			try {
				({group} = parseGroupFile(this.io.readFile(path.join(this.dir, name)), name));
			} catch {
				continue;
			}
			if (!group.offsets.delete(topic)) continue;
			this.writeGroup(group);
			changed.push(group.groupId);
		}
		return changed;
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
			this.writeGroup(state);
			return Promise.resolve();
		} catch (error) {
			return Promise.reject(error);
		}
	}

	private writeGroup(state: GroupState): void {
		const body: GroupBody = {groupId: state.groupId, offsets: Object.fromEntries(state.offsets)};
		const started = performance.now();
		const file = {body, crc: crc32(JSON.stringify(body))};
		writeFileAtomic(this.io, this.dir, `${encodeName(state.groupId)}.json`, Buffer.from(JSON.stringify(file) + '\n'));
		if (this.events.active) {
			this.events.emit({type: 'fsync', at: Date.now(), topic: '', file: 'group', latencyMs: performance.now() - started, records: 0});
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

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses and checks one group file; throws a message saying what is wrong with it. */
function parseGroupFile(data: Buffer, fileName: string): {group: GroupState; legacy: boolean} {
	let parsed: unknown;
	try {
		parsed = JSON.parse(data.toString('utf8'));
	} catch {
		throw new Error(`not valid JSON (${data.length} bytes; truncated or overwritten?)`);
	}
	if (!isPlainObject(parsed)) throw new Error('not a JSON object');
	let body: unknown;
	// Own-property checks: JSON.parse makes `__proto__` an own key, never a prototype.
	const has = (key: string) => Object.hasOwn(parsed as object, key);
	const legacy = !has('body') && !has('crc') && has('groupId');
	if (legacy) body = parsed;
	else {
		if (!isPlainObject(parsed.body) || typeof parsed.crc !== 'number') throw new Error('missing body or crc');
		body = parsed.body;
		if (crc32(JSON.stringify(body)) !== parsed.crc) throw new Error('checksum mismatch (the file was changed or damaged)');
	}
	if (!isPlainObject(body)) throw new Error('missing fields');
	const {groupId, offsets} = body;
	if (typeof groupId !== 'string' || !isPlainObject(offsets)) throw new Error('missing groupId or offsets');
	if (`${encodeName(groupId)}.json` !== fileName) throw new Error(`group id '${groupId}' does not match the file name`);
	const entries: Array<[string, {offset: number; time: number}]> = [];
	for (const [topic, value] of Object.entries(offsets)) {
		if (!isPlainObject(value)) throw new Error(`offset entry for topic '${topic}' is not an object`);
		const {offset, time} = value;
		if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
			throw new Error(`offset for topic '${topic}' is ${JSON.stringify(offset)}, not a non-negative integer`);
		}
		if (typeof time !== 'number' || !Number.isFinite(time)) throw new Error(`commit time for topic '${topic}' is ${JSON.stringify(time)}, not a number`);
		entries.push([topic, {offset, time}]);
	}
	return {group: {groupId, offsets: new Map(entries)}, legacy};
}

