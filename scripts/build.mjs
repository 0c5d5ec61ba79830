#!/usr/bin/env node
/**
 * `npm run build`: dist/ as published.
 *
 *   - dist/cli.js (+ dist/chunks/): the CLI bundled by esbuild. Resolving Ink's and React's
 *     hundreds of small modules one by one was most of the CLI's start time; a bundle is a few
 *     files, and code splitting keeps each dynamic import (the TUI, the server, the client) in its
 *     own chunk so `--help` does not load React.
 *   - dist/index.js: the library export, bundled with every package left external (a library's
 *     dependencies are the user's to install and dedupe).
 *   - dist/**\/*.d.ts: tsc, declarations only (tsconfig.build.json), for the library's types.
 *
 * No source maps: a map is only useful with the sources it points at, and those are not shipped.
 *
 * Exit status: tsc's (2 when it reported type errors but still wrote every file; the bundles are
 * built anyway, as tsc's emit used to be, so the tests can run).
 */
import {spawnSync} from 'node:child_process';
import process from 'node:process';
import {readFileSync, readdirSync, rmSync, statSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Kept out of the CLI bundle: a native addon (its prebuilt binary is picked per platform at
 * install) and the NATS client (only `--storage nats` loads it; it stays the package it is). */
const CLI_EXTERNAL = ['@node-rs/crc32', '@nats-io/*', 'react-devtools-core'];

/** Earlier builds' JavaScript and maps (tsc's per-module emit, old chunk names): the tarball must not
 * carry files nothing loads. Declarations stay for tsc's incremental state. */
function clean(dir) {
	let entries;
	try {
		entries = readdirSync(dir);
	} catch {
		return;
	}
	for (const entry of entries) {
		const file = path.join(dir, entry);
		if (statSync(file).isDirectory()) clean(file);
		else if (/\.(m?js|js\.map|d\.ts\.map)$/.test(entry)) rmSync(file);
	}
}

/**
 * Source files read package.json beside themselves (`new URL('../package.json', import.meta.url)`);
 * in a bundle the file's place is the chunk's, not the source's, so the contents are put in at
 * build time instead: the same package.json that is shipped.
 */
const inlinePackageJson = {
	name: 'inline-package-json',
	setup(b) {
		const pattern = /readFileSync\(new URL\('(?:\.\.\/)+package\.json', import\.meta\.url\), 'utf8'\)/g;
		const literal = JSON.stringify(JSON.stringify({name: pkg.name, version: pkg.version}));
		b.onLoad({filter: /[/\\]source[/\\].*\.tsx?$/}, (args) => {
			const text = readFileSync(args.path, 'utf8');
			const contents = text.replace(pattern, literal);
			return contents === text ? undefined : {contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts'};
		});
	},
};

const common = {
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	logLevel: 'warning',
	legalComments: 'none',
	plugins: [inlinePackageJson],
};

function tsc() {
	const args = [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', ...process.argv.slice(2)];
	const result = spawnSync(process.execPath, args, {cwd: root, stdio: 'inherit'});
	if (result.error) throw result.error;
	return result.status ?? 1;
}

clean(dist);
const status = tsc();
if (status !== 0 && status !== 2) process.exit(status);
await Promise.all([
	build({
		...common,
		entryPoints: {cli: path.join(root, 'source/cli.ts')},
		outdir: dist,
		splitting: true,
		chunkNames: 'chunks/[name]-[hash]',
		external: CLI_EXTERNAL,
		// The app always runs React's production build (run-tui.ts sets NODE_ENV before importing it):
		// fixing it here drops the development build from the bundle, ~40 % of the TUI chunk to parse.
		define: {'process.env.NODE_ENV': '"production"'},
		// React and others are CommonJS: their `require('node:...')` needs a real require in ESM.
		banner: {js: "import {createRequire as __flashqCreateRequire} from 'node:module';\nconst require = __flashqCreateRequire(import.meta.url);"},
	}),
	build({
		...common,
		entryPoints: {index: path.join(root, 'source/index.ts')},
		outdir: dist,
		packages: 'external',
	}),
]);
process.exitCode = status;
