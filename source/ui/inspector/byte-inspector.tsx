import {Box, Text} from 'ink';
import React, {memo} from 'react';
import {FIELD_COLORS, type FieldKind, type FrameInspection, focusRows, type HexRow} from './frame-inspection.js';

export interface ByteInspectorProps {
	inspection: FrameInspection;
	topic?: string;
	/** Hex rows at most (the frame header is always shown, then the selected record's rows). */
	maxRows?: number;
	width?: number;
}

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');
const printable = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');
const LEGEND: FieldKind[] = ['magic', 'crc', 'length', 'offset', 'count', 'timestamp', 'size', 'key', 'value', 'header'];

function sourceLine(inspection: FrameInspection): string {
	const records = inspection.count === null || inspection.baseOffset === null ? '' : `, records ${inspection.baseOffset}..${inspection.baseOffset + inspection.count - 1}`;
	if (inspection.source === 'encoded') return `not on disk: the frame file storage would write for this record (${inspection.length} bytes${records})`;
	const what = inspection.source === 'wal' ? 'WAL (not yet committed)' : 'main log';
	return `${what} ${inspection.file} @ byte ${inspection.position} (frame ${inspection.length} bytes${records})`;
}

/** One hex row: address, bytes coloured by field (other records' bytes dimmed), ASCII. */
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
			<Text dimColor>{hex(row.address, 8)} </Text> {spans}
			{pad}
			<Text dimColor>|{ascii}|</Text>
		</Text>
	);
});

/** Rows ByteInspector draws (border included), for a caller that must reserve its room. */
export function byteInspectorRows(inspection: FrameInspection, maxRows = 12): number {
	const fields = inspection.fields.filter((f) => f.record === null || f.record === inspection.recordIndex).length;
	return 2 + 4 + 1 + focusRows(inspection, maxRows).length + 1 + 1 + fields;
}

/** The byte inspector: an annotated hex dump of one record's on-disk frame. Presentational only. */
export const ByteInspector = memo(function ByteInspector({inspection, topic, maxRows = 12, width}: ByteInspectorProps) {
	const rows = focusRows(inspection, maxRows);
	const shown = inspection.fields.filter((f) => f.record === null || f.record === inspection.recordIndex);
	const crc =
		inspection.crcStored === null
			? 'CRC: frame too short'
			: `CRC stored 0x${hex(inspection.crcStored, 8)}, recomputed ${inspection.crcComputed === null ? '(incomplete frame)' : `0x${hex(inspection.crcComputed, 8)}`}`;
	return (
		<Box flexDirection="column" width={width} borderStyle="round" borderColor="magenta" paddingX={1}>
			<Text bold wrap="truncate">
				Byte inspector{topic ? ` · topic '${topic}'` : ''} · offset {inspection.recordOffset}
				{inspection.recordIndex !== null && inspection.count !== null && inspection.count > 1 ? ` (record ${inspection.recordIndex + 1} of ${inspection.count} in this frame)` : ''}
			</Text>
			<Text wrap="truncate-middle">{sourceLine(inspection)}</Text>
			<Text wrap="truncate">
				Index entry at or before it:{' '}
				{inspection.indexEntry
					? `offset ${inspection.indexEntry.offset} → byte ${inspection.indexEntry.position}`
					: inspection.source === 'log'
						? 'none (read from byte 0)'
						: 'none (the index covers the main log only)'}
			</Text>
			<Text wrap="truncate">
				{crc}{' '}
				{inspection.crcValid ? <Text color="green">✓ valid</Text> : <Text color="red">✗ INVALID{inspection.error ? `: ${inspection.error}` : ''}</Text>}
			</Text>
			<Box flexDirection="column" marginTop={1}>
				{rows.map((row, i) =>
					row === null ? (
						<Text key={`gap${i}`} dimColor>
							{'         '}...
						</Text>
					) : (
						<Row key={row.frameStart} row={row} inspection={inspection} />
					),
				)}
			</Box>
			<Text wrap="truncate">
				{LEGEND.map((kind) => (
					<Text key={kind} color={FIELD_COLORS[kind]}>
						■{kind}{' '}
					</Text>
				))}
			</Text>
			<Box flexDirection="column" marginTop={1}>
				{shown.map((field) => (
					<Text key={field.label} wrap="truncate">
						<Text color={FIELD_COLORS[field.kind]}>{field.label.padEnd(28)}</Text>
						<Text dimColor>{`[${field.start}, ${field.end})`.padEnd(13)}</Text>
						{field.value}
					</Text>
				))}
			</Box>
		</Box>
	);
});
