import type {AppendedOffset, CommitResult} from '../engine/types.js';
import type {FrameLocator} from './inspector/inspect-record.js';
import type {RecordReader} from './records-source.js';

/** The engine calls the UI makes besides reading stats and events (FlashQ fits). */
export interface TuiEngine extends RecordReader {
	post(topic: string, records: readonly {key?: string | null; value: string; headers?: Record<string, string> | null}[]): Promise<AppendedOffset[]>;
	createGroup(groupId: string): Promise<void>;
	deleteGroup(groupId: string): Promise<void>;
	commitOffset(groupId: string, topic: string, offset: number): Promise<CommitResult>;
	/** Where a record's frame is on disk (the byte inspector). */
	locateRecord: FrameLocator['locateRecord'];
}

/** Runs an engine action: its result string becomes a message; a failure resolves to the error text. */
export type Act = (what: string, action: () => Promise<string | void>) => Promise<string | void>;
