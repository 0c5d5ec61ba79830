import type {FlashQEvent} from '../../core/events.js';
import {formatBytes, formatMs} from '../format.js';
import {Ring} from './ring.js';

export type EventLevel = 'info' | 'step' | 'warn' | 'error';

/** One line of the Events pane: one engine step, or several equal steps coalesced (`count`). */
export interface EventLine {
	readonly id: number;
	readonly at: number;
	readonly type: FlashQEvent['type'] | 'ui';
	readonly topic: string | undefined;
	readonly count: number;
	readonly level: EventLevel;
	readonly text: string;
}

/** Running sums of a coalesced line; its text is rebuilt from these. */
interface Aggregate {
	first: FlashQEvent;
	last: FlashQEvent;
	count: number;
	records: number;
	bytes: number;
	latencyMs: number;
	hits: number;
	misses: number;
	evictions: number;
	/** nats.ack: the lowest and highest offsets acknowledged (acks of concurrent publishes may come out of order). */
	low: number;
	high: number;
	resent: number;
	duplicates: number;
}

/** Events of these types merge into the previous line when it has the same type and topic. */
const COALESCED = new Set<FlashQEvent['type']>([
	'append',
	'wal.write',
	'fsync',
	'wal.commit',
	'cache',
	'index.lookup',
	'index.append',
	'poll',
	'recovery.progress',
	'nats.ack',
]);

/** How long one line keeps absorbing equal events: about the time a reader needs per line. */
const COALESCE_MS = 1000;
/** How many recent lines a new event may fold into (about one append's chain of steps). */
const LOOK_BACK = 8;

const topicOf = (e: FlashQEvent): string | undefined => ('topic' in e ? e.topic : undefined);

/** Same kind of step on the same topic (and the same file, for fsyncs): it may share a line. */
const sameStep = (a: FlashQEvent, b: FlashQEvent): boolean =>
	a.type === b.type &&
	topicOf(a) === topicOf(b) &&
	(a.type !== 'fsync' || b.type !== 'fsync' || a.file === b.file) &&
	// An ack after a resend keeps its own (yellow) line: a lost answer must not hide among plain acks.
	(a.type !== 'nats.ack' || b.type !== 'nats.ack' || a.resent > 0 === b.resent > 0);

function levelOf(e: FlashQEvent): EventLevel {
	if (e.type === 'storage.error') return 'error';
	if (e.type === 'lock' && e.state === 'compromised') return 'error';
	if (e.type === 'recovery.done' && e.truncatedBytes > 0) return 'warn';
	if (e.type === 'nats.ack' && e.resent > 0) return 'warn';
	if (e.type === 'nats.leader' && e.leader === null) return 'warn';
	if (e.type === 'nats.connection' && e.state === 'disconnected') return 'warn';
	if (e.type === 'nats.ack') return 'step';
	if (e.type === 'append' || e.type === 'wal.write' || e.type === 'fsync' || e.type === 'wal.commit') return 'step';
	return 'info';
}

function describe(a: Aggregate): string {
	const e = a.last;
	const n = a.count > 1 ? ` x${a.count}` : '';
	switch (e.type) {
		case 'append': {
			const first = a.first.type === 'append' ? a.first.baseOffset : e.baseOffset;
			const end = e.baseOffset + e.count - 1;
			return `append${n} ${e.topic}: ${a.records} rec, ${formatBytes(a.bytes)}, offsets ${first}..${end}`;
		}
		case 'wal.write':
			return `wal.write${n} ${e.topic}: ${a.records} rec, ${formatBytes(a.bytes)}; pending ${e.pendingRecords} rec / ${formatBytes(e.pendingBytes)}`;
		case 'fsync': {
			const took = `fsync${n} ${e.file}${e.topic ? ` ${e.topic}` : ''}: ${formatMs(a.latencyMs / a.count)}${a.count > 1 ? ' avg' : ''}`;
			// Only a WAL fsync acknowledges records; the others make files, names or the log durable.
			if (e.file === 'wal') return `${took}, ${a.records} rec durable`;
			return `${took}${FSYNC_MEANING[e.file]}`;
		}
		case 'wal.commit':
			return `wal.commit${n} ${e.topic}: ${a.records} rec, ${formatBytes(a.bytes)} -> log ${formatBytes(e.logBytes)}`;
		case 'cache':
			return `cache${n} ${e.topic}: ${a.hits} hits, ${a.misses} misses, ${a.evictions} evictions`;
		case 'index.lookup':
			return `index.lookup${n} ${e.topic}: offset ${e.offset} -> entry ${e.entryOffset} @ byte ${e.position}, scanned ${e.scanned}`;
		case 'index.append':
			return `index.append${n} ${e.topic}: offset ${e.offset} @ byte ${e.position}`;
		case 'poll':
			return `poll${n} ${e.topic}${e.group ? ` [${e.group}]` : ''}: from ${e.fromOffset}, ${a.records} rec`;
		case 'topic.create':
			return `topic.create ${e.topic}`;
		case 'topic.delete':
			return `topic.delete ${e.topic}: ${e.records} rec${e.groups.length ? `, offsets of ${e.groups.join(', ')} removed` : ''}`;
		case 'group.create':
			return `group.create ${e.group}`;
		case 'group.delete':
			return `group.delete ${e.group}`;
		case 'group.commit':
			return `group.commit ${e.group}: ${e.topic} @ ${e.offset}`;
		case 'recovery.progress':
			return `recovery ${e.topic}: ${formatBytes(e.bytesScanned)} / ${formatBytes(e.totalBytes)} scanned`;
		case 'recovery.done':
			return `recovery.done ${e.topic}: ${e.records} rec${e.truncatedBytes > 0 ? `, torn tail truncated (${formatBytes(e.truncatedBytes)})` : ''}${e.message ? `, ${e.message}` : ''}`;
		case 'lock':
			return `lock ${e.state}: ${e.dataDir}`;
		case 'storage.error':
			return `storage.error${e.topic ? ` ${e.topic}` : ''}: ${e.message}`;
		case 'sync.mode':
			return `sync mode -> ${e.sync}`;
		case 'nats.ack': {
			// The stream's answer to a publish: stored on a majority of its replicas (see the Stream pane).
			const took = `${formatMs(a.latencyMs / a.count)}${a.count > 1 ? ' avg' : ''}`;
			const acked = `nats.ack${n} ${e.topic}: offsets ${a.low}..${a.high} (${a.records} rec) stored by the stream in ${took}`;
			if (a.resent === 0) return acked;
			// A duplicate answer names a resend the stream already had: the first send was stored, its ack lost.
			return `${acked}, after ${a.resent} resent in offset order (${a.duplicates} already stored: duplicates)`;
		}
		case 'nats.leader':
			if (e.leader === null) return `nats.leader ${e.topic}: ${e.previous ?? 'the leader'} lost, election running; writes wait`;
			if (e.previous === null) return `nats.leader ${e.topic}: ${e.leader} leads the stream`;
			return `nats.leader ${e.topic}: ${e.leader} elected (was ${e.previous}); writes resume`;
		case 'nats.connection':
			return e.state === 'disconnected'
				? `nats disconnected${e.server ? ` from ${e.server}` : ''}; the client tries the other servers`
				: `nats reconnected${e.server ? ` to ${e.server}` : ''}`;
	}
}

