import type {ErrorDetails} from '../engine/errors.js';

/**
 * An error raised by the HTTP layer itself, before any engine call (the reference's §2.4 errors),
 * answered with the same `{error, message, details}` body as the engine's errors.
 */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details?: ErrorDetails,
		/** Extra response headers (`Allow` on 405). */
		readonly headers?: Record<string, string>,
	) {
		super(message);
		this.name = 'HttpError';
	}

	toJSON(): {error: string; message: string; details?: ErrorDetails} {
		return this.details === undefined
			? {error: this.code, message: this.message}
			: {error: this.code, message: this.message, details: this.details};
	}
}

export const invalidParameter = (parameter: string, message: string, value?: unknown): HttpError =>
	new HttpError(400, 'invalid_parameter', message, value === undefined ? {parameter} : {parameter, value});

export const schemaError = (message: string, field: string): HttpError =>
	new HttpError(422, 'record_validation_error', message, {field});
