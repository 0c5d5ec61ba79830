import {EventSource} from 'eventsource';
import type {BatchListener} from '../core/event-hub.js';
import type {Connection, LiveQueue} from '../engine/live-queue.js';
import type {FlashQEvent} from '../core/events.js';
import type {FlashQStats} from '../core/stats.js';
import {callApi, type ClientContext} from '../client/http.js';
import type {AppendedOffset, CommitResult, GroupInfo, OffsetForTime, PollOptions, PollResult, RecordWithOffset, TopicCreated, TopicDeleted} from '../engine/types.js';
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

export type {Connection} from '../engine/live-queue.js';
export type ConnectionState = Connection['state'];

export interface RemoteQueueOptions {
	token?: string;
	/** Per request (default 5 s). */
	timeoutMs?: number;
	/** How often the stats snapshot is refreshed when nothing happens (default 1000 ms; events refresh it at once). */
	statsIntervalMs?: number;
	/** A stream silent this long (no event, snapshot or ping) counts as a hung server (default 16 s). */
	silenceMs?: number;
}

interface WireRecord {
	offset: number;
	timestamp: string;
	key: string | null;
	value: string;
	headers?: Record<string, string> | null;
}

/** Why `RemoteQueue.connect` failed, in one line for the terminal (the CLI prints it and exits 1). */
export class RemoteConnectError extends Error {
	override name = 'RemoteConnectError';
}

/** Batches delivered as they come: the server batched them already (every 50 ms), no second wait here. */
class Fanout<E> {
	private readonly listeners = new Set<BatchListener<E>>();
	subscribe(listener: BatchListener<E>): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
	deliver(events: readonly E[], dropped: number): void {
		for (const listener of this.listeners) {
			try {
				listener(events, dropped);
			} catch {
				// One failing view must not stop the others.
			}
		}
	}
}

const RESTART_STREAM_MS = 1000;
/**
 * The server sends something at least every 5 s (a ping when idle). A stream silent for longer than
 * this is from a hung server (SIGSTOP, a frozen VM, a cut cable): it is given up and retried.
 */
const SILENCE_MS = 16_000;

/**
 * A FlashQ that lives in another process, reached over its REST API: the calls the app makes on an
 * in-process engine (LiveQueue), so no pane knows where the queue is. The first snapshot comes from
 * GET /stats, then events and fresh snapshots (`stats` frames) from GET /events (Server-Sent Events,
 * resumed with Last-Event-ID after a drop); GET /stats is polled only while the stream is down and
 * after an action of this app. When the server goes away the last snapshot stays
 * readable and `connection()` says "retrying" until it answers again (a restarted server sends
 * `reset`: the snapshot is reloaded and the gap counted as missed events).
 */
export class RemoteQueue implements LiveQueue {
	readonly url: string;
	private readonly context: ClientContext;
	private snapshot: StatsSnapshot;
	private readonly engineEvents = new Fanout<FlashQEvent>();
	/** The remote server's request events (its Server pane). */
	readonly requestEvents = new Fanout<RequestEvent>();
	private state: Connection;
	private readonly connectionListeners = new Set<() => void>();
	private source: EventSource | null = null;
	private lastEventId: string;
	private streamStartedAt = 0;
	private readonly silenceMs: number;
	/** When the stream last brought anything (an event, a snapshot or a ping). */
	private lastHeard = 0;
	private timer: NodeJS.Timeout | undefined;
	private refreshing = false;
	/** Something changed while a refresh was in flight: one more after it. */
	private again = false;
	/** Engine events waiting for the snapshot that includes their effects. */
	private pending: FlashQEvent[] = [];
	private pendingDropped = 0;
	private closed = false;
	private readonly statsIntervalMs: number;

	private constructor(base: URL, options: RemoteQueueOptions, first: StatsSnapshot) {
		this.url = base.href.replace(/\/$/, '');
		this.context = {baseUrl: base, token: options.token, timeoutMs: options.timeoutMs ?? 5000};
		this.statsIntervalMs = options.statsIntervalMs ?? 1000;
		this.silenceMs = options.silenceMs ?? SILENCE_MS;
		this.snapshot = first;
		this.lastEventId = first.events.lastEventId;
		this.state = {url: this.url, state: 'connected', since: Date.now(), error: null};
	}

