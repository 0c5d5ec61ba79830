import {RecordRefused} from '../core/records.js';

/** Error codes of the reference (section 2.3 and 2.4). Clients switch on these, never on messages. */
export type ErrorCode =
	| 'invalid_parameter'
	| 'validation_error'
	| 'invalid_offset'
	| 'topic_not_found'
	| 'group_not_found'
	| 'conflict'
	| 'record_validation_error'
	/** Not in the reference: a post to a new topic past the configured topic limit (`--max-topics`). */
	| 'topic_limit_reached'
	| 'internal_error';

const STATUS: Record<ErrorCode, number> = {
	invalid_parameter: 400,
	validation_error: 400,
	invalid_offset: 400,
	topic_not_found: 404,
	group_not_found: 404,
	conflict: 409,
	record_validation_error: 422,
	// 409: the request conflicts with the server's state (it holds its maximum of topics); retrying
	// does not help (unlike 429), and nothing failed on the server (unlike 5xx).
	topic_limit_reached: 409,
	internal_error: 500,
};

export type ErrorDetails = Record<string, unknown>;

/** The one error type the engine throws for anything a caller did or storage failed at. */
export class FlashQError extends Error {
	readonly code: ErrorCode;
	readonly details: ErrorDetails | undefined;

	constructor(code: ErrorCode, message: string, details?: ErrorDetails, options?: {cause?: unknown}) {
		super(message, options);
		this.name = 'FlashQError';
		this.code = code;
		this.details = details;
	}

	/** The HTTP status the reference maps this code to. */
	get status(): number {
		return STATUS[this.code];
	}

	toJSON(): {error: ErrorCode; message: string; details?: ErrorDetails} {
		return this.details === undefined
			? {error: this.code, message: this.message}
			: {error: this.code, message: this.message, details: this.details};
	}
}

export const isFlashQError = (error: unknown): error is FlashQError => error instanceof FlashQError;

/** Wraps a storage failure as `internal_error` (message starts with "Storage error:", as the reference says). */
export const storageError = (error: unknown): FlashQError => {
	if (isFlashQError(error)) return error;
	if (error instanceof RecordRefused) return new FlashQError('validation_error', error.message, error.details);
	const message = error instanceof Error ? error.message : String(error);
	return new FlashQError('internal_error', `Storage error: ${message}`, undefined, {cause: error});
};

/** How much of a client's input an error message or `details` quotes. */
export const QUOTE_LIMIT = 64;

/**
 * `text` cut to its first QUOTE_LIMIT characters (marked with "…"): errors quote what the client
 * sent, and an unbounded echo would let one request make the answer (and the logs) as big as itself.
 */
export const clip = (text: string, limit = QUOTE_LIMIT): string =>
	text.length <= limit ? text : `${text.slice(0, limit)}…`;
