import path from 'node:path';
import lockfile from 'proper-lockfile';

/** The lock lives inside the data directory, so it moves and is deleted with it. */
export const LOCK_NAME = '.flashq.lock';

/**
 * Takes the data directory's lock with proper-lockfile (a lock directory whose mtime the holder
 * refreshes). A live holder refreshes it every staleMs/3, so a second opener fails at once; a
 * killed holder stops refreshing and its lock is taken over once older than staleMs. Unlike the
 * original's PID file, this needs no PID checks, so PID reuse and PID namespaces cannot fool it.
 */
export async function acquireDirectoryLock(
	dir: string,
	staleMs: number,
	onCompromised: (error: Error) => void,
): Promise<() => Promise<void>> {
	const stale = Math.max(2000, staleMs);
	try {
		return await lockfile.lock(dir, {
			lockfilePath: path.join(dir, LOCK_NAME),
			realpath: false,
			retries: 0,
			stale,
			update: Math.max(1000, Math.floor(stale / 3)),
			onCompromised,
		});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
			throw new Error(
				`data directory ${dir} is locked by another FlashQ process (lock ${path.join(dir, LOCK_NAME)}; a lock left by a killed process is taken over after ${stale} ms)`,
				{cause: error},
			);
		}
		throw error;
	}
}
