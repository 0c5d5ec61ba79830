import type {FlashQ} from '../engine/flashq.js';
import type {ServerHandle} from '../server/types.js';

/**
 * Graceful shutdown on SIGINT/SIGTERM: stop accepting, finish in-flight requests, close the queue
 * (flush, release the lock), exit 0. A second signal exits at once.
 * Returns a function that removes the handlers (for the TUI path, which ends on its own).
 */
export function onShutdownSignals(queue: FlashQ, server: ServerHandle | null, log: (line: string) => void): () => void {
	let stopping = false;
	const handler = (signal: NodeJS.Signals): void => {
		if (stopping) {
			log(`flashq-demo: ${signal} again, exiting now`);
			process.exit(signal === 'SIGINT' ? 130 : 143);
		}
		stopping = true;
		log(`flashq-demo: ${signal}, shutting down (send it again to exit at once)`);
		void (async () => {
			let code = 0;
			try {
				await server?.close();
			} catch (error) {
				log(`flashq-demo: closing the server failed: ${(error as Error).message}`);
				code = 1;
			}
			try {
				await queue.close();
			} catch (error) {
				log(`flashq-demo: closing storage failed: ${(error as Error).message}`);
				code = 1;
			}
			process.exit(code);
		})();
	};
	process.on('SIGINT', handler);
	process.on('SIGTERM', handler);
	return () => {
		process.off('SIGINT', handler);
		process.off('SIGTERM', handler);
	};
}
