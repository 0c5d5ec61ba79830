import type {FrameLocation} from '../../storage/types.js';
import {encodeFrame} from '../../storage/file/frame-codec.js';
import {type FrameInspection, inspectFrame} from './frame-inspection.js';

/** A record as the app holds it (a poll result): timestamp as RFC 3339 text or ms. */
export interface InspectableRecord {
	offset: number;
	timestamp: string | number;
	key: string | null;
	value: string;
	headers: Record<string, string> | null;
}

/** The engine call the inspector needs (FlashQ fits): the storage itself finds the frame. */
export interface FrameLocator {
	locateRecord(topic: string, offset: number): Promise<FrameLocation | null>;
}

/**
 * The byte inspector's entry point (`x` on a selected record). The engine's storage finds the
 * record's real frame through its own file layer (the crash lesson's fault layer included), so the
 * inspector keeps no copy of the storage layout. Without a frame (memory storage), it shows the
 * frame file storage would write for this record alone, marked 'encoded'.
 */
export async function inspectRecord(engine: FrameLocator, topic: string, record: InspectableRecord): Promise<FrameInspection> {
	const located = await engine.locateRecord(topic, record.offset);
	if (!located) return encodedInspection(record);
	return inspectFrame(located.bytes, {
		source: located.source,
		file: located.file,
		position: located.position,
		indexEntry: located.indexEntry,
		recordOffset: record.offset,
	});
}

/** The frame file storage would write for this record alone. */
export function encodedInspection(record: InspectableRecord): FrameInspection {
	const timestamp = typeof record.timestamp === 'number' ? record.timestamp : Date.parse(record.timestamp);
	const {buffer} = encodeFrame(record.offset, timestamp, [{key: record.key, value: record.value, headers: record.headers}]);
	return inspectFrame(buffer, {source: 'encoded', recordOffset: record.offset});
}
