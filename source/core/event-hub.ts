/** A listener receives events in batches, oldest first, plus how many were dropped since the last batch. */
export type BatchListener<E> = (events: readonly E[], dropped: number) => void;

export interface EventHubOptions {
	/** How long events gather before one batch goes out. 50 ms keeps a UI under ~20 renders a second. */
	flushIntervalMs?: number;
	/** At most this many events wait for a flush; older ones are dropped (and counted) beyond it. */
	maxPending?: number;
}

/**
 * Batches events for listeners. With no listener, `active` is false and producers skip building
 * events at all, so an unobserved engine pays one boolean check per event site.
 * Delivery is on a timer, never inline: a busy producer never waits for a listener.
 */
export class EventHub<E> {
	private readonly listeners = new Set<BatchListener<E>>();
	private pending: E[] = [];
	private dropped = 0;
	private timer: NodeJS.Timeout | undefined;
	private readonly flushIntervalMs: number;
	private readonly maxPending: number;
	/** True while anybody listens. Check it before building an event. */
	active = false;

	constructor(options: EventHubOptions = {}) {
		this.flushIntervalMs = options.flushIntervalMs ?? 50;
		this.maxPending = options.maxPending ?? 2000;
	}

	subscribe(listener: BatchListener<E>): () => void {
		this.listeners.add(listener);
		this.active = true;
		return () => {
			this.listeners.delete(listener);
			this.active = this.listeners.size > 0;
			if (!this.active) this.clear();
		};
	}

	emit(event: E): void {
		if (!this.active) return;
		if (this.pending.length >= this.maxPending) {
			// Keep the newest: a live view cares about now. Shift in chunks to stay O(1) amortised.
			this.pending = this.pending.slice(this.maxPending >> 1);
			this.dropped += this.maxPending - (this.maxPending >> 1);
		}
		this.pending.push(event);
		if (this.timer === undefined) {
			this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
			this.timer.unref();
		}
	}

	/** Delivers what is pending now (also used at close so the last events are not lost). */
	flush(): void {
		if (this.timer !== undefined) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
		if (this.pending.length === 0 && this.dropped === 0) return;
		const batch = this.pending;
		const dropped = this.dropped;
		this.pending = [];
		this.dropped = 0;
		for (const listener of this.listeners) {
			try {
				listener(batch, dropped);
			} catch {
				// A failing listener must not break the engine or the other listeners.
			}
		}
	}

	private clear(): void {
		if (this.timer !== undefined) clearTimeout(this.timer);
		this.timer = undefined;
		this.pending = [];
		this.dropped = 0;
	}
}
