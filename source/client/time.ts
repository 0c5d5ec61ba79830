/** Points in time on the command line (`topic offset --time`, `consumer offset reset --to-time`). */

export const TIME_HELP = `ms since the epoch (1700000000000); an ISO 8601 date or
date-time (2024-05-01, 2024-05-01T12:00:00Z, 2024-05-01T14:00+02:00;
without a zone a date-time is local time and a date alone is midnight
UTC, as JavaScript reads them); 'now'; or relative to now: -30s, -10m,
-2h, -1d, -1w`;

const UNITS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000};
const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** ms since the epoch, or a message saying what is accepted. */
export function parseTime(raw: string, now: number = Date.now()): number {
	const text = raw.trim();
	if (/^\d+$/.test(text)) {
		const ms = Number(text);
		if (Number.isSafeInteger(ms)) return ms;
	}
	if (text.toLowerCase() === 'now') return now;
	const relative = /^-(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text);
	if (relative !== null) return Math.max(0, Math.round(now - Number(relative[1]) * UNITS[relative[2]!]!));
	if (ISO.test(text)) {
		const ms = Date.parse(text);
		if (Number.isFinite(ms) && ms >= 0) return ms;
	}
	throw new Error(`'${raw}' is not a time: give ms since the epoch, an ISO 8601 date-time, 'now' or a relative time like -10m`);
}
