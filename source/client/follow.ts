import {setTimeout as sleep} from 'node:timers/promises';
import type {RunContext} from './command.js';
import {CommandFailure} from './errors.js';
import {callApi, ConnectionFailure, type QueryValue} from './http.js';
import {stopRequested} from './live-commands.js';
import {OutputClosed, writer} from './output.js';
import {recordPage, ShapeError, type WireRecord} from './shape.js';

/** The API has no server-side wait (GET /topics/{t}/records takes no timeout), so an empty poll sleeps this long. */
export const EMPTY_POLL_MS = 250;
const RETRY_MS = 1000;

export interface FollowOptions {
	topic: string;
	/** Follow as this group (GET /consumer/G/topics/T), else a plain poll. */
	group?: string;
	/** Where to start; for a group, absent means its committed offset. */
	from: number | undefined;
	query: Record<string, QueryValue>;
	/** Commit after printing each page (groups only). */
	commit: boolean;
	/** A record as text, line end included. */
	render(record: WireRecord): string;
}

const errorCode = (error: CommandFailure): string | undefined => {
	try {
		return error.jsonBody === undefined ? undefined : (JSON.parse(error.jsonBody) as {error?: string}).error;
	} catch {
		return undefined;
	}
};

/**
 * Prints records as they arrive until Ctrl+C (exit 0), like `kcat -C` without `-e`. A server
 * that goes away is retried with one line on stderr; so is a topic that does not exist yet.
 */
export async function follow(context: RunContext, options: FollowOptions): Promise<void> {
	const {topic, group} = options;
	const origin = context.api.baseUrl.origin;
	const operation = group === undefined ? 'poll records' : 'fetch records';
	const path = group === undefined ? ['topics', topic, 'records'] : ['consumer', group, 'topics', topic];
	const {stopped, dispose} = stopRequested(context.signal);
	const abort = new AbortController();
	void stopped.then(() => abort.abort());
	const out = writer(context.io.stdout);
	const pause = async (ms: number): Promise<void> => {
		try {
			await sleep(ms, undefined, {signal: abort.signal});
		} catch {
			// Aborted: the loop sees it.
		}
	};
	let position = options.from;
	/** Printed but not yet committed (a commit that failed for the connection is retried). */
	let uncommitted = false;
	let lost = false;
	let waiting = false;
	context.warn(`Following topic '${topic}'${group === undefined ? '' : ` as consumer group '${group}'`} from ${position === undefined ? 'the committed offset' : `offset ${position}`} (Ctrl+C to stop)`);
	try {
		while (!abort.signal.aborted) {
			let page;
			try {
				const response = await callApi(context.api, {
					operation,
					method: 'GET',
					path,
					query: {...options.query, from_offset: position},
					signal: abort.signal,
				});
				page = recordPage(response.json);
			} catch (error) {
				if (abort.signal.aborted) break;
				if (error instanceof ShapeError) throw new CommandFailure(`Failed to ${operation}: unexpected response from server (${error.message})`);
				if (error instanceof ConnectionFailure) {
					if (!lost) context.warn(`${error.message}; retrying...`);
					lost = true;
					await pause(RETRY_MS);
					continue;
				}
				if (error instanceof CommandFailure && errorCode(error) === 'topic_not_found') {
					if (!waiting) context.warn(`Topic '${topic}' does not exist (yet); waiting for it`);
					waiting = true;
					await pause(EMPTY_POLL_MS);
					continue;
				}
				throw error;
			}
			if (lost) context.warn(`Reconnected to ${origin}`);
			lost = false;
			waiting = false;
			position ??= page.nextOffset;
			if (page.highWaterMark < position) {
				// Deleted and created again, or a server that restarted without its data.
				context.warn(`Topic '${topic}' now ends at offset ${page.highWaterMark}, before offset ${position}: following from offset 0`);
				position = 0;
				continue;
			}
			if (page.records.length > 0) {
				await out.write(page.records.map(options.render).join(''));
				position = page.records[page.records.length - 1]!.offset + 1;
				uncommitted = true;
			}
			if (options.commit && group !== undefined && uncommitted) {
				// Not cancelled by Ctrl+C: what was printed gets committed.
				try {
					await callApi(context.api, {operation: 'commit offset', method: 'POST', path: ['consumer', group, 'topics', topic, 'offset'], body: {offset: position}});
					uncommitted = false;
				} catch (error) {
					if (!(error instanceof ConnectionFailure)) throw error;
					// The next page's commit covers this one.
				}
			}
			if (page.records.length === 0) await pause(EMPTY_POLL_MS);
		}
	} catch (error) {
		if (!(error instanceof OutputClosed)) throw error;
	} finally {
		dispose();
		out.dispose();
		abort.abort();
	}
}
