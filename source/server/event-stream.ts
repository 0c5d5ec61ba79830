import {randomBytes} from 'node:crypto';
import type {ServerResponse} from 'node:http';
import type {BatchListener} from '../core/event-hub.js';

/** A source of batched events (an EventHub fits): subscribed only while a watcher is connected. */
export interface EventSourceChannel {
	/** The SSE event name the batches go out under (`event: <name>`). */
	name: string;
	/** Folds a batch before it goes out (equal steps into one, under load); ids still count every event. */
	coalesce?: (events: readonly never[]) => unknown[];
	subscribe(listener: BatchListener<unknown>): () => void;
}

export interface EventStreamOptions {
	/** Batches kept for watchers that reconnect with Last-Event-ID (default 1024). */
	keepBatches?: number;
	/**
	 * A watcher whose socket holds more than this many unsent bytes is skipping: it gets nothing until
	 * its socket drains, then one `missed` notice (default 1 MiB). Bounds server memory per watcher.
	 */
	maxBufferedBytes?: number;
	/** An `event: ping` this often keeps idle connections (and proxies) alive and shows the server is not hung (default 5 s). */
	keepAliveMs?: number;
	/**
	 * After the last watcher leaves, events are still numbered and kept this long (default 60 s), so a
	 * watcher that comes back (a network blip, a laptop lid) resumes without a gap. After it the
	 * stream lets go of the engine (which then builds no events) and marks a gap: a watcher from
	 * before it is told to reload (`reset`), never silently left with a hole.
	 */
	lingerMs?: number;
	/**
	 * A snapshot sent to every watcher as `event: stats` when it changed: built and serialised once
	 * per tick whatever the number of watchers, so watchers need not each poll GET /stats. A tick
	 * comes `intervalMs` (default 100) after events arrived, or `idleMs` (default 1000) after the
	 * last one when nothing happens. Not part of the resumable log (no id).
	 */
	snapshot?: {build: () => unknown; intervalMs?: number; idleMs?: number};
}

interface Sent {
	/** Sequence number of the batch's last event (events are numbered from 1 per server start). */
	seq: number;
	/** Sequence number of its first event. */
	first: number;
	frame: string;
}

interface Watcher {
	res: ServerResponse;
	/** Events not delivered to this watcher since its last notice (skipped while its socket was full). */
	missed: number;
	/** The last sequence number this watcher was sent or told it missed. */
	seq: number;
	/** The snapshot it has (the same string object for every watcher: no copy each). */
	stats: string;
	/** Frames waiting for the next write: one write per watcher per flush, whatever the frames. */
	queued: string[];
	queuedBytes: number;
}

/**
 * Frames gather this long before one write per watcher: the engine's and the server's batches and
 * the snapshot arrive on separate timers, and with many watchers each write costs the server more
 * than its bytes do.
 */
const WRITE_EVERY_MS = 25;

/**
 * Server-Sent Events fan-out of the engine's (and server's) event batches. Each batch is serialised
 * once and written to every watcher; ids are `<server start id>-<event sequence number>`, so a
 * watcher reconnecting with Last-Event-ID gets what it missed from the kept batches, or a `missed`
 * notice with the exact count when they are gone, or `reset` after a server restart. A watcher that
 * stops reading is never buffered without bound: it skips batches while its socket is full and is
 * told how many events it missed when it drains. Producers never wait for watchers.
 */
export class EventStream {
	readonly startId = randomBytes(4).toString('hex');
	private readonly channels: readonly EventSourceChannel[];
	private readonly keepBatches: number;
	private readonly maxBufferedBytes: number;
	private readonly keepAliveMs: number;
	private readonly watchers = new Set<Watcher>();
	private readonly kept: Sent[] = [];
	private seq = 0;
	/** Events the engine's hub dropped before this stream saw them (counted into the sequence). */
	private unsubscribers: (() => void)[] = [];
	private keepAlive: NodeJS.Timeout | undefined;
	private snapshotTimer: NodeJS.Timeout | undefined;
	private lingerTimer: NodeJS.Timeout | undefined;
	private flushTimer: NodeJS.Timeout | undefined;
	/** Events arrived since the last snapshot was built. */
	private dirty = false;
	private readonly lingerMs: number;
	/** The sequence number of the latest unrecorded stretch (nobody subscribed): ids before it cannot resume. */
	private gapAt = 0;
	private lastSnapshot = '';
	private readonly snapshot: EventStreamOptions['snapshot'];
	private closed = false;

	constructor(channels: readonly EventSourceChannel[], options: EventStreamOptions = {}) {
		this.channels = channels;
		this.keepBatches = options.keepBatches ?? 1024;
		this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
		this.keepAliveMs = options.keepAliveMs ?? 5000;
		this.snapshot = options.snapshot;
		this.lingerMs = options.lingerMs ?? 60_000;
	}

	/** Connected watchers. */
	get size(): number {
		return this.watchers.size;
	}

