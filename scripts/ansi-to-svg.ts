/**
 * Converts a terminal capture with SGR colour escapes (`tmux capture-pane -e`) to an SVG image:
 * one <rect> per background run and one <text> per foreground run, on a fixed character grid.
 * Only SGR sequences matter here (tmux emits no cursor movement in captures); others are dropped.
 */

export interface SvgOptions {
	columns: number;
	rows: number;
	title?: string;
	cellWidth?: number;
	cellHeight?: number;
	fontSize?: number;
}

interface Style {
	fg: string | null;
	bg: string | null;
	bold: boolean;
	dim: boolean;
	italic: boolean;
	underline: boolean;
	inverse: boolean;
}

const plain = (): Style => ({fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false});

/** A dark theme close to common terminal defaults. */
const PALETTE = [
	'#1e1e1e', '#e06c75', '#98c379', '#e5c07b', '#61afef', '#c678dd', '#56b6c2', '#d4d4d4',
	'#7f848e', '#ff7b86', '#b5e890', '#ffd787', '#7ec3ff', '#e19bff', '#6fe0ec', '#ffffff',
];
const DEFAULT_FG = '#d4d4d4';
const DEFAULT_BG = '#1e1e1e';

function xterm256(n: number): string {
	if (n < 16) return PALETTE[n]!;
	if (n >= 232) {
		const v = 8 + (n - 232) * 10;
		return `rgb(${v},${v},${v})`;
	}
	const i = n - 16;
	const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
	return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`;
}

/** Applies one SGR parameter list to `style`. */
export function applySgr(style: Style, params: number[]): Style {
	const s = {...style};
	if (params.length === 0) params = [0];
	for (let i = 0; i < params.length; i++) {
		const p = params[i]!;
		if (p === 0) Object.assign(s, plain());
		else if (p === 1) s.bold = true;
		else if (p === 2) s.dim = true;
		else if (p === 3) s.italic = true;
		else if (p === 4) s.underline = true;
		else if (p === 7) s.inverse = true;
		else if (p === 22) s.bold = s.dim = false;
		else if (p === 23) s.italic = false;
		else if (p === 24) s.underline = false;
		else if (p === 27) s.inverse = false;
		else if (p >= 30 && p <= 37) s.fg = PALETTE[p - 30]!;
		else if (p >= 90 && p <= 97) s.fg = PALETTE[p - 90 + 8]!;
		else if (p >= 40 && p <= 47) s.bg = PALETTE[p - 40]!;
		else if (p >= 100 && p <= 107) s.bg = PALETTE[p - 100 + 8]!;
		else if (p === 39) s.fg = null;
		else if (p === 49) s.bg = null;
		else if (p === 38 || p === 48) {
			let colour: string | null = null;
			if (params[i + 1] === 5 && params[i + 2] !== undefined) {
				colour = xterm256(params[i + 2]!);
				i += 2;
			} else if (params[i + 1] === 2 && params[i + 4] !== undefined) {
				colour = `rgb(${params[i + 2]},${params[i + 3]},${params[i + 4]})`;
				i += 4;
			}
			if (p === 38) s.fg = colour;
			else s.bg = colour;
		}
	}
	return s;
}

export interface Cell {
	ch: string;
	style: Style;
}

/** Parses the capture into a grid of styled cells (one code point per cell). */
export function parseAnsi(text: string, columns: number, rows: number): Cell[][] {
	const grid: Cell[][] = [];
	let style = plain();
	let row: Cell[] = [];
	// eslint-disable-next-line no-control-regex -- ESC starts the escape sequences this parses
	const pattern = /\u001B\[([0-9;:]*)([A-Za-z])|\u001B[^[]|\n|[^\u001B\n]/gu;
	for (const match of text.matchAll(pattern)) {
		const token = match[0];
		if (match[2] !== undefined) {
			if (match[2] === 'm') style = applySgr(style, match[1] === '' ? [] : match[1]!.split(/[;:]/).map(Number));
			continue;
		}
		if (token.startsWith('\u001B')) continue;
		if (token === '\n') {
			grid.push(row);
			row = [];
			continue;
		}
		if (token === '\r') continue;
		if (row.length < columns) row.push({ch: token, style});
	}
	if (row.length > 0) grid.push(row);
	return grid.slice(0, rows);
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const sameLook = (a: Style, b: Style) =>
	a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline && a.inverse === b.inverse;

export function ansiToSvg(text: string, options: SvgOptions): string {
	const cw = options.cellWidth ?? 8.4;
	const ch = options.cellHeight ?? 17;
	const fontSize = options.fontSize ?? 14;
	const pad = 12;
	const titleBar = options.title ? 28 : 0;
	const width = Math.ceil(options.columns * cw + pad * 2);
	const height = Math.ceil(options.rows * ch + pad * 2 + titleBar);
	const grid = parseAnsi(text, options.columns, options.rows);
	const backgrounds: string[] = [];
	const texts: string[] = [];
	grid.forEach((cells, y) => {
		let x = 0;
		while (x < cells.length) {
			const start = x;
			const look = cells[x]!.style;
			while (x < cells.length && sameLook(cells[x]!.style, look)) x++;
			const run = cells.slice(start, x);
			let fg = look.fg ?? DEFAULT_FG;
			let bg = look.bg;
			if (look.inverse) {
				[fg, bg] = [bg ?? DEFAULT_BG, look.fg ?? DEFAULT_FG];
			}
			const px = pad + start * cw;
			const py = pad + titleBar + y * ch;
			if (bg) backgrounds.push(`<rect x="${px.toFixed(1)}" y="${py}" width="${(run.length * cw).toFixed(1)}" height="${ch}" fill="${bg}"/>`);
			const content = run.map((c) => c.ch).join('');
			if (content.trim() === '') continue;
			const attrs = [
				`x="${px.toFixed(1)}"`,
				`y="${py + ch - 4}"`,
				`fill="${fg}"`,
				look.bold ? 'font-weight="bold"' : '',
				look.dim ? 'fill-opacity="0.6"' : '',
				look.italic ? 'font-style="italic"' : '',
				look.underline ? 'text-decoration="underline"' : '',
				// Keep every run on the grid whatever the font's real advance is.
				`textLength="${(run.length * cw).toFixed(1)}" lengthAdjust="spacingAndGlyphs"`,
			]
				.filter(Boolean)
				.join(' ');
			texts.push(`<text ${attrs}>${escapeXml(content)}</text>`);
		}
	});
	const title = options.title
		? `<circle cx="${pad + 6}" cy="14" r="6" fill="#ff5f56"/><circle cx="${pad + 26}" cy="14" r="6" fill="#ffbd2e"/><circle cx="${pad + 46}" cy="14" r="6" fill="#27c93f"/><text x="${width / 2}" y="19" fill="#9a9a9a" text-anchor="middle" font-size="13">${escapeXml(options.title)}</text>`
		: '';
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace" font-size="${fontSize}" xml:space="preserve">`,
		`<rect width="100%" height="100%" rx="8" fill="${DEFAULT_BG}"/>`,
		title,
		...backgrounds,
		...texts,
		'</svg>',
		'',
	].join('\n');
}
