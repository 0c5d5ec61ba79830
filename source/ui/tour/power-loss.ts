import path from 'node:path';
import {FaultyIo} from '../../storage/file/fault-io.js';
import type {PowerLossMode, PowerLossReport} from './lesson.js';

/**
 * The crash lessons' disk: the storage's fault-injecting file layer (an in-memory file system that
 * remembers what each fsync made durable). `powerLoss` swaps in the file system a reboot would find;
 * engines opened afterwards (with `io`) see only that.
 */
export class PowerLossLayer {
	io = new FaultyIo();

	constructor(
		private readonly dataDir: string,
		private readonly seed: number,
	) {}

	powerLoss(mode: PowerLossMode = 'drop'): PowerLossReport {
		const before = this.io;
		// What the last fsyncs made durable; in 'zeros'/'garbage' the rest is damaged instead of gone.
		const durable = before.crash('drop');
		const after = mode === 'drop' ? durable : before.crash(mode, this.seed);
		const files: {file: string; lostBytes: number}[] = [];
		let lostBytes = 0;
		for (const file of listFiles(before, this.dataDir)) {
			const lost = unsynced(before.contents(file), contentsOrEmpty(durable, file));
			if (lost > 0) {
				files.push({file: path.relative(this.dataDir, file), lostBytes: lost});
				lostBytes += lost;
			}
		}
		this.io = after;
		return {mode, lostBytes, files: files.sort((a, b) => (a.file < b.file ? -1 : 1))};
	}
}

/**
 * Bytes written since the last fsync: the tail beyond the durable length, plus bytes rewritten in
 * place (the WAL header). Counted against the durable copy, never against what a crash mode left,
 * so the figure does not depend on the data (zeros written over zeros still count as lost).
 */
function unsynced(current: Buffer, durable: Buffer): number {
	let lost = Math.max(0, current.length - durable.length);
	const common = Math.min(current.length, durable.length);
	for (let i = 0; i < common; i++) if (current[i] !== durable[i]) lost++;
	return lost;
}

function contentsOrEmpty(io: FaultyIo, file: string): Buffer {
	try {
		return io.contents(file);
	} catch {
		return Buffer.alloc(0);
	}
}

/** Every regular file under `dir` in the layer (directories answer `contents` with ENOENT). */
function listFiles(io: FaultyIo, dir: string): string[] {
	const out: string[] = [];
	for (const name of io.readdir(dir)) {
		const full = path.join(dir, name);
		try {
			io.contents(full);
			out.push(full);
		} catch {
			out.push(...listFiles(io, full));
		}
	}
	return out;
}
