import {mkdtemp, readFile, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import type {PollOptions} from '../../source/engine/types.js';
import {exportRecords} from '../../source/ui/records-export.js';
import {neighbourRecord} from '../../source/ui/records-source.js';

describe('exportRecords', () => {
	let queue: FlashQ;
	let dir: string;
	beforeEach(async () => {
		queue = await FlashQ.open({storage: 'memory'});
		dir = await mkdtemp(path.join(tmpdir(), 'flashq-export-'));
		for (let i = 0; i < 1050; i += 350) await queue.post('t', Array.from({length: 350}, (_, j) => ({key: `k${i + j}`, value: `v${i + j}`})));
	});
	afterEach(async () => {
		await queue.close();
		await rm(dir, {recursive: true, force: true});
	});

	it('reads one bounded page at a time and reports progress after each', async () => {
		const reads: PollOptions[] = [];
		const reader = {peek: (topic: string, options: PollOptions = {}) => (reads.push(options), queue.peek(topic, options))};
		const progress: number[] = [];
		const file = path.join(dir, 'out.jsonl');
		const done = await exportRecords(reader, {topic: 't', from: 5, to: 1044, filter: null, file, pageRecords: 100, onProgress: (p) => progress.push(p.scanned)});
		expect(done).toMatchObject({scanned: 1040, written: 1040, next: 1045});
		expect(reads.every((r) => (r.maxRecords ?? Infinity) <= 100 && r.maxBytes !== undefined)).toBe(true);
		expect(reads.map((r) => r.fromOffset)).toEqual([...Array.from({length: 10}, (_, i) => 5 + i * 100), 1005]);
		expect(progress).toEqual([...Array.from({length: 10}, (_, i) => (i + 1) * 100), 1040]);
		const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
		expect(lines.map((l) => JSON.parse(l).offset)).toEqual(Array.from({length: 1040}, (_, i) => 5 + i));
	});

	it('a failed read removes the partial file and rejects with the cause', async () => {
		let calls = 0;
		const reader = {
			peek: async (topic: string, options: PollOptions = {}) => {
				if (++calls === 3) throw new Error('storage broke');
				return queue.peek(topic, options);
			},
		};
		const file = path.join(dir, 'out.jsonl');
		await expect(exportRecords(reader, {topic: 't', from: 0, to: 1049, filter: null, file, pageRecords: 100})).rejects.toThrow('storage broke');
		expect(await readdir(dir)).toEqual([]);
	});

	it('an invalid filter is an error before any file is written', async () => {
		const file = path.join(dir, 'out.jsonl');
		await expect(exportRecords(queue, {topic: 't', from: 0, to: 9, filter: {field: 'key', text: '/(/'}, file})).rejects.toThrow(/invalid regular expression/);
		expect(await readdir(dir)).toEqual([]);
	});
});

describe('neighbourRecord', () => {
	it('finds the next and previous record, the filter skipping others, and says when there is none', async () => {
		const queue = await FlashQ.open({storage: 'memory'});
		try {
			const make = (i: number) => ({key: i === 3 || i === 1100 ? 'hit' : `k${i}`, value: 'v'});
			for (const from of [0, 600]) await queue.post('t', Array.from({length: 600}, (_, i) => make(from + i)));
			const hit = {field: 'key', text: 'hit'} as const;
			expect(await neighbourRecord(queue, 't', 5, 1, null)).toMatchObject({record: {offset: 6}});
			expect(await neighbourRecord(queue, 't', 5, -1, null)).toMatchObject({record: {offset: 4}});
			expect(await neighbourRecord(queue, 't', 0, -1, null)).toEqual({record: null, why: 'end', scanned: 0});
			expect(await neighbourRecord(queue, 't', 1199, 1, null)).toMatchObject({record: null, why: 'end'});
			expect(await neighbourRecord(queue, 't', 3, 1, hit)).toMatchObject({record: {offset: 1100}});
			expect(await neighbourRecord(queue, 't', 1100, -1, hit)).toMatchObject({record: {offset: 3}});
			expect(await neighbourRecord(queue, 't', 3, -1, hit)).toMatchObject({record: null, why: 'end'});
		} finally {
			await queue.close();
		}
	});
});
