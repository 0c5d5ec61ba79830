import type {Lesson} from '../lesson.js';
import {makeRecords} from '../records.js';
import {pane, postOneByOne} from './helpers.js';

/** What lesson 1 records. */
type TopicsFacts = {
	ordersOffsets: number[];
	ordersHwm: number;
	clicksOffsets: number[];
	topicCount: number;
	moreOffsets: number[];
	ordersHwmAfter: number;
	pollOffsets: number[];
	pollValues: string[];
	pollNext: number;
	pollLag: number | null;
	pollAgainSame: boolean;
};

/** Lesson 1: a topic is an append-only list; an offset is a record's position in it. */
export const topicsLesson: Lesson<TopicsFacts> = {
	id: 'topics',
	title: 'Topics, records and offsets',
	summary: 'A topic is an append-only log; each record gets the next offset, counted per topic from 0.',
	storage: 'any',
	steps: [
		{
			title: 'The first records',
			before:
				"We post a batch of 3 records to a new topic 'orders'. Watch Topics: the topic appears the moment the first record arrives, and its high water mark (the next offset to hand out) moves.",
			highlight: ['Topics', 'Records', 'Events'],
			topic: 'orders',
			async run(ctx) {
				const offsets = await ctx.engine.post('orders', makeRecords(ctx.rng, 3));
				ctx.fact('ordersOffsets', offsets.map((o) => o.offset));
				ctx.fact('ordersHwm', ctx.engine.topics().find((t) => t.name === 'orders')!.highWaterMark);
			},
			after: (f) =>
				`The records got offsets ${f.ordersOffsets[0]}..${f.ordersOffsets.at(-1)}, in the order they were sent. The high water mark of 'orders' is now ${f.ordersHwm}: the offset the next record will get.`,
			cites: (f) => [pane.topic('orders', f.ordersHwm, f.ordersHwm), pane.records('orders', f.ordersOffsets[0]!, f.ordersOffsets.at(-1)!, f.ordersHwm)],
		},
		{
			title: 'Offsets are per topic',
			before: "Now 2 records go to a second topic, 'clicks'. Each topic keeps its own numbering.",
			highlight: ['Topics', 'Records'],
			topic: 'clicks',
			question: {
				prompt: "What offset will the first record of 'clicks' get?",
				choices: [
					{key: '1', label: '0'},
					{key: '2', label: '3 (it continues after orders)'},
					{key: '3', label: 'a random id'},
				],
				answer: '1',
			},
			async run(ctx) {
				const offsets = await ctx.engine.post('clicks', makeRecords(ctx.rng, 2));
				ctx.fact('clicksOffsets', offsets.map((o) => o.offset));
				ctx.fact('topicCount', ctx.engine.topics().length);
			},
			after: (f) =>
				`'clicks' started again at offset ${f.clicksOffsets[0]} (offsets ${f.clicksOffsets[0]}..${f.clicksOffsets.at(-1)}); there are now ${f.topicCount} topics, each an independent log.`,
			cites: (f) => [
				{pane: 'Topics', text: `Topics ${f.topicCount}`},
				pane.topic('clicks', f.clicksOffsets.length, f.clicksOffsets.length),
				pane.records('clicks', f.clicksOffsets[0]!, f.clicksOffsets.at(-1)!, f.clicksOffsets.length),
			],
		},
		{
			title: 'Appends only go at the end',
			before: "Four more orders arrive, one post each, a moment apart. Nothing is inserted or renumbered: watch the high water mark of 'orders' in Topics climb one by one.",
			highlight: ['Topics', 'Records', 'Events'],
			topic: 'orders',
			async run(ctx) {
				ctx.fact('moreOffsets', await postOneByOne(ctx.engine, 'orders', makeRecords(ctx.rng, 4), ctx.pace));
				ctx.fact('ordersHwmAfter', ctx.engine.topics().find((t) => t.name === 'orders')!.highWaterMark);
			},
			after: (f) =>
				`They got offsets ${f.moreOffsets[0]}..${f.moreOffsets.at(-1)}; the high water mark is ${f.ordersHwmAfter}. Old records never move, which is why a reader can remember "I am at offset N".`,
			cites: (f) => [pane.topic('orders', f.ordersHwmAfter, f.ordersHwmAfter), pane.records('orders', 0, f.ordersHwmAfter - 1, f.ordersHwmAfter), pane.record(f.moreOffsets[0]!)],
		},
		{
			title: 'Reading from an offset',
			before: "A reader asks for 2 records of 'orders' starting at offset 4. Watch Records: the read does not remove anything.",
			highlight: ['Topics', 'Records', 'Events'],
			topic: 'orders',
			question: {
				prompt: 'Which offsets come back?',
				choices: [
					{key: '1', label: '0 and 1'},
					{key: '2', label: '4 and 5'},
					{key: '3', label: '5 and 6'},
				],
				answer: '2',
			},
			async run(ctx) {
				const result = await ctx.engine.poll('orders', {fromOffset: 4, maxRecords: 2});
				ctx.fact('pollOffsets', result.records.map((r) => r.offset));
				ctx.fact('pollValues', result.records.map((r) => r.value));
				ctx.fact('pollNext', result.nextOffset);
				ctx.fact('pollLag', result.lag ?? null);
				const again = await ctx.engine.poll('orders', {fromOffset: 4, maxRecords: 2});
				ctx.fact('pollAgainSame', JSON.stringify(again.records) === JSON.stringify(result.records));
			},
			after: (f) =>
				`Offsets ${f.pollOffsets.join(' and ')} came back; the reader continues at ${f.pollNext}, the high water mark is still ${f.ordersHwmAfter}. Reading again returned ${f.pollAgainSame ? 'the very same records' : 'different records'}, and Records still lists all ${f.ordersHwmAfter}: a poll never consumes.`,
			cites: (f) => [
				...f.pollOffsets.map((offset) => pane.record(offset)),
				pane.record(f.pollNext),
				pane.topic('orders', f.ordersHwmAfter, f.ordersHwmAfter),
				pane.records('orders', 0, f.ordersHwmAfter - 1, f.ordersHwmAfter),
			],
		},
	],
};
