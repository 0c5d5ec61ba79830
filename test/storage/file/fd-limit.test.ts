/**
 * A real descriptor limit (`ulimit -n 256`, issue 9 item 8): with idle closing, 400 topics posted
 * to one after another all succeed; with all of them active at once, the failures are a clear
 * error naming EMFILE and what to do, never a crash.
 */
import {spawnSync} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {expect, it} from 'vitest';
import {tempDir} from '../../helpers/backends.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function runChild(dir: string, mode: 'sequential' | 'burst', idleCloseMs: number): {lines: string[]; stderr: string; status: number | null} {
	const script = `ulimit -n 256; exec "${process.execPath}" --import tsx "${path.join(here, 'fd-limit-child.ts')}" "${dir}" ${mode} 400 ${idleCloseMs}`;
	const child = spawnSync('sh', ['-c', script], {encoding: 'utf8', timeout: 120_000});
	return {lines: child.stdout.split('\n'), stderr: child.stderr, status: child.status};
}

it('400 topics posted to one after another under ulimit -n 256 all succeed: idle topics close their files', async () => {
	const {dir, cleanup} = await tempDir('flashq-fds-');
	try {
		const {lines, stderr, status} = runChild(dir, 'sequential', 100);
		expect(lines, stderr).toContain('OK 400');
		expect(lines.filter((l) => l.startsWith('E '))).toEqual([]);
		expect(lines).toContain('CLOSED');
		expect(status).toBe(0);
	} finally {
		await cleanup();
	}
}, 150_000);

it('400 topics active at once under ulimit -n 256: a clear EMFILE error saying what to do, no crash', async () => {
	const {dir, cleanup} = await tempDir('flashq-fds-');
	try {
		const {lines, stderr, status} = runChild(dir, 'burst', 100);
		const errors = lines.filter((l) => l.startsWith('E '));
		expect(errors.length, stderr).toBeGreaterThan(0);
		for (const error of errors) expect(error).toMatch(/EMFILE.*raise the open-file limit \(ulimit -n\) or lower --max-topics/);
		const ok = Number(lines.find((l) => l.startsWith('OK '))?.slice(3));
		expect(ok).toBeGreaterThan(0);
		expect(ok).toBeLessThan(400);
		expect(lines).toContain('RETRY true');
		expect(lines).toContain('CLOSED');
		expect(status).toBe(0);
	} finally {
		await cleanup();
	}
}, 150_000);