	/**
	 * Connects (one GET /stats must succeed, so a wrong URL or token fails here with one clear line,
	 * a RemoteConnectError) and starts following.
	 */
	static async connect(url: string, options: RemoteQueueOptions = {}): Promise<RemoteQueue> {
		let base: URL;
		try {
			base = new URL(url);
		} catch {
			throw new RemoteConnectError(`--connect needs a URL such as http://127.0.0.1:8080, not '${url}'`);
		}
		if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RemoteConnectError(`--connect needs an http:// or https:// URL, not '${url}'`);
		const shown = base.href.replace(/\/$/, '');
		const timeoutMs = options.timeoutMs ?? 5000;
		let response: Response;
		try {
			const headers: Record<string, string> = {accept: 'application/json'};
			if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
			response = await fetch(new URL('stats', `${shown}/`), {headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual'});
		} catch (error) {
			const why = shortReason(error);
			throw new RemoteConnectError(
				why === 'timeout'
					? `cannot connect to ${shown}: no answer within ${timeoutMs} ms; is \`flashq-demo --serve\` running there?`
					: `cannot connect to ${shown}: ${why}; is \`flashq-demo --serve\` running there?`,
			);
		}
		const text = await response.text().catch(() => '');
		if (response.status === 401) {
			throw new RemoteConnectError(
				options.token === undefined
					? `${shown} needs a token: pass --token TOKEN (or set FLASHQ_TOKEN) as the teacher gave it`
					: `${shown} refused the token (401): pass the server's --token or --read-token value with --token`,
			);
		}
		if (response.status === 403) throw new RemoteConnectError(`${shown} does not let this token read (403): pass the server's --token or --read-token value with --token`);
		if (response.status !== 200) {
			throw new RemoteConnectError(`${shown} answered GET /stats with HTTP ${response.status}: is it a flashq-demo server (0.1 or later, started with --serve)?`);
		}
		let first: StatsSnapshot;
		try {
			first = JSON.parse(text) as StatsSnapshot;
			if (!first.engine || !Array.isArray(first.groups) || !first.events) throw new Error('not a snapshot');
		} catch {
			throw new RemoteConnectError(`${shown} answered GET /stats with something other than a flashq-demo snapshot`);
		}
		const queue = new RemoteQueue(base, options, first);
		queue.follow();
		return queue;
	}

	// --- what the store reads ---

	stats(): FlashQStats {
		return this.snapshot.engine;
	}

	groups(): GroupInfo[] {
		return this.snapshot.groups;
	}

	serverStats(): ServerStats & {url: string} {
		return this.snapshot.server;
	}

	subscribe(listener: BatchListener<FlashQEvent>): () => void {
		return this.engineEvents.subscribe(listener);
	}

	/** The remote server's figures in the shape a Server pane reads (a ServerHandle's url, stats, events). */
	serverSource(): {readonly url: string; stats(): ServerStats; readonly events: {subscribe(listener: BatchListener<RequestEvent>): () => void}} {
		const snapshot = () => this.snapshot;
		return {
			get url() {
				return snapshot().server.url;
			},
			stats: () => this.snapshot.server,
			events: this.requestEvents,
		};
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
		type WireFrame = Omit<FrameLocation, 'bytes' | 'indexEntry'> & {bytes: string; index_entry: FrameLocation['indexEntry']};
		let body: WireFrame;
		try {
			body = (await this.call('locate record', 'GET', ['topics', topic, 'records', String(offset), 'frame'])) as WireFrame;
		} catch (error) {
			// Memory storage has no frames: the same answer FlashQ.locateRecord gives in process.
			if (errorCode(error) === 'frame_not_available') return null;
			throw error;
		}
		return {source: body.source, file: body.file, position: body.position, bytes: Buffer.from(body.bytes, 'base64'), written: body.written, indexEntry: body.index_entry};
	}

	async createTopic(topic: string): Promise<TopicCreated> {
		const body = (await this.call('create topic', 'PUT', ['topics', topic])) as {topic: string; created: boolean};
		this.refreshSoon();
		return {topic: body.topic, created: body.created};
	}

	async deleteTopic(topic: string): Promise<TopicDeleted> {
		const body = (await this.call('delete topic', 'DELETE', ['topics', topic])) as {topic: string; deleted_records: number; groups: string[]};
		this.refreshSoon();
		return {topic: body.topic, records: body.deleted_records, groups: body.groups};
	}

	async offsetForTime(topic: string, time: number): Promise<OffsetForTime> {
		const body = (await this.call('find offset by time', 'GET', ['topics', topic, 'offsets'], undefined, {time})) as {offset: number; timestamp: number | null};
		return {offset: body.offset, timestamp: body.timestamp};
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		clearTimeout(this.timer);
		this.source?.close();
		this.source = null;
		this.deliverPending();
		this.connectionListeners.clear();
	}

	// --- following the server ---

	private follow(): void {
		if (this.closed) return;
		this.source?.close();
		const token = this.context.token;
		this.streamStartedAt = Date.now();
		const source = new EventSource(new URL('events', `${this.url}/`).href, {
			fetch: (input, init) => {
				const headers = new Headers(init?.headers);
				if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
				// Resume where the last snapshot or event was: nothing between it and the stream is lost.
				if (!headers.has('last-event-id') && this.lastEventId) headers.set('last-event-id', this.lastEventId);
				return fetch(input, {...init, headers});
			},
		});
		this.source = source;
		this.lastHeard = Date.now();
		const track = (event: MessageEvent) => {
			this.lastHeard = Date.now();
			if (event.lastEventId) this.lastEventId = event.lastEventId;
		};
		source.addEventListener('ping', () => {
			this.lastHeard = Date.now();
		});
		source.addEventListener('engine', (event) => {
			track(event);
			// The figures follow in the next `stats` frame (the server pushes one per change).
			this.pending.push(...(JSON.parse(event.data as string) as FlashQEvent[]));
			this.deliverPending();
		});
		// The server pushes the snapshot to every watcher when it changes (one build for all of them).
		source.addEventListener('stats', (event) => {
			this.lastHeard = Date.now();
			this.snapshot = JSON.parse(event.data as string) as StatsSnapshot;
			// An empty batch: a store republishes on it, so the new figures show at once.
			this.engineEvents.deliver([], 0);
		});
		source.addEventListener('requests', (event) => {
			track(event);
			this.requestEvents.deliver(JSON.parse(event.data as string) as RequestEvent[], 0);
		});
		source.addEventListener('missed', (event) => {
			track(event);
			// The store counts them as dropped (the Events pane says so); the figures are reloaded.
			this.pendingDropped += (JSON.parse(event.data as string) as {count: number}).count;
			this.refreshSoon();
		});
		source.addEventListener('reset', (event) => {
			track(event);
			// Another server start: its events so far are the gap; the snapshot's id tells how many.
			this.resetPending = true;
			this.refreshSoon();
		});
		source.onopen = () => {
			this.lastHeard = Date.now();
			this.setState('connected', null);
			this.refreshSoon();
		};
		source.onerror = (event) => {
			if (this.closed || this.source !== source) return;
			this.setState('retrying', event.code ? `HTTP ${event.code}` : 'connection lost');
			// Probe with GET /stats at once: its failure says why (ECONNREFUSED), its success restarts the stream.
			this.refreshSoon();
			// A refused stream (401, 403, 5xx) is closed by EventSource for good: retry it ourselves.
			if (source.readyState === source.CLOSED) {
				this.timer = setTimeout(() => this.follow(), RESTART_STREAM_MS);
			}
		};
		this.schedule();
	}

	/** Set by `reset`: the next snapshot's event id counts the events this app missed. */
	private resetPending = false;

	private deliverPending(): boolean {
		if (this.pending.length === 0 && this.pendingDropped === 0) return false;
		const events = this.pending;
		const dropped = this.pendingDropped;
		this.pending = [];
		this.pendingDropped = 0;
		this.engineEvents.deliver(events, dropped);
		return true;
	}

	private setState(state: ConnectionState, error: string | null): void {
		if (this.closed || (this.state.state === state && this.state.error === error)) return;
		this.state = {url: this.url, state, since: state === this.state.state ? this.state.since : Date.now(), error};
		for (const listener of this.connectionListeners) listener();
	}

	/** Polls the snapshot on a timer only while the stream is down (the same timer probes the server). */
	private schedule(): void {
		clearTimeout(this.timer);
		if (this.closed) return;
		// While the stream is up it brings the snapshot; while it is down, the snapshot is polled and the server probed.
		this.timer = setTimeout(() => {
			const open = this.source?.readyState === EventSource.OPEN;
			if (open && this.state.state === 'connected' && Date.now() - this.lastHeard > this.silenceMs) {
				// Open but silent: the server is hung. Say so, and start over (the probe says when it answers).
				this.setState('retrying', `no answer for ${Math.round(this.silenceMs / 1000)} s`);
				this.follow();
				void this.refresh();
			} else if (open && this.state.state === 'connected') this.schedule();
			else void this.refresh();
		}, this.state.state === 'retrying' ? RESTART_STREAM_MS : this.statsIntervalMs);
		this.timer.unref?.();
	}

	private refreshSoon(): void {
		if (this.refreshing) this.again = true;
		else void this.refresh();
	}

	private async refresh(): Promise<void> {
		if (this.closed || this.refreshing) return;
		this.refreshing = true;
		this.again = false;
		try {
			const next = (await callApi(this.context, {operation: 'read stats', method: 'GET', path: ['stats']})).json as StatsSnapshot;
			if (this.closed) return;
			if (this.resetPending) {
				this.resetPending = false;
				const seq = /-(\d+)$/.exec(next.events.lastEventId);
				this.pendingDropped += seq ? Number(seq[1]) : 0;
			}
			this.snapshot = next;
			if (this.source?.readyState === EventSource.OPEN) this.setState('connected', null);
			else if (Date.now() - this.streamStartedAt >= RESTART_STREAM_MS) {
				// The server answers but the stream is still waiting out its retry: open it now.
				this.follow();
			}
		} catch (error) {
			this.setState('retrying', shortReason(error));
		} finally {
			this.refreshing = false;
			// The events that came before this snapshot go out with it (and a store republishes on them).
			// An empty batch otherwise: a store republishes on it, so new figures show without waiting.
			if (!this.deliverPending() && !this.closed) this.engineEvents.deliver([], 0);
			if (this.again) void this.refresh();
			else this.schedule();
		}
	}

	private call(operation: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string[], body?: unknown, query?: Record<string, string | number | boolean | undefined>): Promise<unknown> {
		const request: Parameters<typeof callApi>[1] = {operation, method, path};
		if (body !== undefined) request.body = body;
		if (query) request.query = query;
		return callApi(this.context, request).then((response) => response.json);
	}
}

function fromWire(record: WireRecord): RecordWithOffset {
	return {offset: record.offset, timestamp: record.timestamp, key: record.key, value: record.value, headers: record.headers ?? null};
}

/** The API's error code in a failed call's body ("frame_not_available"), if any. */
function errorCode(error: unknown): string | undefined {
	const body = (error as {jsonBody?: unknown}).jsonBody;
	if (typeof body !== 'string') return undefined;
	try {
		return (JSON.parse(body) as {error?: string}).error;
	} catch {
		return undefined;
	}
}

/** A failure in a word or two for the header: the errno (ECONNREFUSED), "timeout", or the first words. */
export function shortReason(error: unknown): string {
	if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
	const cause = (error as {cause?: {code?: unknown; message?: unknown; errors?: {code?: unknown}[]}} | null)?.cause;
	const code = cause?.code ?? cause?.errors?.[0]?.code;
	if (typeof code === 'string') return code;
	// fetch says only "fetch failed"; its cause says what ("bad port").
	const text = typeof cause?.message === 'string' && cause.message !== '' ? cause.message : error instanceof Error ? error.message : String(error);
	const errno = /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/.exec(text);
	if (errno) return errno[1]!;
	if (/no response .* within/.test(text)) return 'timeout';
	return text.replace(/^Failed to [^:]+: /, '').slice(0, 60);
}
