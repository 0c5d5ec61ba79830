import {createBackend} from '../storage/factory.js';
import type {FrameLocation, GroupState, StorageBackend, StorageOptions, TopicLog} from '../storage/types.js';
import {FlashQError, storageError} from './errors.js';
import {type BatchListener, EventHub} from '../core/event-hub.js';
import type {FlashQEvent} from '../core/events.js';
import {type FlashQStats, type StorageNotice, type TopicCounters, emptyCounters} from '../core/stats.js';
import type {
	AppendedOffset,
	CommitResult,
	CommittedOffsetInfo,
	FetchResult,
	GroupInfo,
	OffsetForTime,
	PollOptions,
	PollResult,
	RecordInput,
	RecordWithOffset,
	StoredRecord,
	TopicCreated,
	TopicDeleted,
	TopicInfo,
} from './types.js';
import {type NameParameter, validateBatch, validateMaxBytes, validateMaxRecords, validateName, validateOffset} from './validation.js';

export type FlashQOptions = StorageOptions & {
	/** Subscribed before storage opens, so recovery progress is seen too. */
	onEvents?: BatchListener<FlashQEvent>;
	/** Batch interval for event delivery (default 50 ms). */
	eventFlushIntervalMs?: number;
	/**
	 * Most topics this queue holds (default DEFAULT_MAX_TOPICS): a post that would create one more is
	 * refused with `topic_limit_reached` (409). Every topic costs memory, disk and, while active, file
	 * descriptors, so an unbounded count ends in a 500 (EMFILE, ENOSPC) instead. Topics already in
	 * storage always open, even past the limit.
	 */
	maxTopics?: number;
};

/**
 * 10000: far more topics than a teaching queue needs, yet a known bound on what they cost (with file
 * storage ~100 KiB of disk each when nearly empty, and memory for each one's state and cache).
 */
export const DEFAULT_MAX_TOPICS = 10_000;

interface TopicState {
	readonly log: TopicLog;
	readonly counters: TopicCounters;
	lastAppendTime: number | null;
}

let lastIsoMs = Number.NaN;
let lastIso = '';
/** RFC 3339 text of a time; posts in the same millisecond reuse the last string (formatting costs ~1.5 us). */
const iso = (ms: number): string => {
	if (ms !== lastIsoMs) {
		lastIsoMs = ms;
		lastIso = new Date(ms).toISOString();
	}
	return lastIso;
};

function toWire(stored: readonly StoredRecord[], includeHeaders: boolean): RecordWithOffset[] {
	const out = new Array<RecordWithOffset>(stored.length);
	for (let index = 0; index < stored.length; index++) {
		const record = stored[index]!;
		out[index] = {
			key: record.key,
			value: record.value,
			headers: includeHeaders ? record.headers : null,
			offset: record.offset,
			// Records of one batch share a timestamp, so `iso` formats it once.
			timestamp: iso(record.timestamp),
		};
	}
	return out;
}

/** A name read back from storage: the engine's rules, said as a problem of the stored data. */
function checkStoredName(name: string, parameter: NameParameter): void {
	try {
		validateName(name, parameter);
	} catch (error) {
		throw new Error(`invalid ${parameter === 'topic' ? 'topic name' : 'group id'} ${JSON.stringify(name)}: ${(error as Error).message}`);
	}
}

const topicNotFound = (topic: string) => new FlashQError('topic_not_found', `topic '${topic}' does not exist`, {topic});
const groupNotFound = (groupId: string) =>
	new FlashQError('group_not_found', `consumer group '${groupId}' does not exist`, {group_id: groupId});

/**
 * The FlashQ engine: topics of append-only records and consumer groups of committed offsets,
 * over a pluggable storage backend. Validation lives here so every front end gets the same rules.
 * Appends to one topic are ordered by the log itself (offsets are assigned at call time), so
 * different topics never wait on each other and no lock is held across I/O.
 */
