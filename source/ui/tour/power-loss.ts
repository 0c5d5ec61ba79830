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
		const after = before.crash(mode, this.seed);
		const files: {file: string; lostBytes: number}[] = [];
		let lostBytes = 0;
		for (const file of listFiles(before, this.dataDir)) {
			const was = before.contents(file);
			let now: Buffer;
			try {
				now = after.contents(file);
			} catch {
				now = Buffer.alloc(0);
			}
			let lost = Math.max(0, was.length - now.length);
			const common = Math.min(was.length, now.length);
			for (let i = 0; i < common; i++) if (was[i] !== now[i]) lost++;
			if (lost > 0) {
				files.push({file: path.relative(this.dataDir, file), lostBytes: lost});
				lostBytes += lost;
			}
		}
		this.io = after;
		return {mode, lostBytes, files: files.sort((a, b) => (a.file < b.file ? -1 : 1))};
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
