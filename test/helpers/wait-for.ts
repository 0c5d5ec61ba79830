/**
 * Waiting for something to happen without guessing how long it takes: a fixed sleep is too short
 * on a loaded machine and wasted time on an idle one.
 */

/** Polls `check` every `intervalMs` until it returns (or resolves to) a truthy value; throws naming `what` after `timeoutMs`. */
export async function waitFor(check: () => unknown, timeoutMs = 10_000, what = 'condition', intervalMs = 10): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}
