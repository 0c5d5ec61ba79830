import {once, type EventEmitter} from 'node:events';
import type {Output} from './command.js';

/** stdout went away (`client export t | head`): the command stops quietly, as `cat` would. */
export class OutputClosed extends Error {
	override name = 'OutputClosed';
}

export interface Writer {
	/** Resolves when the stream can take more (backpressure), so memory stays bounded. */
	write(chunk: string): Promise<void>;
	dispose(): void;
}

const isEmitter = (output: Output): output is Output & EventEmitter =>
	typeof (output as Partial<EventEmitter>).once === 'function' && typeof (output as Partial<EventEmitter>).on === 'function';

/** A writer over stdout that waits for 'drain' and turns EPIPE into OutputClosed. */
export function writer(output: Output): Writer {
	let failure: Error | undefined;
	const onError = (error: Error): void => {
		failure ??= error;
	};
	if (isEmitter(output)) output.on('error', onError);
	const check = (): void => {
		if (failure === undefined) return;
		if ((failure as NodeJS.ErrnoException).code === 'EPIPE') throw new OutputClosed('stdout closed');
		throw failure;
	};
	return {
		async write(chunk) {
			check();
			const accepted = output.write(chunk);
			if (accepted === false && isEmitter(output)) {
				try {
					await once(output, 'drain');
				} catch (error) {
					onError(error as Error);
				}
			}
			check();
		},
		dispose() {
			if (isEmitter(output)) output.off('error', onError);
		},
	};
}

/** "exported 120000 / 500000 records" rewritten in place on a terminal; nothing when stderr is piped. */
export function progressLine(stderr: Output): {update(text: string): void; done(): void} {
	const enabled = stderr.isTTY === true;
	let shown = false;
	return {
		update(text) {
			if (!enabled) return;
			// \r then erase to the end of line: the new text may be shorter than the old one.
			stderr.write(`\r${text}\u001b[K`);
			shown = true;
		},
		done() {
			if (shown) stderr.write('\n');
			shown = false;
		},
	};
}
