import {spawnSync} from 'node:child_process';
import {rmSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {expect, it} from 'vitest';
import {EventHub} from '../../../source/core/event-hub.js';
import type {FlashQEvent} from '../../../source/core/events.js';
import {openFileBackend} from '../../../source/storage/file/file-backend.js';
import {LOCK_NAME} from '../../../source/storage/lock.js';
import {tempDir} from '../../helpers/backends.js';

const here = path.dirname(fileURLToPath(import.meta.url));

it('a real file-size limit (ulimit -f): fail-stop with a clear error, every acknowledged record kept, no failed one served or replayed', async () => {
	const {dir, cleanup} = await tempDir('flashq-full-');
	try {
		// 400 blocks is at least 200 KiB: enough for the data dir's small files, far too little for the log.
		const script = `trap '' XFSZ; ulimit -f 400; exec "${process.execPath}" --import tsx "${path.join(here, 'disk-full-child.ts')}" "${dir}"`;
		const child = spawnSync('sh', ['-c', script], {encoding: 'utf8', timeout: 60_000});
		const lines = child.stdout.split('\n');
		const acked = lines.filter((l) => l.startsWith('A ')).flatMap((l) => l.slice(2).split(' ').map(Number));
		const error = lines.find((l) => l.startsWith('E '));
		expect(error, child.stderr).toMatch(/write to .*topics\/74\/(wal|log) failed for topic 't': EFBIG/);
		expect(lines.find((l) => l.startsWith('E2 '))).toMatch(/accepts no more records/);
		expect(lines).toContain('F true');
		expect(acked.length).toBeGreaterThan(20);
		// The failed batch is neither counted nor served by the failed process...
		expect(lines).toContain(`H ${acked.length} ${acked.length}`);
		rmSync(path.join(dir, LOCK_NAME), {recursive: true, force: true});
		const backend = await openFileBackend({storage: 'file', dataDir: dir}, {events: new EventHub<FlashQEvent>()});
		const log = await backend.openTopic('t');
		const records = await log.read(0, 100_000);
		// ...nor brought back by the WAL replay at the next start (a retry would duplicate it).
		expect(records.length).toBe(acked.length);
		records.forEach((r, i) => expect(r.value.startsWith(`${i}:`)).toBe(true));
		for (const offset of acked) expect(records[offset]?.value.startsWith(`${offset}:`), `acknowledged ${offset}`).toBe(true);
		await backend.close();
	} finally {
		await cleanup();
	}
}, 90_000);
