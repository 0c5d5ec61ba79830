import type {EventHub} from '../engine/event-hub.js';

/** One finished HTTP request, as the server reports it to views (the TUI's Server pane). */
export interface RequestEvent {
	type: 'request';
	at: number;
	method: string;
	path: string;
	status: number;
	latencyMs: number;
}

export interface ServerStats {
	requests: number;
	errors: number;
	inFlight: number;
}

/** A running REST server over one engine. */
export interface ServerHandle {
	readonly url: string;
	readonly host: string;
	readonly port: number;
	/** Batched request events (same hub type the engine uses). */
	readonly events: EventHub<RequestEvent>;
	stats(): ServerStats;
	/** Stops accepting, finishes in-flight requests. Does not close the engine. */
	close(): Promise<void>;
}
