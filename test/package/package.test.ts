/**
 * The package as published: `npm pack` of the built dist/ (test/global-setup.ts builds it), unpacked
 * into an empty directory with no node_modules anywhere above it, must run. The CLI is one bundle,
 * so `--help`, `--version`, `client --help` and `--once` need none of the dependencies; only the
 * native CRC-32 (which falls back to zlib) and the NATS client (only for `--storage nats`) stay
 * external. Offline: nothing is installed.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {USAGE} from '../../source/cli/usage.js';
// @ts-expect-error -- a plain .mjs build script without type declarations
import {apply, registryReadme, restore} from '../../scripts/registry-readme.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
	bin: Record<string, string>;
	scripts: Record<string, string>;
};

let dir: string;
let unpacked: string;
let files: string[];

beforeAll(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'flashq-pack-'));
	// --ignore-scripts: `prepare` would build again; the global setup already did.
	const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {cwd: ROOT, encoding: 'utf8'});
	const [info] = JSON.parse(out) as Array<{filename: string; files: Array<{path: string}>}>;
	files = info!.files.map((f) => f.path);
	execFileSync('tar', ['-xzf', path.join(dir, info!.filename), '-C', dir]);
	unpacked = path.join(dir, 'package');
}, 60_000);

afterAll(() => {
	if (dir) rmSync(dir, {recursive: true, force: true});
});

/** Runs the unpacked package's bin with no node_modules in reach (NODE_PATH cleared too). */
function run(args: string[]) {
	const env: NodeJS.ProcessEnv = {...process.env, NODE_PATH: '', COLUMNS: '120', LINES: '40'};
	delete env['NODE_ENV'];
	return spawnSync(process.execPath, [path.join(unpacked, pkg.bin['flashq-demo']!), ...args], {cwd: dir, encoding: 'utf8', env, timeout: 20_000});
}

describe('the packed tarball', () => {
	test('has nothing above it to resolve packages from', () => {
		// The premise of the runs below: an ancestor node_modules would hide a missing bundle.
		let at = dir;
		for (;;) {
			expect(existsSync(path.join(at, 'node_modules'))).toBe(false);
			const up = path.dirname(at);
			if (up === at) break;
			at = up;
		}
	});

	test('--help prints the usage and exits 0', () => {
		const result = run(['--help']);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(result.stdout).toBe(USAGE);
	});

	test('--version prints the version from package.json', () => {
		const result = run(['--version']);
		expect(result.status).toBe(0);
		expect(result.stdout).toBe(`${pkg.version}\n`);
	});

	test('client --help prints the client usage', () => {
		const result = run(['client', '--help']);
		expect(result.status).toBe(0);
		expect(result.stdout).toMatch(/^Usage: flashq-demo client/);
	});

	test('--once prints one frame of the app', () => {
		const result = run(['--once']);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('Topics');
		expect(result.stdout).toContain('storage memory');
	});

	test('the library export loads its named exports', () => {
		// dist/index.js keeps its dependencies external (a library's user installs them); what it
		// needs from them at load time must not include the CLI-only packages.
		const index = readFileSync(path.join(unpacked, 'dist/index.js'), 'utf8');
		for (const cliOnly of ['ink', 'react', 'meow', 'prom-client']) expect(index).not.toMatch(new RegExp(`from ["']${cliOnly}["']`));
		expect(existsSync(path.join(unpacked, 'dist/index.d.ts'))).toBe(true);
	});

	test('ships a LICENSE, no source maps, and every file the README links to', () => {
		expect(files).toContain('LICENSE');
		expect(readFileSync(path.join(unpacked, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
		expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
		// Only what the bin and the export load, their types, and the documents.
		expect(files.filter((f) => f.startsWith('dist/') && f.endsWith('.js') && !/^dist\/(cli|index)\.js$|^dist\/chunks\//.test(f))).toEqual([]);
		const readme = readFileSync(path.join(unpacked, 'README.md'), 'utf8');
		const links = [...readme.matchAll(/\]\(((?:screenshots|docs)\/[^)#\s]+)\)/g)].map((m) => m[1]!);
		expect(links.length).toBeGreaterThan(0);
		const missing = links.filter((link) => !existsSync(path.join(unpacked, link)));
		expect(missing).toEqual([]);
		expect(readdirSync(path.join(unpacked, 'screenshots')).length).toBeGreaterThan(0);
	});

	test("the README the registry shows links every screenshot and document to this version's files (npm serves none itself)", () => {
		expect(pkg.scripts['prepack']).toBe('node scripts/registry-readme.mjs apply');
		expect(pkg.scripts['postpack']).toBe('node scripts/registry-readme.mjs restore');
		// --ignore-scripts above: the tarball holds the repository's README; rewrite it as prepack does.
		const shown = (registryReadme as (text: string, name: string, version: string) => string)(readFileSync(path.join(unpacked, 'README.md'), 'utf8'), pkg.name, pkg.version);
		expect(shown).not.toMatch(/\]\((?:screenshots|docs)\//);
		const base = `https://cdn.jsdelivr.net/npm/${pkg.name}@${pkg.version}/`;
		const links = [...shown.matchAll(/\]\((https:\/\/cdn\.jsdelivr\.net\/[^)#\s]+)\)/g)].map((m) => m[1]!);
		expect(links.length).toBeGreaterThan(5);
		expect(links.filter((link) => !link.startsWith(base) || !files.includes(link.slice(base.length)))).toEqual([]);
	});

	test('prepack and postpack leave the repository README as it was, also after a pack that died before postpack', () => {
		const copy = mkdtempSync(path.join(tmpdir(), 'flashq-readme-'));
		try {
			copyFileSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
			writeFileSync(path.join(copy, 'README.md'), '![a](screenshots/a.svg) [b](docs/b.md) [c](https://example.com/x)\n');
			const original = readFileSync(path.join(copy, 'README.md'), 'utf8');
			(apply as (root: string) => void)(copy);
			const packed = readFileSync(path.join(copy, 'README.md'), 'utf8');
			expect(packed).toBe(`![a](https://cdn.jsdelivr.net/npm/${pkg.name}@${pkg.version}/screenshots/a.svg) [b](https://cdn.jsdelivr.net/npm/${pkg.name}@${pkg.version}/docs/b.md) [c](https://example.com/x)\n`);
			(apply as (root: string) => void)(copy);
			expect(readFileSync(path.join(copy, 'README.md'), 'utf8')).toBe(packed);
			(restore as (root: string) => void)(copy);
			expect(readFileSync(path.join(copy, 'README.md'), 'utf8')).toBe(original);
			expect(readdirSync(copy).sort()).toEqual(['README.md', 'package.json']);
		} finally {
			rmSync(copy, {recursive: true, force: true});
		}
	});
});