/** What an fsync of each other file makes durable (a WAL fsync says how many records). */
const FSYNC_MEANING: Record<Exclude<Extract<FlashQEvent, {type: 'fsync'}>['file'], 'wal'>, string> = {
	log: ' (log writes durable)',
	index: ' (index entries durable)',
	group: ' (committed offset durable)',
	dir: ' (new file names durable)',
};

function start(e: FlashQEvent): Aggregate {
	const a: Aggregate = {first: e, last: e, count: 0, records: 0, bytes: 0, latencyMs: 0, hits: 0, misses: 0, evictions: 0, low: Infinity, high: -Infinity, resent: 0, duplicates: 0};
	add(a, e);
	return a;
}

function add(a: Aggregate, e: FlashQEvent): void {
	a.last = e;
	// An event folded by GET /events stands for `merged` equal ones (its counts and latency are sums).
	a.count += e.merged ?? 1;
	switch (e.type) {
		case 'append':
		case 'wal.write':
			a.records += e.count;
			a.bytes += e.bytes;
			break;
		case 'poll':
			a.records += e.count;
			break;
		case 'fsync':
			a.records += e.records;
			a.latencyMs += e.latencyMs;
			break;
		case 'wal.commit':
			a.records += e.records;
			a.bytes += e.bytes;
			break;
		case 'nats.ack':
			a.records += e.count;
			a.latencyMs += e.latencyMs;
			a.low = Math.min(a.low, e.baseOffset);
			a.high = Math.max(a.high, e.baseOffset + e.count - 1);
			a.resent += e.resent;
			a.duplicates += e.duplicates;
			break;
		case 'cache':
			a.hits += e.hits;
			a.misses += e.misses;
			a.evictions += e.evictions;
			break;
		default:
			break;
	}
}

/**
 * The bounded, coalescing event log. Equal consecutive steps (same type and topic, within a
 * second) become one line with a count, so a busy engine scrolls a readable log, not a blur.
 */
export class EventLog {
	/** `line` is rebuilt lazily (at snapshot time) after merges: a busy engine merges thousands a second. */
	private readonly lines: Ring<{agg: Aggregate | null; line: EventLine; stale: boolean}>;
	private nextId = 1;
	/** Events the hub dropped before we saw them (it keeps the newest when a listener lags). */
	dropped = 0;
	/** Everything added: engine events and notes (a line may hold several coalesced events). */
	total = 0;

	constructor(capacity = 200) {
		this.lines = new Ring(capacity);
	}

	add(e: FlashQEvent): void {
		this.total += e.merged ?? 1;
		const topic = topicOf(e);
		if (COALESCED.has(e.type)) {
			// One append makes a chain of steps (append, WAL write, fsync, commit, index): look back a
			// chain's length so a burst of appends folds into one line per step.
			for (let back = 0; back < LOOK_BACK; back++) {
				const entry = this.lines.fromEnd(back);
				if (!entry) break;
				if (!entry.agg) continue;
				if (e.at - entry.agg.first.at >= COALESCE_MS) break;
				if (sameStep(entry.agg.last, e)) {
					add(entry.agg, e);
					entry.stale = true;
					return;
				}
			}
		}
		const agg = start(e);
		this.lines.push({agg, line: {id: this.nextId++, at: e.at, type: e.type, topic, count: 1, level: levelOf(e), text: ''}, stale: true});
	}

	/** A line from the UI itself (errors of UI actions, notices). */
	note(text: string, level: EventLevel = 'info', at = Date.now()): void {
		this.total++;
		this.lines.push({agg: null, line: {id: this.nextId++, at, type: 'ui', topic: undefined, count: 1, level, text}, stale: false});
	}

	snapshot(): readonly EventLine[] {
		return this.lines.toArray().map((entry) => {
			if (entry.stale && entry.agg) {
				entry.line = {...entry.line, count: entry.agg.count, text: describe(entry.agg)};
				entry.stale = false;
			}
			return entry.line;
		});
	}
}