export class FlashQ {
	private readonly topicStates = new Map<string, TopicState>();
	/** The last topic name post() validated (validation is pure, so the same name needs no second look). */
	private lastPostedTopic: string | null = null;
	private readonly openingTopics = new Map<string, Promise<TopicState>>();
	/** Topics being deleted: a post or creation of the name waits for the deletion, then makes a new topic. */
	private readonly deletingTopics = new Map<string, Promise<void>>();
	private readonly groupStates = new Map<string, GroupState>();
	/** Per-group operation chains: group writes are whole-state saves, so they must not interleave. */
	private readonly groupChains = new Map<string, Promise<unknown>>();
	private readonly totals = emptyCounters();
	private closing: Promise<void> | undefined;
	readonly startedAt = Date.now();

	private constructor(
		private readonly backend: StorageBackend,
		/** The batched event stream; prefer `subscribe`. */
		readonly events: EventHub<FlashQEvent>,
		private readonly maxTopics: number,
	) {}

	static async open(options: FlashQOptions = {storage: 'memory'}): Promise<FlashQ> {
		const events = new EventHub<FlashQEvent>({flushIntervalMs: options.eventFlushIntervalMs});
		if (options.onEvents) events.subscribe(options.onEvents);
		const backend = await createBackend(options, {events});
		const queue = new FlashQ(backend, events, options.maxTopics ?? DEFAULT_MAX_TOPICS);
		try {
			for (const name of await backend.existingTopics()) await queue.topicState(name, false);
			// A committed offset never passes its topic's high water mark (commitOffset refuses that). With
			// sync=always the high water mark is durable, so one that does here comes from a changed file:
			// refuse it rather than have consumers skip records (the store names the file). With periodic or
			// never, a power loss may take acknowledged records that a group had consumed: the offset is set
			// back to the high water mark, loudly.
			const forgiving = backend.info.sync === 'periodic' || backend.info.sync === 'never';
			const setBack: GroupState[] = [];
			const checkGroup = (group: GroupState): void => {
				// Names are the engine's rules; a file that breaks them was changed by hand (or by an attacker).
				checkStoredName(group.groupId, 'group_id');
				for (const topic of group.offsets.keys()) checkStoredName(topic, 'topic');
				for (const [topic, {offset}] of group.offsets) {
					const highWaterMark = queue.topicStates.get(topic)?.log.highWaterMark ?? 0;
					if (offset <= highWaterMark) continue;
					const exists = queue.topicStates.has(topic);
					if (forgiving && exists) {
						group.offsets.set(topic, {offset: highWaterMark, time: Date.now()});
						if (!setBack.includes(group)) setBack.push(group);
						backend.info.notices.push({
							at: Date.now(),
							kind: 'recovery',
							level: 'warning',
							topic,
							message: `consumer group '${group.groupId}' had committed offset ${offset} for topic '${topic}', past its recovered high water mark ${highWaterMark} (sync=${backend.info.sync} lost unsynced records): set back to ${highWaterMark}`,
						});
						continue;
					}
					throw new FlashQError(
						'internal_error',
						`consumer group '${group.groupId}' has committed offset ${offset} for topic '${topic}' beyond its high water mark ${highWaterMark}${exists ? '' : ' (the topic does not exist)'}`,
						{group_id: group.groupId, topic, offset, max_offset: highWaterMark},
					);
				}
			};
			for (const group of await backend.groups.load(checkGroup)) queue.groupStates.set(group.groupId, group);
			for (const group of setBack) await backend.groups.save(group);
		} catch (error) {
			await backend.close().catch(() => undefined);
			throw storageError(error);
		}
		return queue;
	}

	/** Appends one batch; the records get contiguous offsets and one stored timestamp. */
	async post(topic: string, records: readonly RecordInput[]): Promise<AppendedOffset[]> {
		this.assertOpen();
		// A producer posts to the same topic again and again: its name passed the checks last time.
		if (topic !== this.lastPostedTopic) {
			validateName(topic, 'topic');
			this.lastPostedTopic = topic;
		}
		const bytes = validateBatch(records);
		const state = this.topicStates.get(topic) ?? (await this.topicState(topic));
		const timestamp = Date.now();
		let baseOffset: number;
		try {
			// A log that never waits (memory) saves the promise and the microtask of an await per post.
			const log = state.log;
			baseOffset = log.appendNow ? log.appendNow(records, timestamp, bytes) : await log.append(records, timestamp, bytes);
		} catch (error) {
			throw storageError(error);
		}
		const count = records.length;
		state.counters.records += count;
		state.counters.bytes += bytes;
		state.counters.appends++;
		state.lastAppendTime = timestamp;
		this.totals.records += count;
		this.totals.bytes += bytes;
		this.totals.appends++;
		if (this.events.active) {
			// At acknowledgement, not at the records' timestamp: the event follows the WAL write and fsync it waited for.
			this.events.emit({type: 'append', at: Date.now(), topic, baseOffset, count, bytes});
		}
		const stamp = iso(timestamp);
		const offsets = new Array<AppendedOffset>(count);
		for (let index = 0; index < count; index++) offsets[index] = {offset: baseOffset + index, timestamp: stamp};
		return offsets;
	}

