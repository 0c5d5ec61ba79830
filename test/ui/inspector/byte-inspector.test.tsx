import {render} from 'ink-testing-library';
import React from 'react';
import stripAnsi from 'strip-ansi';
import {describe, expect, it} from 'vitest';
import {encodeFrame} from '../../../source/storage/file/frame-codec.js';
import {ByteInspector, byteInspectorMaxScroll, byteInspectorRows} from '../../../source/ui/inspector/byte-inspector.js';
import {inspectFrame} from '../../../source/ui/inspector/frame-inspection.js';

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('ByteInspector', () => {
	it('draws the frame: source, index entry, valid CRC, hex with ASCII, legend and the fields', () => {
		const {buffer} = encodeFrame(7, T, [{key: 'ada', value: 'hello', headers: {src: 'web'}}]);
		const inspection = inspectFrame(buffer, {source: 'log', file: '/d/topics/6f/log', position: 2048, indexEntry: {offset: 4, position: 1536}, recordOffset: 7});
		const {lastFrame, unmount} = render(<ByteInspector inspection={inspection} topic="orders" maxRows={10} width={100} />);
		const text = stripAnsi(lastFrame() ?? '');
		expect(text).toContain("Byte inspector · topic 'orders' · offset 7");
		expect(text).toContain(`main log /d/topics/6f/log @ byte 2048 (frame ${buffer.length} bytes, records 7..7)`);
		expect(text).toContain('Index entry at or before it: offset 4 → byte 1536');
		expect(text).toContain(`CRC stored 0x${buffer.readUInt32LE(4).toString(16).padStart(8, '0')}`);
		expect(text).toContain('✓ valid');
		// One numbering: the dump's addresses and the table's ranges count from the frame's start.
		expect(text).toMatch(/^│ 000000 +46 51 01 00/m);
		expect(text).toContain('|FQ');
		expect(text).toMatch(/^│ 000010 /m);
		expect(text).not.toContain('000800');
		expect(text).toMatch(/record\[0\]\.key +\[\d+, \d+\) +"ada"/);
		expect(text).toMatch(/timestamp +\[24, 32\) +1767323045678 \(2026-01-02T03:04:05\.678Z\)/);
		expect(text).toContain('■crc');
		// The legend names every kind the header has, version and flags included.
		expect(text).toContain('■version');
		expect(text).toContain('■flags');
		expect(text).toMatch(/version +\[2, 3\) +1/);
		unmount();
	});

	it('fits its width: long field labels are cut, the legend wraps, no line is wider than the box', () => {
		const {buffer} = encodeFrame(0, T, [{key: 'k', value: 'v', headers: {'a-rather-long-header-name': 'x'}}]);
		const inspection = inspectFrame(buffer, {source: 'log', file: '/data/topics/0123456789abcdef/log', position: 4096, recordOffset: 0});
		const {lastFrame, unmount} = render(<ByteInspector inspection={inspection} width={80} />);
		const lines = stripAnsi(lastFrame() ?? '').split('\n');
		for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
		// 'record[0].headers[0].name.length' is longer than the label column: cut with an ellipsis,
		// its byte range still in its own column.
		expect(lines.some((l) => /record\[0\]\.headers\[0\]\.\S*… \[\d+, \d+\)/.test(l))).toBe(true);
		expect(lines.join('\n')).toContain('■header');
		unmount();
	});

	it('scrolls within a height: the first hex row shows unscrolled, the last field after scrolling', () => {
		const {buffer} = encodeFrame(0, T, [{key: 'k', value: 'v'.repeat(100), headers: {a: 'b', c: 'd'}}]);
		const inspection = inspectFrame(buffer, {source: 'encoded'});
		const top = render(<ByteInspector inspection={inspection} width={80} height={16} />);
		const first = stripAnsi(top.lastFrame() ?? '');
		expect(first.split('\n')).toHaveLength(16);
		expect(first).toMatch(/000000 +46 51 01 00/);
		expect(first).not.toContain('record[0].headers[1].value ');
		expect(first).toMatch(/lines 1-13 of \d+/);
		top.unmount();
		const bottom = render(<ByteInspector inspection={inspection} width={80} height={16} scroll={byteInspectorMaxScroll(inspection, 80, 16)} />);
		const last = stripAnsi(bottom.lastFrame() ?? '');
		expect(last.split('\n')).toHaveLength(16);
		expect(last).toContain('record[0].headers[1].value ');
		expect(last).not.toMatch(/000000 +46 51/);
		bottom.unmount();
	});

	it('says INVALID when a byte was flipped, and names an encoded (memory) frame as such', () => {
		const {buffer} = encodeFrame(0, T, [{key: null, value: 'x'.repeat(20)}]);
		buffer[40]! ^= 1;
		const {lastFrame, unmount} = render(<ByteInspector inspection={inspectFrame(buffer, {source: 'encoded'})} />);
		const text = stripAnsi(lastFrame() ?? '');
		expect(text).toContain('✗ INVALID: crc mismatch');
		expect(text).toContain('not on disk: the frame file storage would write for this record');
		unmount();
	});

	it('shows a large batch as the header plus the selected record, marked with a gap', () => {
		const records = Array.from({length: 20}, (_, i) => ({key: `key-${i}`, value: `value-${i}-`.repeat(4)}));
		const {buffer} = encodeFrame(0, T, records);
		const inspection = inspectFrame(buffer, {source: 'encoded', recordOffset: 15});
		const {lastFrame, unmount} = render(<ByteInspector inspection={inspection} maxRows={8} />);
		const text = stripAnsi(lastFrame() ?? '');
		expect(text).toContain('(record 16 of 20 in this frame)');
		expect(text).toContain('...');
		expect(text).toContain('"key-15"');
		expect(text).not.toContain('"key-3"');
		unmount();
	});

	it('byteInspectorRows is the height it draws', () => {
		const cases = [
			encodeFrame(3, T, [{key: 'k', value: 'v', headers: {a: 'b', c: 'd'}}]).buffer,
			encodeFrame(0, T, Array.from({length: 12}, (_, i) => ({key: null, value: `value ${i} `.repeat(5)}))).buffer,
		];
		for (const buffer of cases) {
			for (const maxRows of [4, 8, 30]) {
				const inspection = inspectFrame(buffer, {source: 'log', file: '/f', position: 0, recordOffset: 5});
				const {lastFrame, unmount} = render(<ByteInspector inspection={inspection} maxRows={maxRows} width={100} />);
				expect(stripAnsi(lastFrame() ?? '').split('\n').length).toBe(byteInspectorRows(inspection, maxRows));
				unmount();
			}
		}
	});
});