	/** Events numbered so far (the last id's sequence number). */
	get lastSeq(): number {
		return this.seq;
	}

	/** Takes over `res` as an event stream; `lastEventId` is the request's Last-Event-ID header, if any. */
	attach(res: ServerResponse, lastEventId: string | undefined): void {
		if (this.closed) {
			res.writeHead(503, {'content-type': 'application/json'}).end('{"error":"server is closing"}');
			return;
		}
		res.writeHead(200, {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-store',
			connection: 'keep-alive',
			'x-accel-buffering': 'no',
		});
		const watcher: Watcher = {res, missed: 0, seq: this.seq, stats: '', queued: [], queuedBytes: 0};
		// A reconnecting browser waits this long before retrying (ms).
		res.write(`retry: 1000\n: flashq-demo events, ids <server start>-<event number>\n\n`);
		this.resume(watcher, lastEventId);
		if (this.snapshot) {
			// A new watcher starts from the current figures, not from the next change.
			try {
				watcher.stats = JSON.stringify(this.snapshot.build());
				this.send(watcher, `event: stats\ndata: ${watcher.stats}\n\n`);
			} catch {
				// the engine is closing
			}
		}
		this.watchers.add(watcher);
		res.on('drain', () => this.catchUp(watcher));
		res.on('close', () => this.detach(watcher));
		if (this.lingerTimer !== undefined) {
			// Still subscribed from the last watcher: nothing was missed.
			clearTimeout(this.lingerTimer);
			this.lingerTimer = undefined;
		} else if (this.watchers.size === 1) {
			this.start();
		}
	}

	/** Ends every stream (server shutdown). */
	close(): void {
		this.closed = true;
		clearTimeout(this.lingerTimer);
		this.lingerTimer = undefined;
		this.stop();
		clearTimeout(this.flushTimer);
		this.flushTimer = undefined;
		for (const watcher of this.watchers) {
			this.writeQueued(watcher);
			watcher.res.end();
		}
		this.watchers.clear();
	}

	/** `reset` carries the current id: a watcher that reconnects after it is not reset again. */
	private sendReset(watcher: Watcher, reason: string): void {
		this.send(watcher, `id: ${this.startId}-${this.seq}\nevent: reset\ndata: ${JSON.stringify({reason})}\n\n`);
	}

	private resume(watcher: Watcher, lastEventId: string | undefined): void {
		const match = lastEventId === undefined ? null : /^([0-9a-f]+)-(\d+)$/.exec(lastEventId.trim());
		if (lastEventId === undefined) return;
		if (!match || match[1] !== this.startId || Number(match[2]) > this.seq) {
			// Another server start (or a made-up id): the watcher's picture is from a queue that restarted.
			this.sendReset(watcher, 'the server restarted: earlier events are gone; reload the snapshot');
			return;
		}
		if (Number(match[2]) < this.gapAt) {
			this.sendReset(watcher, 'nobody watched for a while and the events of that time were not recorded; reload the snapshot');
			return;
		}
		const after = Number(match[2]);
		const oldest = this.kept[0];
		let from = 0;
		if (!oldest || oldest.first > after + 1) {
			const missed = (oldest ? oldest.first - 1 : this.seq) - after;
			if (missed > 0) this.send(watcher, missedFrame(missed, oldest ? oldest.first - 1 : this.seq, this.startId));
		} else {
			from = this.kept.findIndex((b) => b.seq > after);
			if (from < 0) from = this.kept.length;
		}
		for (let i = from; i < this.kept.length; i++) {
			const batch = this.kept[i]!;
			if (batch.seq <= after) continue;
			if (!this.writable(watcher)) {
				// Replaying more than the socket takes: the rest becomes one notice once it drains.
				watcher.missed += this.kept[this.kept.length - 1]!.seq - batch.first + 1;
				watcher.seq = this.seq;
				return;
			}
			this.send(watcher, batch.frame);
		}
		watcher.seq = this.seq;
	}

	private start(): void {
		for (const channel of this.channels) {
			this.unsubscribers.push(channel.subscribe((events, dropped) => this.publish(channel, events, dropped)));
		}
		this.keepAlive = setInterval(() => {
			// An event, not a comment: EventSource hides comments, and a watcher tells a hung server from
			// a quiet one by these (RemoteQueue gives up on a stream silent for 3 of them).
			for (const watcher of this.watchers) if (this.writable(watcher)) this.send(watcher, 'event: ping\ndata: {}\n\n');
		}, this.keepAliveMs);
		this.keepAlive.unref();
		if (this.snapshot) {
			const {build, intervalMs = 100, idleMs = 1000} = this.snapshot;
			this.lastSnapshot = '';
			let idle = 0;
			this.snapshotTimer = setInterval(() => {
				// Something happened since the last tick, or a while passed: build; otherwise nothing changed.
				idle += intervalMs;
				if (!this.dirty && idle < idleMs) return;
				this.dirty = false;
				idle = 0;
				this.sendSnapshot(build);
			}, intervalMs);
			this.snapshotTimer.unref();
		}
	}