	/** Stateless read of a topic (the plain poll). */
	poll(topic: string, options: PollOptions = {}): Promise<PollResult> {
		return this.readTopic(topic, options, true);
	}

	/**
	 * The same read as `poll`, counted nowhere: no poll in the stats, no cache hit or miss, no index
	 * lookup, no LRU recency change, no event. For views that show the queue (the TUI's Records pane),
	 * so that looking at the queue does not change the figures shown about it.
	 */
	peek(topic: string, options: PollOptions = {}): Promise<PollResult> {
		return this.readTopic(topic, options, false);
	}

	private async readTopic(topic: string, options: PollOptions, counted: boolean): Promise<PollResult> {
		this.assertOpen();
		validateName(topic, 'topic');
		const maxRecords = validateMaxRecords(options.maxRecords);
		const maxBytes = validateMaxBytes(options.maxBytes);
		if (options.fromOffset !== undefined) validateOffset(options.fromOffset, 'from_offset');
		const state = this.topicStates.get(topic);
		if (!state) throw topicNotFound(topic);
		const fromOffset = options.fromOffset ?? 0;
		const stored = await this.read(state, fromOffset, maxRecords, maxBytes, !counted);
		const highWaterMark = state.log.highWaterMark;
		const nextOffset = stored.length > 0 ? stored[stored.length - 1]!.offset + 1 : (options.fromOffset ?? highWaterMark);
		if (counted) this.countPoll(topic, state, fromOffset, stored.length);
		const result: PollResult = {records: toWire(stored, options.includeHeaders ?? true), nextOffset, highWaterMark};
		if (highWaterMark >= nextOffset) result.lag = highWaterMark - nextOffset;
		return result;
	}

	async createGroup(groupId: string): Promise<void> {
		this.assertOpen();
		validateName(groupId, 'group_id');
		await this.withGroup(groupId, async () => {
			if (this.groupStates.has(groupId)) {
				throw new FlashQError('conflict', `consumer group '${groupId}' already exists`, {group_id: groupId});
			}
			await this.storage(() => this.backend.groups.create(groupId));
			this.groupStates.set(groupId, {groupId, offsets: new Map()});
			if (this.events.active) this.events.emit({type: 'group.create', at: Date.now(), group: groupId});
		});
	}

	/** Deletes the group and its persisted state: creating it again starts at offset 0. */
	async deleteGroup(groupId: string): Promise<void> {
		this.assertOpen();
		validateName(groupId, 'group_id');
		await this.withGroup(groupId, async () => {
			if (!this.groupStates.has(groupId)) throw groupNotFound(groupId);
			await this.storage(() => this.backend.groups.delete(groupId));
			this.groupStates.delete(groupId);
			if (this.events.active) this.events.emit({type: 'group.delete', at: Date.now(), group: groupId});
		});
	}

