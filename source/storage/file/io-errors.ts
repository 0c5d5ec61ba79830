/**
 * Storage errors that name their file and say what to do. Node's errors for operations on an open
 * file (write, read, fsync) name no file ("ENOSPC: no space left on device, write"), so the file
 * layer adds it, keeping the error's code.
 */
export function withFile(error: unknown, file: string): Error {
	if (!(error instanceof Error)) return new Error(`${String(error)} '${file}'`);
	if (error.message.includes(file)) return error;
	const named: NodeJS.ErrnoException = new Error(`${error.message} '${file}'`, {cause: error});
	const {code} = error as NodeJS.ErrnoException;
	if (code !== undefined) named.code = code;
	return named;
}

/** The errno code of an error or of any error in its cause chain. */
export function errorCode(error: unknown): string | undefined {
	for (let e = error; e instanceof Error; e = e.cause) {
		const {code} = e as NodeJS.ErrnoException;
		if (typeof code === 'string') return code;
	}
	return undefined;
}

const ADVICE: Record<string, string> = {
	ENOSPC: 'free space on the disk, then restart: the queue reopens where it stopped',
	EDQUOT: 'the disk quota is used up: free space or raise the quota, then restart',
	EFBIG: 'the file-size limit (ulimit -f) was reached: raise it, then restart',
	EMFILE: 'too many open files (each active topic holds 3): raise the open-file limit (ulimit -n) or lower --max-topics',
	ENFILE: 'the system ran out of file handles: close other programs or raise fs.file-max',
	EACCES: 'check the permissions of the data directory and its files',
	EPERM: 'check the permissions of the data directory and its files',
	EROFS: 'the file system is read-only: choose another --data-dir',
	EISDIR: 'a directory stands where FlashQ keeps a file: move it away',
	ENOTDIR: 'a file stands where FlashQ keeps a directory: move it away',
	EIO: 'the disk reported an I/O error: check it (dmesg), then restart',
};

/** What a user can do about a storage error, as a clause ('' when there is nothing to say). */
export function advice(error: unknown): string {
	const code = errorCode(error);
	return code === undefined ? '' : (ADVICE[code] ?? '');
}

/** `what: message; advice` when there is advice for the error, else the error itself. */
export function explain(error: unknown, what: string): Error {
	const hint = advice(error);
	const message = error instanceof Error ? error.message : String(error);
	if (!hint) return error instanceof Error ? error : new Error(message);
	return new Error(`${what}: ${message}; ${hint}`, {cause: error});
}
