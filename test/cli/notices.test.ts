import {describe, expect, it} from 'vitest';
import {formatNotice} from '../../source/cli/notices.js';

describe('storage notices on stderr', () => {
	it('prints one line with file, byte, what was dropped and the copy --repair kept', () => {
		expect(
			formatNotice({
				at: 0,
				kind: 'recovery',
				level: 'warning',
				topic: 'orders',
				file: '/d/topics/6f/log',
				position: 1000,
				recordsDropped: 97,
				bytesDropped: 9700,
				copy: '/d/topics/6f/log.damaged-1',
				message: 'repaired: /d/topics/6f/log copied to /d/topics/6f/log.damaged-1,\ntruncated at byte 1000',
			}),
		).toBe(
			"flashq-demo: recovery warning: repaired: /d/topics/6f/log copied to /d/topics/6f/log.damaged-1, truncated at byte 1000 [topic 'orders', file /d/topics/6f/log, byte 1000, 97 records dropped, 9700 bytes dropped, copy kept at /d/topics/6f/log.damaged-1]",
		);
		expect(formatNotice({at: 0, kind: 'lock', level: 'info', message: 'took over the lock'})).toBe('flashq-demo: lock info: took over the lock');
	});
});
