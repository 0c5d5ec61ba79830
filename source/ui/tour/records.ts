import type {RecordInput} from '../../engine/types.js';
import type {Random} from './random.js';

const USERS = ['ada', 'alan', 'grace', 'edsger', 'barbara', 'ken', 'dennis', 'margaret', 'donald', 'frances'];
const ACTIONS = ['login', 'logout', 'view', 'add-to-cart', 'checkout', 'search', 'rate', 'share'];
const ITEMS = ['book', 'lamp', 'kettle', 'chair', 'pen', 'mug', 'clock', 'plant', 'radio', 'scarf'];

/**
 * Records a class can read at a glance (a user, an action, an item), all drawn from `rng`, so the
 * same seed gives the same keys, values and byte sizes. `padTo` pads values to about that many
 * bytes (lessons about caches and indexes want bigger records).
 */
export function makeRecords(rng: Random, count: number, options: {padTo?: number; headers?: boolean} = {}): RecordInput[] {
	const out: RecordInput[] = [];
	for (let i = 0; i < count; i++) {
		const user = rng.pick(USERS);
		const body: Record<string, string | number> = {user, action: rng.pick(ACTIONS), item: rng.pick(ITEMS), qty: 1 + rng.int(9)};
		let value = JSON.stringify(body);
		if (options.padTo !== undefined && value.length < options.padTo) {
			body['note'] = 'x'.repeat(options.padTo - value.length - 10);
			value = JSON.stringify(body);
		}
		const record: RecordInput = {key: user, value};
		if (options.headers) record.headers = {source: rng.pick(['web', 'app', 'shop'])};
		out.push(record);
	}
	return out;
}
