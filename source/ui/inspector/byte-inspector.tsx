import {Box, Text} from 'ink';
import React, {memo, type ReactNode} from 'react';
import {FIELD_COLORS, type FieldKind, type FrameInspection, focusRows, type HexRow} from './frame-inspection.js';

export interface ByteInspectorProps {
	inspection: FrameInspection;
	topic?: string;
	/** Hex rows at most (the frame header is always shown, then the selected record's rows). */
	maxRows?: number;
	width?: number;
	/** Rows it may take, border included; what does not fit scrolls (`scroll` lines down). */
	height?: number;
	scroll?: number;
}

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');
const printable = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');
const LEGEND: FieldKind[] = ['magic', 'version', 'flags', 'crc', 'length', 'offset', 'count', 'timestamp', 'size', 'key', 'value', 'header'];
/** Hex rows shown by default: all of a frame up to 1 KiB, else its header and the record's rows. */
const DEFAULT_HEX_ROWS = 64;
/** Border (2) and padding (2). */
const INNER = 4;

function sourceLine(inspection: FrameInspection): string {
	const records = inspection.count === null || inspection.baseOffset === null ? '' : `, records ${inspection.baseOffset}..${inspection.baseOffset + inspection.count - 1}`;
	if (inspection.source === 'encoded') return `not on disk: the frame file storage would write for this record (${inspection.length} bytes${records})`;
	const what = inspection.source === 'wal' ? 'WAL (not yet committed)' : 'main log';
	return `${what} ${inspection.file} @ byte ${inspection.position} (frame ${inspection.length} bytes${records})`;
}

/** One hex row: frame-relative address, bytes coloured by field (other records' bytes dimmed), ASCII. */
const Row = memo(function Row({row, inspection}: {row: HexRow; inspection: FrameInspection}) {
	const spans: React.ReactNode[] = [];
	let ascii = '';
	row.cells.forEach((cell, i) => {
		const field = cell.field >= 0 ? inspection.fields[cell.field]! : null;
		const color = FIELD_COLORS[field?.kind ?? 'unknown'];
		const dim = field !== null && field.record !== null && field.record !== inspection.recordIndex;
		spans.push(
			<Text key={i} color={color} dimColor={dim} bold={field?.record === inspection.recordIndex && field.record !== null}>
				{hex(cell.byte, 2)}
				{i === 7 ? '  ' : ' '}
			</Text>,
		);
		ascii += printable(cell.byte);
	});
	const pad = ' '.repeat(Math.max(0, (16 - row.cells.length) * 3 + (row.cells.length <= 7 ? 1 : 0)));
	return (
		<Text wrap="truncate">
			<Text dimColor>{hex(row.address, 6)} </Text> {spans}
			{pad}
			<Text dimColor>|{ascii}|</Text>
		</Text>
	);
});

/** The legend's entries, as many to a line as fit in `columns`. */
function legendLines(columns: number): FieldKind[][] {
	const lines: FieldKind[][] = [[]];
	let used = 0;
	for (const kind of LEGEND) {
		const size = kind.length + 2;
		if (used > 0 && used + size > columns) {
			lines.push([]);
			used = 0;
		}
		lines.at(-1)!.push(kind);
		used += size;
	}
	return lines;
}

const cut = (text: string, size: number) => (text.length <= size ? text.padEnd(size) : `${text.slice(0, Math.max(0, size - 1))}…`);

