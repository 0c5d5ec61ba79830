import type {GroupInfo} from '../../engine/types.js';
import {Ring} from './ring.js';

/** The key of one group's lag on one topic in a LagHistory's map. */
export const lagKey = (group: string, topic: string): string => `${group}\u0000${topic}`;

/**
 * Each group's lag per topic over time, for the Groups pane's trend: one value per step (a second),
 * newest last, from the groups the store reads for each snapshot anyway (no reads of its own). The
 * newest value is replaced at every snapshot until the next step starts, so the trend always ends
 * at the lag shown beside it. A group or topic that goes away takes its history with it.
 */
export class LagHistory {
	private readonly rings = new Map<string, Ring<number>>();
	private stepAt = -Infinity;

	constructor(
		private readonly length: number,
		private readonly stepMs: number,
	) {}

	sample(now: number, groups: readonly GroupInfo[]): ReadonlyMap<string, readonly number[]> {
		const newStep = now - this.stepAt >= this.stepMs;
		if (newStep) this.stepAt = now;
		const out = new Map<string, readonly number[]>();
		for (const group of groups) {
			for (const offset of group.offsets) {
				const key = lagKey(group.groupId, offset.topic);
				let ring = this.rings.get(key);
				if (!ring) this.rings.set(key, (ring = new Ring(this.length)));
				if (newStep || ring.size === 0) ring.push(offset.lag);
				else ring.replaceLast(offset.lag);
				out.set(key, ring.toArray());
			}
		}
		for (const key of this.rings.keys()) if (!out.has(key)) this.rings.delete(key);
		return out;
	}
}