	/** Commits (or rewinds) a group's offset; `offset` may equal the high water mark ("consumed everything"). */
	async commitOffset(groupId: string, topic: string, offset: number): Promise<CommitResult> {
		this.assertOpen();
		validateName(groupId, 'group_id');
		validateName(topic, 'topic');
		validateOffset(offset, 'offset');
		return this.withGroup(groupId, async () => {
			const group = this.groupStates.get(groupId);
			if (!group) throw groupNotFound(groupId);
			const state = this.topicStates.get(topic);
			if (!state) throw topicNotFound(topic);
			const highWaterMark = state.log.highWaterMark;
			if (offset > highWaterMark) {
				throw new FlashQError(
					'invalid_offset',
					`offset ${offset} is beyond the high water mark ${highWaterMark} of topic '${topic}'`,
					{offset, topic, max_offset: highWaterMark},
				);
			}
			const time = Date.now();
			const offsets = new Map(group.offsets).set(topic, {offset, time});
			await this.storage(() => this.backend.groups.save({groupId, offsets}));
			group.offsets = offsets;
			if (this.events.active) this.events.emit({type: 'group.commit', at: time, group: groupId, topic, offset});
			return {groupId, topic, offset, committedOffset: offset, timestamp: iso(time)};
		});
	}

	/** The committed offset, high water mark and lag. An unknown topic reads as 0/0/0, as in the reference. */
	committedOffset(groupId: string, topic: string): CommittedOffsetInfo {
		this.assertOpen();
		validateName(groupId, 'group_id');
		validateName(topic, 'topic');
		const group = this.groupStates.get(groupId);
		if (!group) throw groupNotFound(groupId);
		return this.offsetInfo(group, topic);
	}

	/** Reads for a group from its committed offset (or `fromOffset`); never advances the committed offset. */
	async fetch(groupId: string, topic: string, options: PollOptions = {}): Promise<FetchResult> {
		this.assertOpen();
		validateName(groupId, 'group_id');
		validateName(topic, 'topic');
		const maxRecords = validateMaxRecords(options.maxRecords);
		const maxBytes = validateMaxBytes(options.maxBytes);
		if (options.fromOffset !== undefined) validateOffset(options.fromOffset, 'from_offset');
		const group = this.groupStates.get(groupId);
		if (!group) throw groupNotFound(groupId);
		const state = this.topicStates.get(topic);
		if (!state) throw topicNotFound(topic);
		const committed = group.offsets.get(topic)?.offset ?? 0;
		const fromOffset = options.fromOffset ?? committed;
		const stored = await this.read(state, fromOffset, maxRecords, maxBytes);
		const highWaterMark = state.log.highWaterMark;
		this.countPoll(topic, state, fromOffset, stored.length, groupId);
		const result: FetchResult = {records: toWire(stored, options.includeHeaders ?? true), nextOffset: committed, highWaterMark};
		if (highWaterMark >= committed) result.lag = highWaterMark - committed;
		return result;
	}

	topics(): TopicInfo[] {
		return [...this.topicStates.entries()]
			.map(([name, state]) => ({
				name,
				highWaterMark: state.log.highWaterMark,
				recordCount: state.log.highWaterMark,
				lastAppendTime: state.lastAppendTime,
			}))
			.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	}

	groups(): GroupInfo[] {
		return [...this.groupStates.values()]
			.map((group) => ({
				groupId: group.groupId,
				offsets: [...group.offsets.keys()].sort().map((topic) => this.offsetInfo(group, topic)),
			}))
			.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
	}

	/**
	 * Where a record's frame lives on disk (file, byte position, bytes, index entry), for teaching
	 * views like the byte inspector. Null when the storage keeps no frames (memory) or the offset
	 * does not exist.
	 */
	async locateRecord(topic: string, offset: number): Promise<FrameLocation | null> {
		this.assertOpen();
		validateName(topic, 'topic');
		validateOffset(offset, 'offset');
		const state = this.topicStates.get(topic);
		if (!state) throw topicNotFound(topic);
		const log = state.log;
		if (!log.locateFrame) return null;
		return this.storage(() => log.locateFrame!(offset));
	}

	/** An empty topic; `created: false` (and nothing else happens) when it exists already. */
	async createTopic(topic: string): Promise<TopicCreated> {
		this.assertOpen();
		validateName(topic, 'topic');
		// A deletion in progress finishes first: the topic made here is a new one.
		if (this.deletingTopics.has(topic)) await this.deletingTopics.get(topic);
		// Checked and started with no await between: of concurrent calls, the one that starts the opening made it.
		const created = !this.topicStates.has(topic) && !this.openingTopics.has(topic);
		await this.topicState(topic);
		return {topic, created};
	}

