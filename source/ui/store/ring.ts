/** A fixed-capacity ring buffer: the UI keeps the newest `capacity` items, never more. */
export class Ring<T> {
	private readonly items: (T | undefined)[];
	private start = 0;
	private length = 0;

	constructor(readonly capacity: number) {
		this.items = new Array<T | undefined>(capacity);
	}

	get size(): number {
		return this.length;
	}

	push(item: T): void {
		if (this.length < this.capacity) {
			this.items[(this.start + this.length) % this.capacity] = item;
			this.length++;
		} else {
			this.items[this.start] = item;
			this.start = (this.start + 1) % this.capacity;
		}
	}

	last(): T | undefined {
		return this.length === 0 ? undefined : this.items[(this.start + this.length - 1) % this.capacity];
	}

	/** The item `back` places before the newest (0 = newest). */
	fromEnd(back: number): T | undefined {
		return back < 0 || back >= this.length ? undefined : this.items[(this.start + this.length - 1 - back) % this.capacity];
	}

	replaceFromEnd(back: number, item: T): void {
		if (back >= 0 && back < this.length) this.items[(this.start + this.length - 1 - back) % this.capacity] = item;
	}

	/** Replaces the newest item (used to coalesce repeated events into one line). */
	replaceLast(item: T): void {
		if (this.length === 0) this.push(item);
		else this.items[(this.start + this.length - 1) % this.capacity] = item;
	}

	/** Oldest first. */
	toArray(): T[] {
		const out = new Array<T>(this.length);
		for (let i = 0; i < this.length; i++) out[i] = this.items[(this.start + i) % this.capacity]!;
		return out;
	}

	clear(): void {
		this.start = 0;
		this.length = 0;
		this.items.fill(undefined);
	}
}
