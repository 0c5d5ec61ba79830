/**
 * Fills the lesson sections of docs/teaching.md from the tour's transcript (`--tour --once`) with
 * the seed the guide recommends, so the guide's figures cannot drift from what the tour shows.
 * Each lesson's section sits between `<!-- tour:lesson N -->` and `<!-- /tour:lesson N -->`;
 * everything outside the markers is hand-written and kept. Timings vary from run to run, so they
 * are written as "(measured)". `npm run docs:teaching` rewrites the file; the test compares.
 */
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import type {Lesson} from '../source/ui/tour/lesson.js';
import {LESSONS} from '../source/ui/tour/lessons/index.js';
import {playLessons} from '../source/ui/tour/transcript.js';

/** The seed docs/teaching.md recommends (`--tour --seed 7`) and quotes. */
export const DOC_SEED = 7;

export const DOC_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'teaching.md');

const where = (lesson: Lesson): string => (lesson.storage === 'any' ? 'memory or file' : lesson.faults ? 'file, on the fault-injection layer' : 'file');

/** A timing as the lessons print it ("146 µs", "2.31 ms"): not a figure that repeats. */
const withoutTimings = (text: string): string => text.replace(/\b\d+(?:\.\d+)? (?:µs|ms)\b/g, '(measured)');

/** The generated Markdown of every lesson, by lesson number (1-based). */
export async function lessonSections(seed = DOC_SEED): Promise<Map<number, string>> {
	const sections = new Map<number, string>();
	for (const {index, lesson, steps} of await playLessons(LESSONS, {seed})) {
		const lines = [`### ${index + 1}. ${lesson.title} (${where(lesson)})`, lesson.summary, ''];
		steps.forEach(({step, after}, i) => {
			lines.push(`${i + 1}. **${step.title}** (watch ${step.highlight.join(', ')}). ${step.before}`);
			if (step.question) {
				const answer = step.question.choices.find((c) => c.key === step.question!.answer)!;
				lines.push(`   *Predict:* ${step.question.prompt} **${answer.label}**`);
			}
			lines.push(`   → ${withoutTimings(after)}`);
		});
		sections.set(index + 1, lines.join('\n'));
	}
	return sections;
}

/** `doc` with each marked lesson section replaced by its generated text. */
export function fillSections(doc: string, sections: ReadonlyMap<number, string>): string {
	let out = doc;
	for (const [n, text] of sections) {
		const open = `<!-- tour:lesson ${n} -->`;
		const close = `<!-- /tour:lesson ${n} -->`;
		const start = out.indexOf(open);
		const end = out.indexOf(close);
		if (start < 0 || end < start) throw new Error(`docs/teaching.md has no section for lesson ${n} (${open} ... ${close})`);
		out = `${out.slice(0, start + open.length)}\n${text}\n${out.slice(end)}`;
	}
	return out;
}

async function main(): Promise<void> {
	const doc = await readFile(DOC_PATH, 'utf8');
	await writeFile(DOC_PATH, fillSections(doc, await lessonSections()));
	process.stdout.write(`docs/teaching.md: lessons filled from the seed ${DOC_SEED} transcript\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