	/**
	 * Deletes the topic, its records and every group's committed offset for it (the groups stay).
	 * A later post to the name starts a new topic at offset 0. Posts and creations of the name that
	 * arrive meanwhile wait for the deletion, so they make that new topic.
	 */
	async deleteTopic(topic: string): Promise<TopicDeleted> {
		this.assertOpen();
		validateName(topic, 'topic');
		// No await unless needed: a post made right after this call then lands in the new topic.
		if (this.deletingTopics.has(topic)) await this.deletingTopics.get(topic);
		// A topic being made by a first post is deleted once it exists.
		if (this.openingTopics.has(topic)) await this.openingTopics.get(topic)!.catch(() => undefined);
		const state = this.topicStates.get(topic);
		if (!state) throw topicNotFound(topic);
		// Gone for every caller from here: reads and commits answer topic_not_found, posts wait.
		this.topicStates.delete(topic);
		let records = state.log.highWaterMark;
		let groups: string[] = [];
		let committed = false;
		const deletion = this.storage(() =>
			this.backend.deleteTopic(topic, async () => {
				committed = true;
				// The log is closed now: appends that were in flight are in or out for good.
				records = state.log.highWaterMark;
				groups = await this.dropOffsets(topic);
			}),
		);
		const settled = deletion.then(
			() => undefined,
			() => undefined,
		);
		this.deletingTopics.set(topic, settled);
		try {
			await deletion;
		} catch (error) {
			this.deletingTopics.delete(topic);
			// Failed before anything was undone for good: the topic is still in storage, so serve it again.
			if (!committed && !this.closing) await this.topicState(topic, false).catch(() => undefined);
			throw error;
		}
		this.deletingTopics.delete(topic);
		if (this.events.active) this.events.emit({type: 'topic.delete', at: Date.now(), topic, records, groups});
		return {topic, records, groups};
	}

	/** The first record whose timestamp is >= `time` (ms since the epoch), by the index; counted nowhere. */
	async offsetForTime(topic: string, time: number): Promise<OffsetForTime> {
		this.assertOpen();
		validateName(topic, 'topic');
		if (typeof time !== 'number' || !Number.isFinite(time)) {
			throw new FlashQError('invalid_parameter', 'time must be a number of milliseconds since the epoch', {parameter: 'time', value: String(time)});
		}
		const state = this.topicStates.get(topic);
		if (!state) throw topicNotFound(topic);
		return this.storage(() => state.log.offsetForTime(time));
	}

	/** Removes every group's committed offset for a deleted topic, in each group's chain; the groups that had one, sorted. */
	private async dropOffsets(topic: string): Promise<string[]> {
		const dropped: string[] = [];
		const results = await Promise.allSettled(
			[...this.groupStates.keys()].map((groupId) =>
				this.withGroup(groupId, async () => {
					const group = this.groupStates.get(groupId);
					if (!group?.offsets.has(topic)) return;
					const offsets = new Map(group.offsets);
					offsets.delete(topic);
					await this.storage(() => this.backend.groups.save({groupId, offsets}));
					group.offsets = offsets;
					dropped.push(groupId);
				}),
			),
		);
		const failed = results.find((result) => result.status === 'rejected');
		if (failed) throw failed.reason;
		return dropped.sort();
	}

	hasTopic(topic: string): boolean {
		return this.topicStates.has(topic);
	}

	/**
	 * Every storage notice so far (recovery actions at open, lock takeovers and losses), oldest first:
	 * what `stats().storage.notices` holds, without building every topic's figures to get it.
	 */
	storageNotices(): readonly StorageNotice[] {
		return this.backend.info.notices;
	}

	/** A snapshot of every counter and every storage figure. */
	stats(): FlashQStats {
		const topics = [...this.topicStates.entries()].map(([name, state]) => ({
			name,
			highWaterMark: state.log.highWaterMark,
			...state.counters,
			storage: state.log.stats(),
		}));
		return {
			startedAt: this.startedAt,
			storage: {...this.backend.info},
			totals: {...this.totals, topics: this.topicStates.size, groups: this.groupStates.size},
			topics,
		};
	}

