import {EventSource} from 'eventsource';
import type {BatchListener} from '../core/event-hub.js';
import {EventHub} from '../core/event-hub.js';
import type {FlashQEvent} from '../core/events.js';
import type {FlashQStats} from '../core/stats.js';
import {callApi, type ClientContext} from '../client/http.js';
import type {AppendedOffset, CommitResult, GroupInfo, PollOptions, PollResult, RecordWithOffset} from '../engine/types.js';
import type {RequestEvent, ServerStats} from '../server/types.js';
import type {FrameLocation} from '../storage/types.js';

/** GET /stats: the typed stats surface the in-process TUI reads, as JSON. */
export interface StatsSnapshot {
	engine: FlashQStats;
	groups: GroupInfo[];
	server: ServerStats & {url: string};
	/** Where the event stream is: an id to resume from with Last-Event-ID. */
	events: {lastEventId: string};
}

export type ConnectionState = 'connected' | 'retrying';

export interface Connection {
	url: string;
	state: ConnectionState;
	/** When the state last changed (ms since the epoch). */
	since: number;
	/** Why the last attempt failed, while retrying. */
	error: string | null;
}

export interface RemoteQueueOptions {
	token?: string;
	/** Per request (default 5 s). */
	timeoutMs?: number;
	/** How often the stats snapshot is refreshed (default 250 ms; events refresh it sooner). */
	statsIntervalMs?: number;
}

interface WireRecord {
	offset: number;
	timestamp: string;
	key: string | null;
	value: string;
	headers?: Record<string, string> | null;
}

/**
 * A FlashQ that lives in another process, reached over its REST API: the same calls the TUI makes
 * on an in-process engine (stats, groups, subscribe, peek, post, groups, commit, locateRecord), so
 * no pane knows where the queue is. Stats come from GET /stats (refreshed while connected), events
 * from GET /events (Server-Sent Events, resumed with Last-Event-ID after a drop). When the server
 * goes away the last snapshot stays readable and `connection()` says "retrying" until it is back.
 */
export class RemoteQueue {
	readonly url: string;
	private readonly context: ClientContext;
	private snapshot: StatsSnapshot;
	private readonly engineEvents = new EventHub<FlashQEvent>();
	readonly requestEvents = new EventHub<RequestEvent>();
	private state: Connection;
	private readonly connectionListeners = new Set<() => void>();
	private source: EventSource | null = null;
	private timer: NodeJS.Timeout | undefined;
	private refreshing = false;
	private closed = false;
	private readonly statsIntervalMs: number;

	private constructor(base: URL, options: RemoteQueueOptions, first: StatsSnapshot) {
		this.url = base.href.replace(/\/$/, '');
		this.context = {baseUrl: base, token: options.token, timeoutMs: options.timeoutMs ?? 5000};
		this.statsIntervalMs = options.statsIntervalMs ?? 250;
		this.snapshot = first;
		this.state = {url: this.url, state: 'connected', since: Date.now(), error: null};
	}

