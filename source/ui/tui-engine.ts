import type {LiveQueueActions} from '../engine/live-queue.js';

export type {LiveQueue} from '../engine/live-queue.js';

/** The calls forms and panes make on the queue (the action side of LiveQueue; FlashQ and RemoteQueue fit). */
export type TuiEngine = LiveQueueActions;

/** Runs an engine action: its result string becomes a message; a failure resolves to the error text. */
export type Act = (what: string, action: () => Promise<string | void>) => Promise<string | void>;
