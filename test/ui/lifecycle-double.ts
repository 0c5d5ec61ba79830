/**
 * A TEST DOUBLE for the issue-15 engine calls (createTopic, deleteTopic, offsetForTime) while FlashQ
 * still has stubs for them in this branch. It wraps a real in-process FlashQ in a Proxy that
 * overrides just those three, by the contract (docs: /work/notes/issue15-contract.md), reaching into
 * the engine's private maps so that every other call (stats, groups, peek, post, commitOffset) stays
 * the real engine's and sees the effect. Memory storage only: a deletion here is not persisted.
 *
 * Once the engine implements them, the tests that use `withTopicLifecycle` should pass the FlashQ
 * itself (drop the wrapper) and keep passing.
 */
import {FlashQError} from '../../source/engine/errors.js';
import type {FlashQ} from '../../source/engine/flashq.js';
import type {OffsetForTime, TopicCreated, TopicDeleted} from '../../source/engine/types.js';
import {validateName} from '../../source/engine/validation.js';

interface Internals {
	topicStates: Map<string, {log: {highWaterMark: number}}>;
	groupStates: Map<string, {groupId: string; offsets: Map<string, unknown>}>;
	topicState(topic: string): Promise<unknown>;
	events: {active: boolean; emit(event: unknown): void};
}

export function withTopicLifecycle(queue: FlashQ): FlashQ {
	const inner = queue as unknown as Internals;
	const createTopic = async (topic: string): Promise<TopicCreated> => {
		validateName(topic, 'topic');
		if (inner.topicStates.has(topic)) return {topic, created: false};
		// The engine's own path for a first post: opens an empty log and emits topic.create.
		await inner.topicState(topic);
		return {topic, created: true};
	};
	const deleteTopic = async (topic: string): Promise<TopicDeleted> => {
		validateName(topic, 'topic');
		const state = inner.topicStates.get(topic);
		if (!state) throw new FlashQError('topic_not_found', `topic '${topic}' does not exist`, {topic});
		const records = state.log.highWaterMark;
		inner.topicStates.delete(topic);
		const groups: string[] = [];
		for (const group of inner.groupStates.values()) {
			if (!group.offsets.has(topic)) continue;
			const offsets = new Map(group.offsets);
			offsets.delete(topic);
			group.offsets = offsets;
			groups.push(group.groupId);
		}
		groups.sort();
		if (inner.events.active) inner.events.emit({type: 'topic.delete', at: Date.now(), topic, records, groups});
		return {topic, records, groups};
	};
	const offsetForTime = async (topic: string, time: number): Promise<OffsetForTime> => {
		const first = await queue.peek(topic, {maxRecords: 1});
		// Binary search over single-record peeks: timestamps grow with offsets.
		let low = 0;
		let high = first.highWaterMark;
		while (low < high) {
			const mid = Math.floor((low + high) / 2);
			const [record] = (await queue.peek(topic, {fromOffset: mid, maxRecords: 1})).records;
			if (record && Date.parse(record.timestamp) < time) low = mid + 1;
			else high = mid;
		}
		const [found] = low < first.highWaterMark ? (await queue.peek(topic, {fromOffset: low, maxRecords: 1})).records : [];
		return {offset: low, timestamp: found ? Date.parse(found.timestamp) : null};
	};
	const overrides: Record<string, unknown> = {createTopic, deleteTopic, offsetForTime};
	return new Proxy(queue, {
		get(target, property, receiver) {
			if (typeof property === 'string' && Object.hasOwn(overrides, property)) return overrides[property];
			return Reflect.get(target, property, receiver);
		},
	});
}
