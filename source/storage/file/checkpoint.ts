import path from 'node:path';
import {crc32} from './crc32.js';
import type {FileIo} from './io.js';

/**
 * A topic's checkpoint: how much of the log is known durable and valid, so recovery scans only
 * what came after it. Written temp → fsync → rename → fsync dir, only after the log and the index
 * were fsynced. A checkpoint that fails its CRC is ignored (recovery then scans the whole log).
 */
export interface Checkpoint {
	logBytes: number;
	nextOffset: number;
	indexEntries: number;
}

export const CHECKPOINT_FILE = 'checkpoint';

export function readCheckpoint(io: FileIo, dir: string): Checkpoint | null {
	const file = path.join(dir, CHECKPOINT_FILE);
	if (!io.exists(file)) return null;
	try {
		const parsed = JSON.parse(io.readFile(file).toString('utf8')) as {body: Checkpoint; crc: number};
		if (crc32(JSON.stringify(parsed.body)) !== parsed.crc) return null;
		const {logBytes, nextOffset, indexEntries} = parsed.body;
		if (![logBytes, nextOffset, indexEntries].every((n) => Number.isSafeInteger(n) && n >= 0)) return null;
		return {logBytes, nextOffset, indexEntries};
	} catch {
		return null;
	}
}

export function writeCheckpoint(io: FileIo, dir: string, checkpoint: Checkpoint): void {
	const body = {logBytes: checkpoint.logBytes, nextOffset: checkpoint.nextOffset, indexEntries: checkpoint.indexEntries};
	writeFileAtomic(io, dir, CHECKPOINT_FILE, Buffer.from(JSON.stringify({body, crc: crc32(JSON.stringify(body))}) + '\n'));
}

/** temp → fsync → rename → fsync directory: after a crash the file is either old or new, never torn. */
export function writeFileAtomic(io: FileIo, dir: string, name: string, data: Buffer, sync = true): void {
	const temp = path.join(dir, `${name}.tmp`);
	const fd = io.open(temp, true);
	try {
		io.truncate(fd, 0);
		io.write(fd, data, 0, data.length, 0);
		if (sync) io.fdatasyncSync(fd);
	} finally {
		io.close(fd);
	}
	io.rename(temp, path.join(dir, name));
	if (sync) io.fsyncDir(dir);
}
