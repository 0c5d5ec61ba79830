import type {StorageInfo} from '../../engine/stats.js';
import type {FrameLocation} from '../../storage/types.js';
import {encodeFrame} from '../../storage/file/frame-codec.js';
import {type FileIo, NodeIo} from '../../storage/file/io.js';
import {type FrameInspection, inspectFrame} from './frame-inspection.js';
import {locateFrame} from './locate.js';

/** A record as the app holds it (a poll result): timestamp as RFC 3339 text or ms. */
export interface InspectableRecord {
	offset: number;
	timestamp: string | number;
	key: string | null;
	value: string;
	headers: Record<string, string> | null;
}

export interface InspectRequest {
	/** `engine.stats().storage`. */
	storage: StorageInfo;
	topic: string;
	record: InspectableRecord;
	/** The file layer to read through (default the real disk; the crash lesson's fault layer otherwise). */
	io?: FileIo | null;
}

/**
 * The byte inspector's entry point (`x` on a selected record). File storage: the record's real
 * frame, read from the log or the WAL. Memory storage (or a record not found on disk): the frame
 * file storage would write for this record alone, marked 'encoded'.
 */
export function inspectRecord(request: InspectRequest): FrameInspection {
	const {storage, topic, record} = request;
	if (storage.kind === 'file' && storage.dataDir) {
		const located = locateFrame(request.io ?? new NodeIo(), storage.dataDir, topic, record.offset);
		if (located) {
			return inspectFrame(located.bytes, {
				source: located.source,
				file: located.file,
				position: located.position,
				indexEntry: located.indexEntry,
				recordOffset: record.offset,
			});
		}
	}
	const timestamp = typeof record.timestamp === 'number' ? record.timestamp : Date.parse(record.timestamp);
	const {buffer} = encodeFrame(record.offset, timestamp, [{key: record.key, value: record.value, headers: record.headers}]);
	return inspectFrame(buffer, {source: 'encoded', recordOffset: record.offset});
}

/** The engine call the inspector prefers (FlashQ fits): the storage itself finds the frame. */
export interface FrameLocator {
	locateRecord(topic: string, offset: number): Promise<FrameLocation | null>;
}

/**
 * The byte inspector through the engine (`engine.locateRecord`): the storage finds the frame
 * through its own file layer (the crash lesson's fault layer included), so the inspector needs no
 * copy of the storage layout. Without a frame (memory storage), the frame file storage would write.
 */
export async function inspectRecordVia(engine: FrameLocator, request: Omit<InspectRequest, 'io'>): Promise<FrameInspection> {
	const {topic, record} = request;
	const located = await engine.locateRecord(topic, record.offset);
	if (located) {
		return inspectFrame(located.bytes, {
			source: located.source,
			file: located.file,
			position: located.position,
			indexEntry: located.indexEntry,
			recordOffset: record.offset,
		});
	}
	return inspectRecord({...request, storage: {...request.storage, kind: 'memory'}});
}
