import type {BatchListener} from '../core/event-hub.js';
import type {FlashQEvent} from '../core/events.js';
import type {FlashQStats} from '../core/stats.js';
import type {AppendedOffset, CommitResult, GroupInfo, OffsetForTime, PollOptions, PollResult, TopicCreated, TopicDeleted} from './types.js';
import type {FrameLocation} from '../storage/types.js';

/** Where a queue in another process is, and whether it answers now. */
export interface Connection {
	url: string;
	state: 'connected' | 'retrying';
	/** When the state last changed (ms since the epoch). */
	since: number;
	/** Why the last attempt failed, while retrying (short: "ECONNREFUSED", "HTTP 503"). */
	error: string | null;
}

/**
 * The queue the app shows and acts on: a FlashQ in this process, or a RemoteQueue reached over
 * HTTP. Panes, keys and forms use only this, so none of them knows where the queue runs; only a
 * queue elsewhere has `connection` (the header shows it; the tour, which needs its own engines,
 * stays local).
 */
export interface LiveQueue {
	// --- what the panes read ---
	stats(): FlashQStats;
	groups(): GroupInfo[];
	/** The engine's events in batches, oldest first, with how many were missed since the last batch. */
	subscribe(listener: BatchListener<FlashQEvent>): () => void;

	// --- what the panes and forms do ---
	/** A poll counted nowhere: the Records pane's reads never show in the figures beside it. */
	peek(topic: string, options?: PollOptions): Promise<PollResult>;
	post(topic: string, records: readonly {key?: string | null; value: string; headers?: Record<string, string> | null}[]): Promise<AppendedOffset[]>;
	createGroup(groupId: string): Promise<void>;
	deleteGroup(groupId: string): Promise<void>;
	commitOffset(groupId: string, topic: string, offset: number): Promise<CommitResult>;
	/** Where a record's frame is on disk (the byte inspector); null on memory storage. */
	locateRecord(topic: string, offset: number): Promise<FrameLocation | null>;
	/** An empty topic (nothing happens when it exists). */
	createTopic(topic: string): Promise<TopicCreated>;
	/** The topic, its records and every group's committed offset for it. */
	deleteTopic(topic: string): Promise<TopicDeleted>;
	/** The first record at or after `time` (ms since the epoch), by the index; counted nowhere. */
	offsetForTime(topic: string, time: number): Promise<OffsetForTime>;

	// --- only a queue in another process ---
	connection?(): Connection;
	/** Called whenever connection() changes. */
	onConnection?(listener: () => void): () => void;
}

/** The read side (what the store subscribes to). */
export type LiveQueueView = Pick<LiveQueue, 'stats' | 'groups' | 'subscribe'>;
/** The action side (what forms and the Records pane call). */
export type LiveQueueActions = Pick<
	LiveQueue,
	'peek' | 'post' | 'createGroup' | 'deleteGroup' | 'commitOffset' | 'locateRecord' | 'createTopic' | 'deleteTopic' | 'offsetForTime'
>;
