#!/usr/bin/env node
/**
 * The README as the npm registry shows it. npmjs.com renders the README of the tarball but serves
 * none of the tarball's files, and resolves relative links only through a `repository` field
 * (which this package has not): relative links to screenshots/ and docs/ would be broken images
 * and dead links there. So `npm pack` / `npm publish` ship a README whose links point at the same
 * files inside this very version of the package on jsDelivr's npm mirror; the README in the
 * repository keeps its relative links.
 *
 *   node scripts/registry-readme.mjs apply     (prepack: rewrite README.md, keep the original aside)
 *   node scripts/registry-readme.mjs restore   (postpack: put the original back)
 */
import {existsSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ASIDE = '.README.repository.md';

/** Links and images to shipped files (screenshots/, docs/) made absolute, to this version on jsDelivr. */
export function registryReadme(text, name, version) {
	const base = `https://cdn.jsdelivr.net/npm/${name}@${version}/`;
	return text.replace(/\]\(((?:screenshots|docs)\/[^)\s]+)\)/g, (_, link) => `](${base}${link})`);
}

/** Puts the repository's README back (no-op when it is in place). */
export function restore(root = ROOT) {
	if (existsSync(path.join(root, ASIDE))) renameSync(path.join(root, ASIDE), path.join(root, 'README.md'));
}

/** Writes the registry's README over README.md, the original aside. */
export function apply(root = ROOT) {
	// A pack that failed before its postpack left the original aside: start from it.
	restore(root);
	const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	const original = readFileSync(path.join(root, 'README.md'), 'utf8');
	writeFileSync(path.join(root, ASIDE), original);
	writeFileSync(path.join(root, 'README.md'), registryReadme(original, pkg.name, pkg.version));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const command = process.argv[2];
	if (command === 'apply') {
		apply();
	} else if (command === 'restore') {
		restore();
	} else {
		process.stderr.write('usage: node scripts/registry-readme.mjs apply|restore\n');
		process.exitCode = 2;
	}
}
