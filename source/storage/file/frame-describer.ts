// Labels a frame's bytes field by field for the byte inspector; the codec itself only encodes and decodes.
import {checkFrame, FRAME_HEADER_BYTES, parseHeader, readU64} from './frame-codec.js';

/** A labelled byte range [start, end) of a frame, for byte inspectors. */
export interface FrameField {
	label: string;
	start: number;
	end: number;
	value?: string | number | null;
}

export interface FrameDescription {
	/** True when the frame is complete and its CRC matches. */
	valid: boolean;
	error?: string;
	length: number | null;
	fields: FrameField[];
}

/**
 * Describes the frame at `at` field by field, with byte ranges relative to `buf`. Works on damaged
 * frames too: it labels what it can and says what is wrong.
 */
export function describeFrame(buf: Buffer, at = 0): FrameDescription {
	const fields: FrameField[] = [];
	const have = buf.length - at;
	const field = (label: string, start: number, size: number, value?: string | number | null) => {
		fields.push({label, start: at + start, end: at + start + size, value});
	};
	if (have >= 2) field('magic', 0, 2, buf.toString('latin1', at, at + 2));
	if (have >= 3) field('version', 2, 1, buf[at + 2]!);
	if (have >= 4) field('flags', 3, 1, buf[at + 3]!);
	if (have >= 8) field('crc', 4, 4, buf.readUInt32LE(at + 4));
	if (have >= 12) field('length', 8, 4, buf.readUInt32LE(at + 8));
	if (have >= 20) field('baseOffset', 12, 8, readU64(buf, at + 12));
	if (have >= 24) field('count', 20, 4, buf.readUInt32LE(at + 20));
	if (have >= 32) field('timestamp', 24, 8, buf.readDoubleLE(at + 24));
	const parsed = parseHeader(buf, at);
	if (!parsed.ok) return {valid: false, error: parsed.reason, length: have >= 12 ? buf.readUInt32LE(at + 8) : null, fields};
	const {header} = parsed;
	if (have < header.length) return {valid: false, error: `torn: ${have} of ${header.length} bytes`, length: header.length, fields};
	const valid = checkFrame(buf, header, at);
	try {
		let p = at + FRAME_HEADER_BYTES;
		const end = at + header.length;
		const str = (label: string) => {
			const n = buf.readUInt32LE(p);
			if (p + 4 + n > end) throw new Error('overrun');
			fields.push({label: `${label}.length`, start: p, end: p + 4, value: n});
			fields.push({label, start: p + 4, end: p + 4 + n, value: buf.toString('utf8', p + 4, p + 4 + n)});
			p += 4 + n;
		};
		for (let i = 0; i < header.count; i++) {
			const r = `record[${i}]`;
			const keyLength = buf.readInt32LE(p);
			if (keyLength < 0) {
				fields.push({label: `${r}.key.length`, start: p, end: p + 4, value: null});
				p += 4;
			} else str(`${r}.key`);
			str(`${r}.value`);
			const headerCount = buf.readInt32LE(p);
			fields.push({label: `${r}.headers.count`, start: p, end: p + 4, value: headerCount < 0 ? null : headerCount});
			p += 4;
			for (let h = 0; h < headerCount; h++) {
				str(`${r}.headers[${h}].name`);
				str(`${r}.headers[${h}].value`);
			}
		}
	} catch {
		return {valid: false, error: valid ? 'records do not parse' : 'crc mismatch', length: header.length, fields};
	}
	return valid ? {valid, length: header.length, fields} : {valid, error: 'crc mismatch', length: header.length, fields};
}