	private sendSnapshot(build: () => unknown): void {
		let data: string;
		try {
			data = JSON.stringify(build());
		} catch {
			return; // the engine is closing
		}
		// Equal to the last one: keep that string, so watchers that have it compare by identity.
		if (data === this.lastSnapshot) data = this.lastSnapshot;
		this.lastSnapshot = data;
		let frame: string | null = null;
		for (const watcher of this.watchers) {
			// A watcher whose socket is full skips it: a later tick brings it up to date.
			if (watcher.stats === data || !this.writable(watcher)) continue;
			frame ??= `event: stats\ndata: ${data}\n\n`;
			this.send(watcher, frame);
			watcher.stats = data;
		}
	}

	private stop(): void {
		if (this.unsubscribers.length > 0) {
			// From here events go unnumbered: one sequence number marks the gap.
			this.seq++;
			this.gapAt = this.seq;
		}
		for (const unsubscribe of this.unsubscribers) unsubscribe();
		this.unsubscribers = [];
		clearInterval(this.keepAlive);
		this.keepAlive = undefined;
		clearInterval(this.snapshotTimer);
		this.snapshotTimer = undefined;
	}

	private detach(watcher: Watcher): void {
		if (!this.watchers.delete(watcher)) return;
		// Nobody watching: after a while, unsubscribe, so the engine builds no events for nobody.
		if (this.watchers.size === 0 && !this.closed) {
			this.lingerTimer = setTimeout(() => {
				this.lingerTimer = undefined;
				if (this.watchers.size === 0) this.stop();
			}, this.lingerMs);
			this.lingerTimer.unref();
		}
	}

	private publish(channel: EventSourceChannel, events: readonly unknown[], dropped: number): void {
		this.dirty = true;
		// Events the hub dropped (its listener lagged) still take sequence numbers: watchers are told.
		if (dropped > 0) {
			this.seq += dropped;
			for (const watcher of this.watchers) watcher.missed += dropped;
		}
		if (events.length === 0) return;
		const first = this.seq + 1;
		this.seq += events.length;
		const sent: Sent = {seq: this.seq, first, frame: `id: ${this.startId}-${this.seq}\nevent: ${channel.name}\ndata: ${JSON.stringify(channel.coalesce ? channel.coalesce(events as never[]) : events)}\n\n`};
		this.kept.push(sent);
		if (this.kept.length > this.keepBatches) this.kept.splice(0, this.kept.length - this.keepBatches);
		for (const watcher of this.watchers) {
			if (watcher.missed > 0 || !this.writable(watcher)) {
				watcher.missed += events.length;
				watcher.seq = this.seq;
				if (this.writable(watcher)) this.catchUp(watcher);
				continue;
			}
			this.send(watcher, sent.frame);
			watcher.seq = this.seq;
		}
	}

	/** After a full socket drained: one notice for everything skipped, then live again. */
	private catchUp(watcher: Watcher): void {
		if (watcher.missed === 0 || !this.writable(watcher)) return;
		const missed = watcher.missed;
		watcher.missed = 0;
		this.send(watcher, missedFrame(missed, watcher.seq, this.startId));
	}

	private writable(watcher: Watcher): boolean {
		const {res} = watcher;
		// The socket's backlog decides; frames queued for the next write are at most one 25 ms gathering.
		return !res.destroyed && res.writableLength <= this.maxBufferedBytes;
	}

	private send(watcher: Watcher, frame: string): void {
		if (watcher.res.destroyed) return;
		watcher.queued.push(frame);
		watcher.queuedBytes += frame.length;
		// Gathering saves writes of small frames; a large one has nothing to gain from waiting.
		if (watcher.queuedBytes >= 16 * 1024) {
			this.writeQueued(watcher);
			return;
		}
		if (this.flushTimer === undefined) {
			this.flushTimer = setTimeout(() => this.flushWrites(), WRITE_EVERY_MS);
			this.flushTimer.unref();
		}
	}

	private flushWrites(): void {
		this.flushTimer = undefined;
		for (const watcher of this.watchers) this.writeQueued(watcher);
	}

	private writeQueued(watcher: Watcher): void {
		if (watcher.queued.length === 0) return;
		const data = watcher.queued.length === 1 ? watcher.queued[0]! : watcher.queued.join('');
		watcher.queued = [];
		watcher.queuedBytes = 0;
		if (!watcher.res.destroyed) watcher.res.write(data);
	}
}

/** `missed` carries an id too: a watcher reconnecting after it resumes from there, not before. */
function missedFrame(count: number, upTo: number, startId: string): string {
	return `id: ${startId}-${upTo}\nevent: missed\ndata: ${JSON.stringify({count, message: `you missed ${count} events (the connection was too slow or away too long); reload the snapshot for current figures`})}\n\n`;
}
