import {hostname} from 'node:os';
import type {Lesson} from '../lesson.js';
import {pane, withoutDir} from './helpers.js';

/** What lesson 8 records. */
type LockFacts = {
	locked: boolean;
	secondRefused: boolean;
	mentionsLocked: boolean;
	mentionsDir: boolean;
	refusalCode: string | null;
	refusal: string | null;
	firstStillWorks: boolean;
	secondOpened: boolean;
	secondSees: string[];
};

/** Lesson 8: one data directory, one writer. */
export const lockLesson: Lesson<LockFacts> = {
	id: 'lock',
	title: 'The directory lock',
	summary: 'A running FlashQ holds a lock on its data directory; a second instance is refused at once with a message naming the directory, and may open it after the first closes.',
	storage: 'file',
	steps: [
		{
			title: 'The lock is taken at open',
			before:
				'FlashQ opened this lesson\'s data directory and took its lock (a ".flashq.lock" file naming its pid, host and process start time), then a first record is posted to \'orders\'. Watch the header: storage, dir, lock.',
			highlight: ['Topics', 'Events'],
			topic: 'orders',
			async run(ctx) {
				await ctx.engine.post('orders', [{key: 'k', value: 'first'}]);
				ctx.fact('locked', ctx.engine.stats().storage.locked);
			},
			after: (f) => `The header says "lock ${f.locked ? 'held' : 'not held'}": this instance owns the directory. Two writers on one log would hand out the same offsets twice and interleave their frames.`,
			cites: (f) => [{pane: 'Header', text: `lock ${f.locked ? 'held' : 'not held'}`}],
		},
		{
			title: 'A second instance is refused',
			before: "A second FlashQ tries to open the same directory while the first is running; then the first posts another record to 'orders'. Watch Topics.",
			highlight: ['Topics'],
			topic: 'orders',
			question: {
				prompt: 'What happens?',
				choices: [
					{key: '1', label: 'Both run and share the files'},
					{key: '2', label: 'The second is refused at once'},
					{key: '3', label: 'The second waits until the first exits'},
				],
				answer: '2',
			},
			async run(ctx) {
				const started = Date.now();
				try {
					await ctx.openOther({storage: 'file', dataDir: ctx.dataDir!});
					ctx.fact('secondRefused', false);
				} catch (error) {
					const message = (error as Error).message;
					ctx.fact('secondRefused', true);
					ctx.fact('mentionsLocked', message.includes('locked'));
					ctx.fact('mentionsDir', message.includes(ctx.dataDir!));
					ctx.fact('refusalCode', (error as {code?: string}).code ?? null);
					// The pid and host are this process's and machine's: named, so the text repeats between runs.
					ctx.fact('refusal', withoutDir(message, ctx.dataDir)!.replaceAll(String(process.pid), '<this pid>').replaceAll(` on ${hostname()}:`, ' on <this host>:'));
				}
				ctx.measure('refusalMs', Date.now() - started);
				ctx.fact('firstStillWorks', (await ctx.engine.post('orders', [{value: 'second'}]))[0]!.offset === 1);
			},
			after: (f) =>
				`The second was refused at once, with an error naming the directory and its owner: "${f.refusal}". The refusal happened inside the second instance, so this engine's panes and Events have nothing to show for it: the first carries on undisturbed, and Topics shows its new record (orders at 2).`,
			cites: () => [pane.topic('orders', 2, 2)],
		},
		{
			title: 'Released on close',
			before: 'The first instance closes cleanly, which releases the lock; now the second may open the directory, and finds the records.',
			highlight: ['Topics', 'Events'],
			topic: 'orders',
			async run(ctx) {
				await ctx.close();
				const second = await ctx.openOther({storage: 'file', dataDir: ctx.dataDir!});
				ctx.fact('secondOpened', second.stats().storage.locked);
				ctx.fact('secondSees', second.topics().map((t) => `${t.name}:${t.highWaterMark}`));
				await second.close();
				await ctx.reopen();
			},
			after: (f) =>
				`The second instance opened and saw ${f.secondSees.join(', ').replaceAll(':', ' at ')}, as Topics shows now that the first is back. A lock left by a killed process is taken over at once by the next opener (its pid is gone), never while its owner is alive, even a stopped one.`,
			cites: () => [pane.topic('orders', 2, 2)],
		},
	],
};
