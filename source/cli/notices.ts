import type {FlashQ} from '../engine/flashq.js';
import type {StorageNotice} from '../core/stats.js';

/** One stderr line per storage notice: what happened, then where (file, byte) and what it cost. */
export function formatNotice(notice: StorageNotice): string {
	const details = [
		notice.topic === undefined ? null : `topic '${notice.topic}'`,
		notice.file === undefined ? null : `file ${notice.file}`,
		notice.position === undefined ? null : `byte ${notice.position}`,
		notice.recordsDropped === undefined ? null : `${notice.recordsDropped} records dropped`,
		notice.bytesDropped === undefined ? null : `${notice.bytesDropped} bytes dropped`,
		notice.copy === undefined ? null : `copy kept at ${notice.copy}`,
	].filter((d) => d !== null);
	const what = notice.kind === 'lock' ? 'lock' : 'recovery';
	return `flashq-demo: ${what} ${notice.level}: ${notice.message.replace(/\s*\n\s*/g, ' ')}${details.length > 0 ? ` [${details.join(', ')}]` : ''}`;
}

/**
 * Prints every notice storage has so far (recovery at open, a lock takeover), then each later one
 * (a lost lock) within `intervalMs`. It polls the notice list rather than subscribing to events (a
 * listener would make the engine build an event for every append of a headless server), and reads
 * only that list, not every topic's stats. Returns the function that stops watching.
 */
export function reportStorageNotices(queue: FlashQ, print: (line: string) => void, intervalMs = 500): () => void {
	let printed = 0;
	const flush = (): void => {
		const notices = queue.storageNotices();
		for (; printed < notices.length; printed++) print(formatNotice(notices[printed]!));
	};
	flush();
	const timer = setInterval(flush, intervalMs);
	timer.unref();
	return () => clearInterval(timer);
}
