/**
 * Benchmark reporting. Every figure is printed next to a baseline measured in the same run, with
 * the ratio, because this machine is shared and noisy: absolute numbers mean little on their own.
 */
export interface Comparison {
	name: string;
	unit: string;
	value: number;
	baselineName: string;
	baseline: number;
	/** A target ratio (value / baseline), when the issue sets one. */
	targetRatio?: number;
	/** Lower is better (latencies): the ratio is then baseline / value. */
	lowerIsBetter?: boolean;
	note?: string;
}

const fmt = (n: number): string =>
	n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 1 ? n.toFixed(2) : n.toPrecision(3);

export function report(c: Comparison): void {
	const ratio = c.lowerIsBetter ? c.baseline / c.value : c.value / c.baseline;
	const target = c.targetRatio === undefined ? '' : ` target >= ${c.targetRatio} ${ratio >= c.targetRatio ? 'MET' : 'MISSED'}`;
	console.log(
		`${c.name}: ${fmt(c.value)} ${c.unit} | baseline ${c.baselineName}: ${fmt(c.baseline)} ${c.unit} | ratio ${ratio.toFixed(3)}${target}${c.note ? ` (${c.note})` : ''}`,
	);
}

/** Prints a figure that has no baseline of its own (a plain measurement). */
export function figure(name: string, value: number, unit: string, note?: string): void {
	console.log(`${name}: ${fmt(value)} ${unit}${note ? ` (${note})` : ''}`);
}

/** Runs `fn` repeatedly for about `ms` milliseconds after a warm-up; returns operations per second. */
export async function opsPerSecond(fn: () => unknown | Promise<unknown>, opsPerCall: number, ms = 1000): Promise<number> {
	const warmUntil = performance.now() + Math.min(300, ms / 3);
	while (performance.now() < warmUntil) await fn();
	let calls = 0;
	const start = performance.now();
	let now = start;
	while (now - start < ms) {
		await fn();
		calls++;
		now = performance.now();
	}
	return (calls * opsPerCall) / ((now - start) / 1000);
}

/** Median of several runs: one run on a shared machine can be far off. */
export async function medianOf(runs: number, measure: () => Promise<number>): Promise<number> {
	const values: number[] = [];
	for (let i = 0; i < runs; i++) values.push(await measure());
	values.sort((a, b) => a - b);
	return values[Math.floor(values.length / 2)]!;
}

export const value = (bytes: number, seed = 0): string => {
	const base = `v${seed}-`;
	return (base + 'x'.repeat(Math.max(0, bytes - base.length))).slice(0, bytes);
};