	/** Connects (one GET /stats must succeed, so a wrong URL or token fails here, clearly) and starts following. */
	static async connect(url: string, options: RemoteQueueOptions = {}): Promise<RemoteQueue> {
		let base: URL;
		try {
			base = new URL(url);
		} catch {
			throw new Error(`--connect needs a URL such as http://127.0.0.1:8080, not '${url}'`);
		}
		if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`--connect needs an http:// or https:// URL, not '${url}'`);
		const context: ClientContext = {baseUrl: base, token: options.token, timeoutMs: options.timeoutMs ?? 5000};
		const first = (await callApi(context, {operation: 'read stats', method: 'GET', path: ['stats']})).json as StatsSnapshot;
		const queue = new RemoteQueue(base, options, first);
		queue.follow(first.events.lastEventId);
		return queue;
	}

	// --- what the store reads ---

	stats(): FlashQStats {
		return this.snapshot.engine;
	}

	groups(): GroupInfo[] {
		return this.snapshot.groups;
	}

	serverStats(): ServerStats {
		return this.snapshot.server;
	}

	subscribe(listener: BatchListener<FlashQEvent>): () => void {
		return this.engineEvents.subscribe(listener);
	}

	connection(): Connection {
		return this.state;
	}

	onConnection(listener: () => void): () => void {
		this.connectionListeners.add(listener);
		return () => this.connectionListeners.delete(listener);
	}

	// --- what the panes and forms do ---

	async peek(topic: string, options: PollOptions = {}): Promise<PollResult> {
		const query: Record<string, string | number | boolean | undefined> = {from_offset: options.fromOffset, max_records: options.maxRecords, max_bytes: options.maxBytes, peek: true};
		const body = (await this.call('read records', 'GET', ['topics', topic, 'records'], undefined, query)) as {records: WireRecord[]; next_offset: number; high_water_mark: number; lag?: number};
		const result: PollResult = {records: body.records.map(fromWire), nextOffset: body.next_offset, highWaterMark: body.high_water_mark};
		if (body.lag !== undefined) result.lag = body.lag;
		return result;
	}

	async post(topic: string, records: readonly {key?: string | null; value: string; headers?: Record<string, string> | null}[]): Promise<AppendedOffset[]> {
		const body = (await this.call('post records', 'POST', ['topics', topic, 'records'], {records})) as {offsets: AppendedOffset[]};
		this.refreshSoon();
		return body.offsets;
	}

	async createGroup(groupId: string): Promise<void> {
		await this.call('create group', 'POST', ['consumer', groupId]);
		this.refreshSoon();
	}

	async deleteGroup(groupId: string): Promise<void> {
		await this.call('delete group', 'DELETE', ['consumer', groupId]);
		this.refreshSoon();
	}

	async commitOffset(groupId: string, topic: string, offset: number): Promise<CommitResult> {
		const body = (await this.call('commit offset', 'POST', ['consumer', groupId, 'topics', topic, 'offset'], {offset})) as {
			group_id: string;
			topic: string;
			offset: number;
			committed_offset: number;
			timestamp: string;
		};
		this.refreshSoon();
		return {groupId: body.group_id, topic: body.topic, offset: body.offset, committedOffset: body.committed_offset, timestamp: body.timestamp};
	}

	async locateRecord(topic: string, offset: number): Promise<FrameLocation | null> {
		const body = (await this.call('locate record', 'GET', ['topics', topic, 'records', String(offset), 'frame'])) as
			| (Omit<FrameLocation, 'bytes' | 'indexEntry'> & {bytes: string; index_entry: FrameLocation['indexEntry']})
			| null;
		if (!body) return null;
		return {source: body.source, file: body.file, position: body.position, bytes: Buffer.from(body.bytes, 'base64'), written: body.written, indexEntry: body.index_entry};
	}

	close(): void {
		this.closed = true;
		clearTimeout(this.timer);
		this.source?.close();
		this.source = null;
		this.engineEvents.flush();
	}

	// --- following the server ---

	private follow(lastEventId: string): void {
		const token = this.context.token;
		const source = new EventSource(new URL('events', `${this.url}/`).href, {
			fetch: (input, init) => {
				const headers = new Headers(init?.headers);
				if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
				// Resume where the first snapshot was taken: nothing between it and the stream is lost.
				if (!headers.has('last-event-id') && lastEventId) headers.set('last-event-id', lastEventId);
				return fetch(input, {...init, headers});
			},
		});
		this.source = source;
		source.addEventListener('engine', (event) => this.onBatch(event.data, 'engine'));
		source.addEventListener('requests', (event) => this.onBatch(event.data, 'requests'));
		source.addEventListener('missed', (event) => {
			const {count} = JSON.parse(event.data as string) as {count: number};
			// The store counts it as dropped; the snapshot is reloaded so the figures are current.
			this.deliverDropped(count);
			this.refreshSoon();
		});
		source.addEventListener('reset', () => this.refreshSoon());
		// The server pushes the snapshot to every watcher when it changes (one build for all of them).
		source.addEventListener('stats', (event) => {
			this.snapshot = JSON.parse(event.data as string) as StatsSnapshot;
		});
		source.onopen = () => {
			this.setState('connected', null);
			this.refreshSoon();
		};
		source.onerror = (event) => {
			if (this.closed) return;
			this.setState('retrying', event.message ?? (event.code ? `HTTP ${event.code}` : 'connection lost'));
			// A refused stream (401, 403, 5xx) is closed by EventSource for good: retry it ourselves.
			if (source.readyState === source.CLOSED) {
				this.timer = setTimeout(() => {
					if (!this.closed) this.follow(lastEventId);
				}, 1000);
			}
		};
		this.schedule();
	}

	private onBatch(data: string, channel: 'engine' | 'requests'): void {
		const events = JSON.parse(data) as unknown[];
		const hub = channel === 'engine' ? this.engineEvents : this.requestEvents;
		for (const event of events) hub.emit(event as never);
	}

	private deliverDropped(count: number): void {
		// EventHub counts drops only when it drops itself: tell listeners through an empty batch.
		(this.engineEvents as unknown as {dropped: number}).dropped += count;
		this.engineEvents.flush();
	}

	private setState(state: ConnectionState, error: string | null): void {
		if (this.state.state === state && this.state.error === error) return;
		this.state = {url: this.url, state, since: state === this.state.state ? this.state.since : Date.now(), error};
		for (const listener of this.connectionListeners) listener();
	}

	/** While the stream is down, the snapshot is polled (and the server probed) on a timer; while it is up, the stream brings it. */
	private schedule(): void {
		clearTimeout(this.timer);
		if (this.closed) return;
		this.timer = setTimeout(() => {
			if (this.source?.readyState === EventSource.OPEN) this.schedule();
			else void this.refresh();
		}, this.statsIntervalMs);
		this.timer.unref?.();
	}

	private refreshSoon(): void {
		if (!this.refreshing) void this.refresh();
	}

	private async refresh(): Promise<void> {
		if (this.closed || this.refreshing) return;
		this.refreshing = true;
		try {
			this.snapshot = (await callApi(this.context, {operation: 'read stats', method: 'GET', path: ['stats']})).json as StatsSnapshot;
			if (this.source?.readyState === EventSource.OPEN) this.setState('connected', null);
		} catch (error) {
			this.setState('retrying', error instanceof Error ? error.message : String(error));
		} finally {
			this.refreshing = false;
			this.schedule();
		}
	}

	private call(operation: string, method: 'GET' | 'POST' | 'DELETE', path: string[], body?: unknown, query?: Record<string, string | number | boolean | undefined>): Promise<unknown> {
		const request: Parameters<typeof callApi>[1] = {operation, method, path};
		if (body !== undefined) request.body = body;
		if (query) request.query = query;
		return callApi(this.context, request).then((response) => response.json);
	}
}

function fromWire(record: WireRecord): RecordWithOffset {
	return {offset: record.offset, timestamp: record.timestamp, key: record.key, value: record.value, headers: record.headers ?? null};
}
