import {crc32} from '../../storage/file/crc32.js';
import {FRAME_HEADER_BYTES} from '../../storage/file/frame-codec.js';
import {describeFrame} from '../../storage/file/frame-describer.js';

/** What a byte range is, for colouring: one colour per kind. */
export type FieldKind = 'magic' | 'version' | 'flags' | 'crc' | 'length' | 'offset' | 'count' | 'timestamp' | 'size' | 'key' | 'value' | 'header' | 'unknown';

export const FIELD_COLORS: Record<FieldKind, string> = {
	magic: 'magenta',
	version: 'magenta',
	flags: 'gray',
	crc: 'red',
	length: 'yellow',
	offset: 'cyan',
	count: 'yellow',
	timestamp: 'blue',
	size: 'gray',
	key: 'green',
	value: 'white',
	header: 'cyan',
	unknown: 'gray',
};

export interface InspectedField {
	/** The codec's name for it, e.g. 'crc', 'record[0].value.length'. */
	label: string;
	kind: FieldKind;
	/** Byte range within the frame, [start, end). */
	start: number;
	end: number;
	/** Readable value (numbers as decimal, strings quoted and shortened). */
	value: string;
	/** Index of the record it belongs to, or null for the frame header. */
	record: number | null;
}

export interface IndexEntry {
	offset: number;
	position: number;
}

export interface FrameInspection {
	/** Where the bytes came from: the main log, the WAL, or encoded for display (memory storage). */
	source: 'log' | 'wal' | 'encoded';
	/** File path (null when encoded). */
	file: string | null;
	/** Byte position of the frame's first byte in that file (null when encoded). */
	position: number | null;
	bytes: Buffer;
	length: number;
	baseOffset: number | null;
	count: number | null;
	timestamp: number | null;
	/** The record asked about, and its index within the frame (a frame holds one append batch). */
	recordOffset: number;
	recordIndex: number | null;
	crcStored: number | null;
	crcComputed: number | null;
	crcValid: boolean;
	/** Set when the frame is damaged or incomplete (what the codec says is wrong). */
	error: string | null;
	fields: InspectedField[];
	/** The offset-index entry at or before the frame (null in the WAL, when encoded, or before the first entry). */
	indexEntry: IndexEntry | null;
}

function kindOf(label: string): FieldKind {
	const last = label.replace(/\[\d+\]/g, '').split('.');
	if (label.startsWith('record[')) {
		if (last.at(-1) === 'length' || last.at(-1) === 'count') return 'size';
		if (label.includes('.headers')) return 'header';
		return last.at(-1) === 'key' ? 'key' : 'value';
	}
	switch (label) {
		case 'magic':
		case 'version':
		case 'flags':
		case 'crc':
		case 'length':
		case 'count':
		case 'timestamp':
			return label;
		case 'baseOffset':
			return 'offset';
		default:
			return 'unknown';
	}
}

