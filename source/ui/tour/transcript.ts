import type {Lesson, Step} from './lesson.js';
import {TourRunner} from './runner.js';

export interface TranscriptOptions {
	seed?: number;
	storage?: 'file' | 'memory';
	dataDir?: string;
}

/** One lesson as played: its steps and the explanation each produced. */
export interface PlayedLesson {
	/** 0-based position in the tour. */
	index: number;
	lesson: Lesson;
	steps: {step: Step; after: string}[];
}

/**
 * Plays lessons headlessly (the tests' and `--once`'s pace: no pauses) and returns what each step
 * explained: the one source of the transcript and of the figures in docs/teaching.md.
 */
export async function playLessons(lessons: readonly Lesson[], options: TranscriptOptions = {}, only?: readonly number[]): Promise<PlayedLesson[]> {
	const tourOptions: ConstructorParameters<typeof TourRunner>[0] = {lessons, seed: options.seed ?? 1};
	if (options.storage) tourOptions.storage = options.storage;
	if (options.dataDir) tourOptions.dataDir = options.dataDir;
	const runner = new TourRunner(tourOptions);
	const played: PlayedLesson[] = [];
	try {
		for (const index of only ?? lessons.map((_, i) => i)) {
			const lesson = lessons[index]!;
			const {after} = await runner.playLesson(index);
			played.push({index, lesson, steps: lesson.steps.map((step, i) => ({step, after: after[i] ?? ''}))});
		}
	} finally {
		await runner.dispose();
	}
	return played;
}

/**
 * Plays lessons headlessly and writes what the panel would show, step by step, as plain text:
 * a handout for a class, a teacher's rehearsal, or `--tour --once`. Timings vary between runs;
 * every other number repeats for the same seed.
 */
export async function tourTranscript(lessons: readonly Lesson[], options: TranscriptOptions = {}, only?: readonly number[]): Promise<string> {
	const out: string[] = [];
	for (const {index, lesson, steps} of await playLessons(lessons, options, only)) {
		out.push(`Lesson ${index + 1}/${lessons.length}: ${lesson.title}`, `  ${lesson.summary}`, '');
		steps.forEach(({step, after}, i) => {
			out.push(`  Step ${i + 1}/${lesson.steps.length}: ${step.title}  [watch ${step.highlight.join(', ')}]`, `    ${step.before}`);
			if (step.question) {
				out.push(`    Predict: ${step.question.prompt}`);
				for (const choice of step.question.choices) out.push(`      [${choice.key}] ${choice.label}${choice.key === step.question.answer ? '  <- answer' : ''}`);
			}
			out.push(`    => ${after}`, '');
		});
	}
	return out.join('\n');
}
