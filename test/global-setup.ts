/**
 * Vitest global setup: brings dist/ up to date once, before any test file loads, for the tests
 * that run the built CLI (test/cli, the server process tests, named-errors, tmux end to end).
 *
 * `node scripts/build.mjs` (what `npm run build` runs: tsc declarations, then the esbuild bundles)
 * with tsc's incremental state kept in dist/, so deleting dist/ also forgets that state (tsc would otherwise skip files it believes
 * it wrote). When nothing the build reads is newer than that state, tsc is not started at all:
 * a no-op incremental tsc still costs ~3 s, the mtime walk a few milliseconds.
 */
import {spawnSync} from 'node:child_process';
import {existsSync, readdirSync, statSync, utimesSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {TestProject} from 'vitest/node';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const BUILD_INFO = path.join(DIST, '.tsbuildinfo');
/** Everything the emitted files depend on. */
const INPUTS = ['source', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json', 'scripts/build.mjs'];

/** The newest mtime under `p`; directories count too, so a deleted or renamed file shows. */
function newestMtime(p: string): number {
	const stat = statSync(p);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
	return newest;
}

function stale(): boolean {
	if (!existsSync(BUILD_INFO) || !existsSync(path.join(DIST, 'cli.js'))) return true;
	const built = statSync(BUILD_INFO).mtimeMs;
	return INPUTS.map((p) => path.join(ROOT, p)).some((p) => existsSync(p) && newestMtime(p) >= built);
}

export function build(): void {
	if (!stale()) return;
	// The stamp is the start of the build, less a margin for the file system's coarser clock (a few
	// ms on Linux): a file saved while tsc runs is then newer than the stamp, and the next run builds
	// again (so does one saved within the margin before: a wasted incremental build, not a stale one).
	const stamp = new Date(Date.now() - 500);
	const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--incremental', '--tsBuildInfoFile', BUILD_INFO], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
	// tsc exits 2 when it reports type errors but still wrote every file.
	if (result.status === 2 && existsSync(BUILD_INFO)) {
		console.warn(`global setup: tsc reported type errors; dist/ was written anyway and the tests run on it:\n${output}`);
		// Keep the build stale so the next run shows the errors again.
		utimesSync(BUILD_INFO, 0, 0);
		return;
	}
	if (result.status !== 0) throw new Error(`global setup: the build failed (node scripts/build.mjs, ${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
	utimesSync(BUILD_INFO, stamp, stamp);
}

export default function setup(project: TestProject): void {
	build();
	// In watch mode, rebuild before each rerun (a no-op when nothing changed).
	project.onTestsRerun(() => build());
}