	/** Receives events in batches (at most every 50 ms); returns the unsubscribe function. */
	subscribe(listener: BatchListener<FlashQEvent>): () => void {
		return this.events.subscribe(listener);
	}

	get isClosed(): boolean {
		return this.closing !== undefined;
	}

	/** Flushes and closes storage (releasing any lock). Safe to call twice. */
	close(): Promise<void> {
		this.closing ??= (async () => {
			await Promise.allSettled(this.deletingTopics.values());
			await Promise.allSettled(this.openingTopics.values());
			await Promise.allSettled(this.groupChains.values());
			try {
				await this.backend.close();
			} finally {
				this.events.flush();
			}
		})();
		return this.closing;
	}

	private assertOpen(): void {
		if (this.closing) throw new FlashQError('internal_error', 'FlashQ is closed');
	}

	/** The topic's state, opening (or, with `create`, creating) it; `create` is refused past `maxTopics`. */
	private topicState(topic: string, create = true): Promise<TopicState> {
		const existing = this.topicStates.get(topic);
		if (existing) return Promise.resolve(existing);
		const deleting = this.deletingTopics.get(topic);
		if (deleting) return deleting.then(() => this.topicState(topic, create));
		let opening = this.openingTopics.get(topic);
		if (!opening) {
			// Topics being opened count too: concurrent first posts to new topics cannot pass the limit.
			if (create && this.topicStates.size + this.openingTopics.size >= this.maxTopics) {
				return Promise.reject(
					new FlashQError(
						'topic_limit_reached',
						`cannot create topic '${topic}': this queue already holds its maximum of ${this.maxTopics} topics (raise it with --max-topics)`,
						{topic, max_topics: this.maxTopics},
					),
				);
			}
			opening = (async () => {
				try {
					const log = await this.storage(() => this.backend.openTopic(topic));
					const state: TopicState = {log, counters: emptyCounters(), lastAppendTime: null};
					this.topicStates.set(topic, state);
					// Existing topics are opened at open (create=false): only a new one is a creation.
					if (create && this.events.active) this.events.emit({type: 'topic.create', at: Date.now(), topic});
					return state;
				} finally {
					this.openingTopics.delete(topic);
				}
			})();
			this.openingTopics.set(topic, opening);
		}
		return opening;
	}

	private async read(state: TopicState, fromOffset: number, maxRecords: number, maxBytes: number, quiet = false): Promise<StoredRecord[]> {
		if (fromOffset >= state.log.highWaterMark) return [];
		return this.storage(() => state.log.read(fromOffset, maxRecords, maxBytes, quiet));
	}

	private countPoll(topic: string, state: TopicState, fromOffset: number, count: number, group?: string): void {
		state.counters.polls++;
		state.counters.recordsRead += count;
		this.totals.polls++;
		this.totals.recordsRead += count;
		if (this.events.active) {
			this.events.emit(
				group === undefined
					? {type: 'poll', at: Date.now(), topic, fromOffset, count}
					: {type: 'poll', at: Date.now(), topic, fromOffset, count, group},
			);
		}
	}

	private offsetInfo(group: GroupState, topic: string): CommittedOffsetInfo {
		const commit = group.offsets.get(topic);
		const committedOffset = commit?.offset ?? 0;
		const highWaterMark = this.topicStates.get(topic)?.log.highWaterMark ?? 0;
		const info: CommittedOffsetInfo = {
			topic,
			committedOffset,
			highWaterMark,
			lag: Math.max(0, highWaterMark - committedOffset),
		};
		if (commit) info.lastCommitTime = iso(commit.time);
		return info;
	}

	private withGroup<T>(groupId: string, operation: () => Promise<T>): Promise<T> {
		const previous = this.groupChains.get(groupId) ?? Promise.resolve();
		const next = previous.then(operation, operation);
		const settled = next.then(
			() => undefined,
			() => undefined,
		);
		this.groupChains.set(groupId, settled);
		void settled.then(() => {
			if (this.groupChains.get(groupId) === settled) this.groupChains.delete(groupId);
		});
		return next;
	}

	private async storage<T>(operation: () => Promise<T>): Promise<T> {
		try {
			return await operation();
		} catch (error) {
			throw storageError(error);
		}
	}
}
