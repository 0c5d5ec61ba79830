import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {FlashQError} from '../../source/engine/errors.js';
import {FlashQ} from '../../source/engine/flashq.js';
import {backendCases} from '../helpers/backends.js';

/**
 * The engine against a trivial model: topics are arrays of values, groups are maps of offsets.
 * Random operation sequences, including invalid ones, must give the same answers and errors.
 */
interface Model {
	topics: Map<string, string[]>;
	groups: Map<string, Map<string, number>>;
}

// Mostly valid names, so that sequences reach deep states; a few invalid ones keep the error paths in play.
const topicName = fc.oneof({arbitrary: fc.constantFrom('a', 'b', 'B', '.x'), weight: 8}, {arbitrary: fc.constantFrom('bad name', '..'), weight: 1});
const groupName = fc.oneof({arbitrary: fc.constantFrom('g1', 'g2'), weight: 8}, {arbitrary: fc.constant('bad/group'), weight: 1});
const valid = (name: string) => /^[a-zA-Z0-9._][a-zA-Z0-9._-]*$/.test(name) && !/^\.+$/.test(name);
const offset = fc.integer({min: -1, max: 8});

const operation = fc.oneof(
	fc.record({op: fc.constant('post' as const), topic: topicName, values: fc.array(fc.string({maxLength: 8}), {maxLength: 4})}),
	fc.record({op: fc.constant('poll' as const), topic: topicName, from: fc.option(offset, {nil: undefined}), max: fc.option(fc.integer({min: 0, max: 5}), {nil: undefined})}),
	fc.record({op: fc.constant('create' as const), group: groupName}),
	fc.record({op: fc.constant('delete' as const), group: groupName}),
	fc.record({op: fc.constant('commit' as const), group: groupName, topic: topicName, offset}),
	fc.record({op: fc.constant('fetch' as const), group: groupName, topic: topicName, max: fc.option(fc.integer({min: 1, max: 5}), {nil: undefined})}),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** What the model says an operation returns: a value, or an error code. */
function expected(model: Model, o: Operation): unknown {
	switch (o.op) {
		case 'post': {
			if (!valid(o.topic)) return 'invalid_parameter';
			if (o.values.length === 0) return 'invalid_parameter';
			const log = model.topics.get(o.topic) ?? [];
			model.topics.set(o.topic, log);
			const base = log.length;
			log.push(...o.values);
			return o.values.map((_, i) => base + i);
		}
		case 'poll': {
			if (!valid(o.topic)) return 'invalid_parameter';
			if (o.max !== undefined && o.max < 1) return 'invalid_parameter';
			if (o.from !== undefined && o.from < 0) return 'invalid_parameter';
			const log = model.topics.get(o.topic);
			if (!log) return 'topic_not_found';
			const from = o.from ?? 0;
			return log.slice(from, from + (o.max ?? 10_000));
		}
		case 'create': {
			if (!valid(o.group)) return 'invalid_parameter';
			if (model.groups.has(o.group)) return 'conflict';
			model.groups.set(o.group, new Map());
			return 'ok';
		}
		case 'delete': {
			if (!valid(o.group)) return 'invalid_parameter';
			if (!model.groups.delete(o.group)) return 'group_not_found';
			return 'ok';
		}
		case 'commit': {
			if (!valid(o.group) || !valid(o.topic) || o.offset < 0) return 'invalid_parameter';
			const group = model.groups.get(o.group);
			if (!group) return 'group_not_found';
			const log = model.topics.get(o.topic);
			if (!log) return 'topic_not_found';
			if (o.offset > log.length) return 'invalid_offset';
			group.set(o.topic, o.offset);
			return o.offset;
		}
		case 'fetch': {
			if (!valid(o.group) || !valid(o.topic)) return 'invalid_parameter';
			const group = model.groups.get(o.group);
			if (!group) return 'group_not_found';
			const log = model.topics.get(o.topic);
			if (!log) return 'topic_not_found';
			const committed = group.get(o.topic) ?? 0;
			return {values: log.slice(committed, committed + (o.max ?? 10_000)), next: committed, hwm: log.length};
		}
	}
}

async function actual(q: FlashQ, o: Operation): Promise<unknown> {
	try {
		switch (o.op) {
			case 'post':
				return (await q.post(o.topic, o.values.map((value) => ({value})))).map((r) => r.offset);
			case 'poll':
				return (await q.poll(o.topic, {fromOffset: o.from, maxRecords: o.max})).records.map((r) => r.value);
			case 'create':
				await q.createGroup(o.group);
				return 'ok';
			case 'delete':
				await q.deleteGroup(o.group);
				return 'ok';
			case 'commit':
				return (await q.commitOffset(o.group, o.topic, o.offset)).offset;
			case 'fetch': {
				const result = await q.fetch(o.group, o.topic, {maxRecords: o.max});
				return {values: result.records.map((r) => r.value), next: result.nextOffset, hwm: result.highWaterMark};
			}
		}
	} catch (error) {
		if (error instanceof FlashQError) return error.code;
		throw error;
	}
}

describe('engine matches a trivial model under random operations', () => {
	for (const backendCase of backendCases) {
		it(`on ${backendCase.name}`, async () => {
			await fc.assert(
				fc.asyncProperty(fc.array(operation, {minLength: 5, maxLength: 60, size: 'max'}), async (operations) => {
					const {options, cleanup} = await backendCase.fresh();
					const q = await FlashQ.open(options);
					try {
						const model: Model = {topics: new Map(), groups: new Map()};
						for (const o of operations) expect(await actual(q, o)).toEqual(expected(model, o));
						expect(q.topics().map((t) => [t.name, t.highWaterMark])).toEqual(
							[...model.topics].map(([name, log]) => [name, log.length]).sort((x, y) => (String(x[0]) < String(y[0]) ? -1 : 1)),
						);
					} finally {
						await q.close();
						await cleanup();
					}
				}),
				{numRuns: backendCase.persistent ? 30 : 150},
			);
		});
	}
});
