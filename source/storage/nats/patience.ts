/** Waiting out a NATS cluster that is starting or electing, for the steps that cannot simply fail. */

/**
 * Errors of a cluster in the middle of an election, a start or a reconnect (no meta or stream
 * leader yet, no connection), as the client words them: worth trying again.
 */
export const TRANSIENT = /timeout|no responders|not enabled|503|temporarily unavailable|not available|leader|disconnect|connection/i;
/** How long opening waits for a starting cluster (the read give-up, when one is set). */
export const OPEN_PATIENCE_MS = 15_000;

/**
 * Runs `step` again while it fails as a starting cluster does, for up to `patienceMs`: FlashQ
 * started together with (or right after a restart of) its cluster opens once the cluster has
 * elected its leaders, instead of failing on the first "no responders".
 */
export async function whileStarting<T>(step: () => Promise<T>, patienceMs: number): Promise<T> {
	const started = Date.now();
	for (let round = 0; ; round++) {
		try {
			return await step();
		} catch (error) {
			// Only the client's own errors (TimeoutError, JetStreamApiError, ...): a refusal of ours, such as
			// a lease held by another FlashQ, is a plain Error and final, whatever words its message holds.
			const fromClient = error instanceof Error && error.name !== 'Error';
			if (!fromClient || !TRANSIENT.test(error.message) || Date.now() - started > patienceMs) throw error;
			await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * 2 ** round)));
		}
	}
}