function show(value: string | number | null | undefined, kind: FieldKind): string {
	if (value === null) return 'null';
	if (value === undefined) return '';
	if (typeof value === 'number') {
		if (kind === 'crc') return `0x${value.toString(16).padStart(8, '0')}`;
		if (kind === 'timestamp') return `${value} (${Number.isFinite(value) && Math.abs(value) < 8.64e15 ? new Date(value).toISOString() : 'invalid'})`;
		return String(value);
	}
	return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

export interface InspectOptions {
	source: FrameInspection['source'];
	file?: string | null;
	position?: number | null;
	indexEntry?: IndexEntry | null;
	/** The record of interest (default: the frame's first). */
	recordOffset?: number;
}

/**
 * Labels every byte of one frame, with boundaries from the storage codec's own describer (so the
 * inspector cannot drift from the format), and recomputes the CRC over bytes [8, length).
 * Works on damaged frames too: it labels what it can and reports the codec's complaint.
 */
export function inspectFrame(bytes: Buffer, options: InspectOptions): FrameInspection {
	const description = describeFrame(bytes, 0);
	const fields: InspectedField[] = description.fields.map((f) => {
		const kind = kindOf(f.label);
		const match = /^record\[(\d+)\]/.exec(f.label);
		return {label: f.label, kind, start: f.start, end: f.end, value: show(f.value, kind), record: match ? Number(match[1]) : null};
	});
	const get = (label: string) => description.fields.find((f) => f.label === label)?.value;
	const baseOffset = typeof get('baseOffset') === 'number' ? (get('baseOffset') as number) : null;
	const count = typeof get('count') === 'number' ? (get('count') as number) : null;
	const timestamp = typeof get('timestamp') === 'number' ? (get('timestamp') as number) : null;
	const crcStored = typeof get('crc') === 'number' ? (get('crc') as number) : null;
	const length = description.length ?? bytes.length;
	const complete = bytes.length >= length && length >= FRAME_HEADER_BYTES;
	const crcComputed = complete ? crc32(bytes.subarray(8, length)) : null;
	const recordOffset = options.recordOffset ?? baseOffset ?? 0;
	const recordIndex = baseOffset !== null && count !== null && recordOffset >= baseOffset && recordOffset < baseOffset + count ? recordOffset - baseOffset : null;
	return {
		source: options.source,
		file: options.file ?? null,
		position: options.position ?? null,
		bytes: bytes.subarray(0, Math.min(bytes.length, Math.max(length, 0))),
		length,
		baseOffset,
		count,
		timestamp,
		recordOffset,
		recordIndex,
		crcStored,
		crcComputed,
		crcValid: crcStored !== null && crcComputed !== null && crcStored === crcComputed,
		error: description.valid ? null : (description.error ?? 'invalid frame'),
		fields,
		indexEntry: options.indexEntry ?? null,
	};
}

export interface HexCell {
	byte: number;
	/** Index into `inspection.fields`, or -1 for bytes no field covers. */
	field: number;
}

export interface HexRow {
	/**
	 * Position of the row's first byte within the frame: the same numbers as the field table's
	 * ranges (the frame's position in its file is shown once, above the dump).
	 */
	address: number;
	/** Position within the frame. */
	frameStart: number;
	cells: HexCell[];
}

/** Rows of `width` bytes, each byte tagged with the field it belongs to. */
export function hexRows(inspection: FrameInspection, width = 16): HexRow[] {
	const owner = new Int32Array(inspection.bytes.length).fill(-1);
	inspection.fields.forEach((field, i) => {
		for (let b = field.start; b < Math.min(field.end, owner.length); b++) owner[b] = i;
	});
	const rows: HexRow[] = [];
	for (let start = 0; start < inspection.bytes.length; start += width) {
		const cells: HexCell[] = [];
		for (let b = start; b < Math.min(start + width, inspection.bytes.length); b++) cells.push({byte: inspection.bytes[b]!, field: owner[b]!});
		rows.push({address: start, frameStart: start, cells});
	}
	return rows;
}

/**
 * At most `maxRows` rows worth showing: the frame header, then the rows of the record of interest
 * (a batch frame can be kilobytes). `null` in the result stands for skipped rows.
 */
export function focusRows(inspection: FrameInspection, maxRows: number, width = 16): (HexRow | null)[] {
	const rows = hexRows(inspection, width);
	if (rows.length <= maxRows) return rows;
	const headerRows = Math.ceil(FRAME_HEADER_BYTES / width);
	const recordStart = inspection.fields.find((f) => f.record === inspection.recordIndex)?.start ?? FRAME_HEADER_BYTES;
	const firstRecordRow = Math.floor(recordStart / width);
	if (firstRecordRow <= headerRows + 1) return [...rows.slice(0, maxRows - 1), null];
	const budget = Math.max(1, maxRows - headerRows - 1);
	const tail = rows.slice(firstRecordRow, firstRecordRow + budget);
	const out: (HexRow | null)[] = [...rows.slice(0, headerRows), null, ...tail];
	if (firstRecordRow + budget < rows.length) out[out.length - 1] = null;
	return out;
}
