import {readFile} from 'node:fs/promises';
import {describe, expect, it} from 'vitest';
import {DOC_PATH, DOC_SEED, fillSections, lessonSections} from '../../scripts/teaching-doc.js';

describe('docs/teaching.md', () => {
	it('recommends the seed whose transcript its lesson sections are generated from', async () => {
		const doc = await readFile(DOC_PATH, 'utf8');
		expect(doc).toContain(`--tour --seed ${DOC_SEED}`);
		expect(doc).not.toMatch(/figures are the ones seed\s+(?!7\b)\d+\s+produces/);
	});

	it('quotes exactly the figures the tour transcript gives for that seed (run `npm run docs:teaching` after changing a lesson)', async () => {
		const doc = await readFile(DOC_PATH, 'utf8');
		const sections = await lessonSections(DOC_SEED);
		expect(sections.size).toBe(8);
		expect(fillSections(doc, sections)).toBe(doc);
	}, 60_000);
});
