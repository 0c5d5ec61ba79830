/**
 * What a topic costs on a real disk (issue 9, item 8): a quiet topic holds a small WAL, a busy
 * one's WAL is preallocated ahead of its writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {encodeName} from '../../../source/storage/file/names.js';

let dir: string;
beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashq-topic-costs-'));
});
afterEach(() => {
	fs.rmSync(dir, {recursive: true, force: true});
});

/** Bytes a directory tree holds: the larger of its files' sizes and their allocated blocks. */
function diskBytes(root: string): {size: number; allocated: number} {
	let size = 0;
	let allocated = 0;
	for (const entry of fs.readdirSync(root, {withFileTypes: true, recursive: true})) {
		if (!entry.isFile()) continue;
		const stat = fs.statSync(path.join(entry.parentPath, entry.name));
		size += stat.size;
		allocated += stat.blocks * 512;
	}
	return {size, allocated};
}

const walOf = (topic: string) => path.join(dir, 'topics', encodeName(topic), 'wal');

describe('topic disk costs (real files)', () => {
	it('300 topics holding one small record each take < 30 MB (was ~1.1 MiB of WAL each)', async () => {
		const q = await FlashQ.open({storage: 'file', dataDir: dir, sync: 'always'});
		try {
			for (let i = 0; i < 300; i++) await q.post(`topic-${i}`, [{value: 'x'}]);
			const open = diskBytes(dir);
			expect(open.size).toBeLessThan(30_000_000);
			expect(open.allocated).toBeLessThan(30_000_000);
		} finally {
			await q.close();
		}
		const closed = diskBytes(dir);
		expect(closed.size).toBeLessThan(30_000_000);
		expect(closed.allocated).toBeLessThan(30_000_000);
	});

	it("a busy topic's WAL grows ahead of its write position, up to walResetBytes + 64 KiB, and is reused after resets", async () => {
		const q = await FlashQ.open({storage: 'file', dataDir: dir, sync: 'never', commitThreshold: 10});
		try {
			const value = 'v'.repeat(1000);
			const sizes: number[] = [];
			for (let i = 0; i < 3000; i++) {
				await q.post('busy', [{value}]);
				const walBytes = q.stats().topics[0]!.storage.wal!.walBytes;
				const size = fs.statSync(walOf('busy')).size;
				// Always ahead of the write position while below the cap (no write extends the file itself).
				if (walBytes < 1024 * 1024) expect(size).toBeGreaterThan(walBytes);
				sizes.push(size);
			}
			expect(sizes[0]).toBeLessThanOrEqual(64 * 1024);
			expect(Math.max(...sizes)).toBe(1024 * 1024 + 64 * 1024);
			// Past the first reset (3000 x ~1 KiB > 1 MiB) the WAL is overwritten in place, never grown or truncated.
			expect(sizes.at(-1)).toBe(1024 * 1024 + 64 * 1024);
		} finally {
			await q.close();
		}
	});
});
