/** Bad command line: the message names the flag or argument; the caller prints usage and exits 2. */
export class UsageError extends Error {
	constructor(
		message: string,
		/** Help text of the command the user was typing, printed after the message. */
		readonly usage: string,
	) {
		super(message);
		this.name = 'UsageError';
	}
}

/** The command ran but failed (server error, connection, unreadable input): exit 1. */
export class CommandFailure extends Error {
	constructor(
		message: string,
		/** The server's body when it was JSON, so `--json` can still hand it to scripts. */
		readonly jsonBody?: string,
	) {
		super(message);
		this.name = 'CommandFailure';
	}
}
