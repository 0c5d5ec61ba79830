/** Small, pure formatting helpers shared by the panes (no React here). */

export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes)) return '-';
	if (bytes < 1024) return `${bytes} B`;
	const units = ['KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatCount(n: number): string {
	if (!Number.isFinite(n)) return '-';
	if (n < 10_000) return String(Math.round(n));
	if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
	return `${(n / 1_000_000).toFixed(n < 100_000_000 ? 1 : 0)}M`;
}

export function formatRate(perSecond: number): string {
	if (perSecond <= 0 || !Number.isFinite(perSecond)) return '0/s';
	if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
	return `${formatCount(perSecond)}/s`;
}

export function formatMs(ms: number | null | undefined): string {
	if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
	if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
	if (ms < 100) return `${ms.toFixed(2)} ms`;
	return `${ms.toFixed(0)} ms`;
}

export function formatPercent(ratio: number | null): string {
	return ratio === null || !Number.isFinite(ratio) ? '-' : `${(ratio * 100).toFixed(1)}%`;
}

export function formatUptime(ms: number): string {
	const total = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const mm = String(m).padStart(2, '0');
	const ss = String(s).padStart(2, '0');
	return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

// Times on screen follow the local time zone (the one the user's clock shows); the seek form reads
// them back the same way and names the zone (zoneLabel). Records keep UTC (RFC 3339, ...Z) inside.
const two = (n: number): string => String(n).padStart(2, '0');
const localDate = (d: Date): string => `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
const localClock = (d: Date): string => `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;

/** `2026-11-25T19:43:39.123Z` → `20:43:39.123` in Paris (the local date only when it is not today). */
export function formatTimestamp(iso: string, now = Date.now()): string {
	const at = new Date(iso);
	if (Number.isNaN(at.getTime())) return iso;
	const date = localDate(at);
	return date === localDate(new Date(now)) ? localClock(at) : `${date} ${localClock(at)}`;
}

/** Ms since the epoch → local `HH:MM:SS.mmm`. */
export function formatClock(ms: number): string {
	return localClock(new Date(ms));
}

/** The local zone as an offset from UTC (`UTC`, `UTC+05:30`, `UTC-08:00`) at `now`. */
export function zoneLabel(now = Date.now()): string {
	const minutes = -new Date(now).getTimezoneOffset();
	if (minutes === 0) return 'UTC';
	const abs = Math.abs(minutes);
	return `UTC${minutes > 0 ? '+' : '-'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** A sparkline of `values` (newest last) scaled to `max` (or the largest value), `width` cells wide. */
export function sparkline(values: readonly number[], width: number, max?: number): string {
	const shown = values.slice(-width);
	const top = max ?? Math.max(0, ...shown);
	let out = '';
	for (const v of shown) {
		if (top <= 0 || v <= 0) out += BARS[0];
		else out += BARS[Math.min(BARS.length - 1, Math.round((v / top) * (BARS.length - 1)))];
	}
	return out.padStart(width, ' ');
}

// C0 controls, DEL and C1 controls: written raw they would move the cursor or start escape sequences.
// eslint-disable-next-line no-control-regex -- matching control characters is the point (see above)
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Makes text safe to draw: control characters (ESC included) become '·'; tabs become a space. */
export function printable(text: string): string {
	return text.replace(/\t/g, ' ').replace(CONTROL, '·');
}

/** Cuts `text` to `width` columns with an ellipsis; newlines become spaces, controls are neutralised. */
export function clip(text: string, width: number): string {
	const flat = printable(text.replace(/[\r\n]+/g, ' '));
	if (width <= 0) return '';
	if (flat.length <= width) return flat;
	return width <= 1 ? flat.slice(0, width) : `${flat.slice(0, width - 1)}…`;
}

export function pad(text: string, width: number): string {
	return clip(text, width).padEnd(width, ' ');
}

export function padLeft(text: string, width: number): string {
	return clip(text, width).padStart(width, ' ');
}

export function formatHeaders(headers: Record<string, string> | null): string {
	if (!headers) return '';
	return Object.entries(headers)
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
}

/** Parses `k=v,k=v` (the produce form's header syntax). Empty input means no headers. */
export function parseHeaders(text: string): {headers: Record<string, string> | null; error?: string} {
	const trimmed = text.trim();
	if (trimmed === '') return {headers: null};
	// A Map, then fromEntries: a header named `__proto__` becomes an own property, not a prototype.
	const headers = new Map<string, string>();
	for (const part of trimmed.split(',')) {
		if (part.trim() === '') continue;
		const eq = part.indexOf('=');
		if (eq <= 0) return {headers: null, error: `header '${part.trim()}' is not k=v`};
		headers.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
	}
	return {headers: Object.fromEntries(headers)};
}

/** Pretty-prints a JSON value (objects and arrays only); anything else comes back unchanged. */
export function prettyJson(value: string): {text: string; json: boolean} {
	const first = value.trimStart()[0];
	if (first !== '{' && first !== '[') return {text: value, json: false};
	try {
		return {text: JSON.stringify(JSON.parse(value), null, 2), json: true};
	} catch {
		return {text: value, json: false};
	}
}

/** One-line compact JSON for list rows (keeps the list one row per record). */
export function compactJson(value: string): string {
	const first = value.trimStart()[0];
	if (first !== '{' && first !== '[') return value;
	try {
		return JSON.stringify(JSON.parse(value));
	} catch {
		return value;
	}
}

export function errorMessage(error: unknown): string {
	if (error instanceof Error) {
		const code = (error as {code?: unknown}).code;
		return typeof code === 'string' && code !== '' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
	}
	return String(error);
}
