import type {FlashQ} from '../engine/flashq.js';
import type {ServerHandle} from '../server/types.js';

export interface TuiOptions {
	queue: FlashQ;
	server: ServerHandle | null;
	/** Print one frame of the current state to stdout and exit. */
	once?: boolean;
}

/** Placeholder until the terminal UI lands (issue 5). Resolves to the exit code. */
export async function runTui(options: TuiOptions): Promise<number> {
	const topics = options.queue.topics();
	process.stdout.write(`FlashQ (${options.queue.stats().storage.kind} storage): ${topics.length} topics\n`);
	return 0;
}