/** Every line below the title, in order (they scroll together). */
function bodyLines(inspection: FrameInspection, maxRows: number, width: number): ReactNode[] {
	const inner = Math.max(10, width - INNER);
	const rows = focusRows(inspection, maxRows);
	const shown = inspection.fields.filter((f) => f.record === null || f.record === inspection.recordIndex);
	const labelWidth = Math.min(28, Math.max(8, Math.floor(inner * 0.4)), Math.max(...shown.map((f) => f.label.length + 1), 8));
	const crc =
		inspection.crcStored === null
			? 'CRC: frame too short'
			: `CRC stored 0x${hex(inspection.crcStored, 8)}, recomputed ${inspection.crcComputed === null ? '(incomplete frame)' : `0x${hex(inspection.crcComputed, 8)}`}`;
	return [
		<Text key="source" wrap="truncate-middle">
			{sourceLine(inspection)}
		</Text>,
		<Text key="index" wrap="truncate">
			Index entry at or before it:{' '}
			{inspection.indexEntry
				? `offset ${inspection.indexEntry.offset} → byte ${inspection.indexEntry.position}`
				: inspection.source === 'log'
					? 'none (read from byte 0)'
					: 'none (the index covers the main log only)'}
		</Text>,
		<Text key="crc" wrap="truncate">
			{crc}{' '}
			{inspection.crcValid ? <Text color="green">✓ valid</Text> : <Text color="red">✗ INVALID{inspection.error ? `: ${inspection.error}` : ''}</Text>}
		</Text>,
		<Text key="note" dimColor wrap="truncate">
			{inspection.position === null ? 'offsets from the frame\'s first byte' : `offsets from the frame's first byte (byte ${inspection.position} of the file)`}
		</Text>,
		...rows.map((row, i) =>
			row === null ? (
				<Text key={`skip${i}`} dimColor>
					{'       '}...
				</Text>
			) : (
				<Row key={`row${row.frameStart}`} row={row} inspection={inspection} />
			),
		),
		...legendLines(inner).map((kinds, i) => (
			<Text key={`legend${i}`} wrap="truncate">
				{kinds.map((kind) => (
					<Text key={kind} color={FIELD_COLORS[kind]}>
						■{kind}{' '}
					</Text>
				))}
			</Text>
		)),
		<Text key="gap2"> </Text>,
		...shown.map((field, i) => (
			<Text key={`field${i}`} wrap="truncate">
				<Text color={FIELD_COLORS[field.kind]}>{cut(field.label, labelWidth - 1)} </Text>
				<Text dimColor>{`[${field.start}, ${field.end})`.padEnd(13)}</Text>
				{field.value}
			</Text>
		)),
	];
}

/** Lines below the title (for a caller bounding the scroll). */
export function byteInspectorLines(inspection: FrameInspection, width = 100, maxRows = DEFAULT_HEX_ROWS): number {
	return bodyLines(inspection, maxRows, width).length;
}

/** Rows ByteInspector draws without a height (border included), for a caller that must reserve its room. */
export function byteInspectorRows(inspection: FrameInspection, maxRows = DEFAULT_HEX_ROWS, width = 100): number {
	return 2 + 1 + byteInspectorLines(inspection, width, maxRows);
}

/** The most `scroll` can be at `height` rows. */
export function byteInspectorMaxScroll(inspection: FrameInspection, width: number, height: number, maxRows = DEFAULT_HEX_ROWS): number {
	return Math.max(0, byteInspectorLines(inspection, width, maxRows) - Math.max(1, height - 3));
}

/**
 * The byte inspector: an annotated hex dump of one record's on-disk frame, addresses and field
 * ranges both counted from the frame's first byte. Presentational only; scrolls within `height`.
 */
export const ByteInspector = memo(function ByteInspector({inspection, topic, maxRows = DEFAULT_HEX_ROWS, width = 100, height, scroll = 0}: ByteInspectorProps) {
	const lines = bodyLines(inspection, maxRows, width);
	const room = height === undefined ? lines.length : Math.max(1, height - 3);
	const first = Math.max(0, Math.min(scroll, lines.length - room));
	const scrolls = lines.length > room;
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="magenta" paddingX={1} overflow="hidden">
			<Text bold wrap="truncate">
				Byte inspector{topic ? ` · topic '${topic}'` : ''} · offset {inspection.recordOffset}
				{inspection.recordIndex !== null && inspection.count !== null && inspection.count > 1 ? ` (record ${inspection.recordIndex + 1} of ${inspection.count} in this frame)` : ''}
				{scrolls ? <Text dimColor>{` · lines ${first + 1}-${first + room} of ${lines.length}, ↑↓ PgUp/PgDn`}</Text> : null}
			</Text>
			{lines.slice(first, first + room)}
		</Box>
	);
});
