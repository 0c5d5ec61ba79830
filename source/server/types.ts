import type {EventHub} from '../core/event-hub.js';

/** One finished HTTP request, as the server reports it to views (the TUI's Server pane). */
export interface RequestEvent {
	type: 'request';
	at: number;
	method: string;
	path: string;
	status: number;
	/** With `merged`, the sum of the requests' latencies. */
	latencyMs: number;
	/** Set when the event stands for several equal requests (GET /events folds a large batch). */
	merged?: number;
}

export interface ServerStats {
	/** Finished requests. */
	requests: number;
	/** Finished requests answered with a status >= 400. */
	errors: number;
	inFlight: number;
	/** Finished requests answered with a status >= 500 (a subset of `errors`). */
	serverErrors?: number;
}

/** A running REST server over one engine. */
export interface ServerHandle {
	readonly url: string;
	readonly host: string;
	readonly port: number;
	/** True when every request except GET /health needs the bearer token. */
	readonly auth?: boolean;
	/** Batched request events (same hub type the engine uses). */
	readonly events: EventHub<RequestEvent>;
	stats(): ServerStats;
	/** Stops accepting, finishes in-flight requests. Does not close the engine. */
	close(): Promise<void>;
}
