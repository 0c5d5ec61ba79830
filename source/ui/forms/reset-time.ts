/**
 * The reset form's time: local `YYYY-MM-DD HH:MM[:SS[.mmm]]` (a `T` may stand for the space, and
 * a date alone is local midnight), or ISO 8601 with a zone (`Z`, `+01:00`). Local is the zone the
 * panes show times in (format.ts, zoneLabel). Returns ms since the epoch, or null when the text is
 * not such a time or names a date that does not exist (2026-02-30, 25:00).
 */
export function parseResetTime(text: string): number | null {
	const t = text.trim();
	const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(t);
	if (local) {
		const [year, month, day, hours, minutes, seconds, ms] = local.slice(1).map((part, i) => (i === 6 ? Number((part ?? '0').padEnd(3, '0')) : Number(part ?? 0)));
		const date = new Date(year!, month! - 1, day!, hours!, minutes!, seconds!, ms!);
		// Date rolls 2026-02-30 over into March: a field that changed means it did not exist.
		const same = date.getFullYear() === year && date.getMonth() === month! - 1 && date.getDate() === day && date.getHours() === hours && date.getMinutes() === minutes;
		// 02:30 on a spring-forward day does not exist either; Date moves it an hour on.
		return same && date.getSeconds() === seconds ? date.getTime() : null;
	}
	const zoned = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.exec(t);
	if (!zoned) return null;
	const [month, day, hours, minutes, seconds] = [zoned[2], zoned[3], zoned[4], zoned[5], zoned[6] ?? '0'].map(Number);
	if (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hours! > 23 || minutes! > 59 || seconds! > 59) return null;
	const ms = Date.parse(t);
	if (Number.isNaN(ms)) return null;
	// The day must exist in that month (Date.parse rolls 02-30 over as well).
	const utcDay = new Date(Date.UTC(Number(zoned[1]), month! - 1, day!));
	return utcDay.getUTCDate() === day ? ms : null;
}
