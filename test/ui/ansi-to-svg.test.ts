import {describe, expect, it} from 'vitest';
import {ansiToSvg, parseAnsi} from '../../scripts/ansi-to-svg.js';

describe('ANSI to SVG (screenshots)', () => {
	it('parses SGR colours, bold, inverse and resets into a cell grid, style carrying across lines', () => {
		const grid = parseAnsi('\u001B[1;36mAB\u001B[0m C\n\u001B[7mD\u001B[38;5;196mE\u001B[38;2;1;2;3mF', 10, 5);
		expect(grid.map((row) => row.map((c) => c.ch).join(''))).toEqual(['AB C', 'DEF']);
		expect(grid[0]![0]!.style).toMatchObject({bold: true, fg: '#56b6c2'});
		expect(grid[0]![2]!.style).toMatchObject({bold: false, fg: null});
		expect(grid[1]![0]!.style.inverse).toBe(true);
		expect(grid[1]![1]!.style.fg).toBe('rgb(255,0,0)');
		expect(grid[1]![2]!.style).toMatchObject({fg: 'rgb(1,2,3)', inverse: true});
	});

	it('clips to the grid and drops non-SGR escapes', () => {
		const grid = parseAnsi('\u001B[2Jabcdef\nx\ny\nz', 3, 2);
		expect(grid.map((row) => row.map((c) => c.ch).join(''))).toEqual(['abc', 'x']);
	});

	it('writes escaped text runs and background rects on a fixed grid', () => {
		const svg = ansiToSvg('\u001B[44m<a&b>\u001B[0m plain', {columns: 20, rows: 2, title: 'demo'});
		expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
		expect(svg).toContain('&lt;a&amp;b&gt;');
		expect(svg).toContain('fill="#61afef"');
		expect(svg).toContain('>demo</text>');
		expect(svg).toContain('> plain</text>');
		expect(svg.trim().endsWith('</svg>')).toBe(true);
	});
});
