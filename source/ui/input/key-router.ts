import type {KeyPress} from './parse-keys.js';

/**
 * Who may take a key, highest first: Ctrl+C everywhere, then an open form (it takes every key),
 * then an overlay (help, record detail, byte inspector), then the tour, then the focused pane.
 */
export const KEY_PRIORITY = {system: 50, form: 40, overlay: 30, tour: 20, pane: 10} as const;
export type KeyPriority = keyof typeof KEY_PRIORITY;

/**
 * What a layer did with a key: false lets the layer below have it; true took it (the next key waits
 * until the app has re-rendered, as the key may have moved focus or opened something); 'sync' took
 * it and the layer's state is already up to date (a text field's reducer), so the next key may
 * follow at once.
 */
export type KeyResult = boolean | 'sync';
export type KeyHandler = (key: KeyPress) => KeyResult;

interface Layer {
	priority: number;
	order: number;
	handler: KeyHandler;
}

/**
 * The focus stack: every key goes to the highest-priority layer (the newest among equals) and down
 * the stack until one takes it. Layers are added and removed synchronously (a form registers in its
 * layout effect, in the same commit that draws it), so a key is always routed by the stack as it
 * is at that moment: it never reaches a listener that is gone, and never nobody while a new owner
 * is being put in place.
 */
export class KeyRouter {
	private layers: Layer[] = [];
	private counter = 0;

	/** Adds a layer; returns its removal. */
	push(priority: KeyPriority, handler: KeyHandler): () => void {
		const layer: Layer = {priority: KEY_PRIORITY[priority], order: ++this.counter, handler};
		this.layers.push(layer);
		this.layers.sort((a, b) => b.priority - a.priority || b.order - a.order);
		return () => {
			this.layers = this.layers.filter((l) => l !== layer);
		};
	}

	/** Delivers one key; false when no layer took it. */
	dispatch(key: KeyPress): KeyResult {
		// A copy: a handler may add or remove layers (open or close a form) while the key is routed.
		for (const layer of [...this.layers]) {
			if (!this.layers.includes(layer)) continue;
			const result = layer.handler(key);
			if (result !== false) return result;
		}
		return false;
	}

	get size(): number {
		return this.layers.length;
	}
}
