/**
 * Times on screen follow the local zone, and the seek form reads them back in it. TZ is set for this
 * file (Node re-reads it on assignment); India has no daylight saving, so the offset is fixed.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import {formatClock, formatTimestamp, zoneLabel} from '../../source/ui/format.js';
import {parseSeekTime} from '../../source/ui/records-source.js';
import {KEY, renderApp, type Rendered} from './helpers.js';

const saved = process.env['TZ'];
beforeAll(() => {
	process.env['TZ'] = 'Asia/Kolkata'; // UTC+05:30
});
afterAll(() => {
	if (saved === undefined) delete process.env['TZ'];
	else process.env['TZ'] = saved;
});

const AT = Date.UTC(2026, 0, 2, 20, 4, 5, 678); // 2026-01-03 01:34:05.678 in Kolkata

describe('times in the local zone', () => {
	it('clock and record timestamps: local time of day, the local date when not today', () => {
		expect(formatClock(AT)).toBe('01:34:05.678');
		const iso = new Date(AT).toISOString();
		expect(formatTimestamp(iso, AT)).toBe('01:34:05.678');
		// The UTC date is still the 2nd, the local one already the 3rd: "today" is local too.
		expect(formatTimestamp(iso, Date.UTC(2026, 0, 2, 12))).toBe('2026-01-03 01:34:05.678');
		expect(zoneLabel(AT)).toBe('UTC+05:30');
	});

	it('the seek form reads HH:MM[:SS] as local time, the way the panes show it', () => {
		expect(parseSeekTime('01:34:05.678', AT)).toBe(AT);
		expect(parseSeekTime('14:03', AT)).toBe(Date.UTC(2026, 0, 3, 8, 33));
		// An ISO time with its zone says which it means.
		expect(parseSeekTime('2026-01-02T20:04:05.678Z', 0)).toBe(AT);
	});
});

describe('in the app', () => {
	let queue: FlashQ;
	let ui: Rendered | null = null;
	afterEach(async () => {
		ui?.unmount();
		ui = null;
		await queue.close();
	});

	it("the Records pane shows a record's local time; the seek form names the zone", async () => {
		queue = await FlashQ.open({storage: 'memory'});
		const [{offset}] = await queue.post('t', [{value: 'hello'}]);
		const {records} = await queue.poll('t', {fromOffset: offset, maxRecords: 1});
		const timestamp = records[0]!.timestamp;
		ui = await renderApp(queue);
		// Kolkata is UTC+05:30: the pane shows the record's time of day shifted by that much.
		await ui.see(new Date(Date.parse(timestamp) + 5.5 * 3_600_000).toISOString().slice(11, 23));
		await ui.press('2');
		await ui.press('s');
		await ui.see('time… (local HH:MM[:SS], ISO, or -5m)');
		for (const key of [KEY.down, KEY.down, KEY.down, KEY.enter]) await ui.press(key);
		await ui.see('Seek to time (local time, UTC+05:30)');
	});
});
