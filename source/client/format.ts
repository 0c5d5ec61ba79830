import type {WireRecord} from './shape.js';

const ESCAPES: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'};

/**
 * Server data shown on a terminal: control characters (C0, DEL, C1) are escaped so a record
 * stays on one line and cannot send terminal escape sequences. `--json` gives the exact bytes.
 */
export function printable(text: string): string {
	return text.replace(
		// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are escaped
		/[\u0000-\u001f\u007f-\u009f]/g,
		(char) => ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

/** `<timestamp> [<offset>] <value>` then ` (key: k)` and ` (headers: {...})` when present (spec §4). */
export function formatRecord(record: WireRecord): string {
	let line = `${printable(record.timestamp)} [${record.offset}] ${printable(record.value)}`;
	if (record.key !== null) line += ` (key: ${printable(record.key)})`;
	if (record.headers !== null && Object.keys(record.headers).length > 0) {
		line += ` (headers: ${printable(JSON.stringify(record.headers))})`;
	}
	return line;
}

/** Left-aligned columns for small listings (topics, groups). */
export function table(header: readonly string[], cells: readonly (readonly string[])[]): string[] {
	const rows = cells.map((row) => row.map(printable));
	const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
	const render = (row: readonly string[]) =>
		row
			.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
			.join('  ');
	return [render(header), ...rows.map(render)];
}
