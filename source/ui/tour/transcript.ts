import type {Lesson} from './lesson.js';
import {TourRunner} from './runner.js';

export interface TranscriptOptions {
	seed?: number;
	storage?: 'file' | 'memory';
	dataDir?: string;
}

/**
 * Plays lessons headlessly and writes what the panel would show, step by step, as plain text:
 * a handout for a class, a teacher's rehearsal, or `--tour --once`. Timings vary between runs;
 * every other number repeats for the same seed.
 */
export async function tourTranscript(lessons: readonly Lesson[], options: TranscriptOptions = {}, only?: readonly number[]): Promise<string> {
	const tourOptions: ConstructorParameters<typeof TourRunner>[0] = {lessons, seed: options.seed ?? 1};
	if (options.storage) tourOptions.storage = options.storage;
	if (options.dataDir) tourOptions.dataDir = options.dataDir;
	const runner = new TourRunner(tourOptions);
	const out: string[] = [];
	try {
		for (const index of only ?? lessons.map((_, i) => i)) {
			const lesson = lessons[index]!;
			out.push(`Lesson ${index + 1}/${lessons.length}: ${lesson.title}`, `  ${lesson.summary}`, '');
			const {after} = await runner.playLesson(index);
			lesson.steps.forEach((step, i) => {
				out.push(`  Step ${i + 1}/${lesson.steps.length}: ${step.title}  [watch ${step.highlight.join(', ')}]`, `    ${step.before}`);
				if (step.question) {
					out.push(`    Predict: ${step.question.prompt}`);
					for (const choice of step.question.choices) out.push(`      [${choice.key}] ${choice.label}${choice.key === step.question.answer ? '  <- answer' : ''}`);
				}
				out.push(`    => ${after[i]}`, '');
			});
		}
	} finally {
		await runner.dispose();
	}
	return out.join('\n');
}
