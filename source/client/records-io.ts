/**
 * Records as text for files and pipes: JSON Lines (the issue 15 contract shape, shared with the
 * TUI's export and copy), CSV, and kcat-style `--format` templates.
 */
import type {WireRecord} from './shape.js';

/** `{"offset":N,"timestamp":"<ISO 8601>","key":string|null,"value":string,"headers":{...}|null}` */
export function jsonLine(record: WireRecord): string {
	return JSON.stringify({offset: record.offset, timestamp: record.timestamp, key: record.key, value: record.value, headers: record.headers});
}

export const CSV_HEADER = 'offset,timestamp,key,value,headers';

/**
 * RFC 4180 quoting. null is an empty unquoted field and the empty string a quoted `""` (the
 * PostgreSQL COPY convention), so a key that is null and one that is empty stay apart.
 */
function csvField(value: string | null): string {
	if (value === null) return '';
	return value === '' || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV row (no line end); headers are their JSON object text. */
export function csvLine(record: WireRecord): string {
	return [
		String(record.offset),
		record.timestamp,
		csvField(record.key),
		csvField(record.value),
		csvField(record.headers === null ? null : JSON.stringify(record.headers)),
	].join(',');
}

type Piece = string | ((record: WireRecord, topic: string) => string);

const DIRECTIVES: Record<string, (record: WireRecord, topic: string) => string> = {
	o: (record) => String(record.offset),
	k: (record) => record.key ?? '',
	s: (record) => record.value,
	T: (record) => String(Date.parse(record.timestamp)),
	h: (record) =>
		record.headers === null
			? ''
			: Object.entries(record.headers)
					.map(([name, value]) => `${name}=${value}`)
					.join(','),
	t: (_record, topic) => topic,
	// kcat prints -1 for a null key's length.
	K: (record) => (record.key === null ? '-1' : String(Buffer.byteLength(record.key))),
	S: (record) => String(Buffer.byteLength(record.value)),
};

const ESCAPES: Record<string, string> = {n: '\n', t: '\t', r: '\r', '\\': '\\'};

export const FORMAT_HELP = `%o offset, %k key (empty when null), %s value, %T timestamp (ms since the epoch),
%h headers (name=value,...), %t topic, %K / %S key / value size in bytes (%K is -1
for a null key), %% a percent sign; escapes \\n, \\t, \\r, \\\\. As in kcat, no newline
is added: end the format with \\n. Keys, values and headers are written as stored
(the default output escapes control characters)`;

/** Compiles a kcat-style `-f` template; throws a message naming the bad directive. */
export function compileFormat(template: string): (record: WireRecord, topic: string) => string {
	const pieces: Piece[] = [];
	let text = '';
	for (let index = 0; index < template.length; index++) {
		const char = template[index]!;
		const next = template[index + 1];
		if (char === '%') {
			if (next === '%') {
				text += '%';
			} else if (next !== undefined && DIRECTIVES[next] !== undefined) {
				if (text !== '') pieces.push(text);
				text = '';
				pieces.push(DIRECTIVES[next]);
			} else {
				throw new Error(next === undefined ? "the format ends in a lone '%'" : `unknown format directive '%${next}'`);
			}
			index++;
		} else if (char === '\\' && next !== undefined && ESCAPES[next] !== undefined) {
			text += ESCAPES[next];
			index++;
		} else {
			text += char;
		}
	}
	if (text !== '') pieces.push(text);
	return (record, topic) => pieces.map((piece) => (typeof piece === 'string' ? piece : piece(record, topic))).join('');
}
