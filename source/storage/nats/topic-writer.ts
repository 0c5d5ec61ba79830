import type {JetStreamClient, PubAck} from '@nats-io/jetstream';

/** One append: its records' messages, acknowledged one by one, resolved when all (and all before) are. */
interface Batch {
	base: number;
	messages: Uint8Array[];
	acked: boolean[];
	ackedCount: number;
	bytes: number;
	startedAt: number;
	resent: number;
	duplicates: number;
	resolve(base: number): void;
	reject(error: Error): void;
	/** Settles with the batch: what `flush` waits for. */
	settled: Promise<unknown>;
}

export interface WriterReport {
	/** A batch was acknowledged whole (and every batch before it). */
	acked(batch: {base: number; count: number; bytes: number; latencyMs: number; resent: number; duplicates: number}): void;
	/** A publish failed: the writer resends everything unacknowledged (stats refresh, leader check). */
	retrying(error: Error): void;
}

/** How long the writer keeps resending without a single acknowledgement before it gives up. */
const GIVE_UP_MS = 30_000;
const BACKOFF_MS = [50, 100, 250, 500, 1000];

/**
 * The one writer of a topic's stream. Offsets are assigned here, synchronously; each record is one
 * publish with `Nats-Msg-Id = <writer id>:<offset>` (an id of the offset alone would let another
 * writer's record pass for ours) and the expected last sequence = its offset (offset = sequence - 1),
 * so the stream stores it only right after its predecessor. Publishes are pipelined on one
 * connection, which keeps them in order. On any error the writer stops, waits, and resends every
 * unacknowledged record in offset order: a record the stream already holds is answered "duplicate"
 * with its original sequence, the rest follow it. Resending batches independently instead collapsed
 * to ~100 records/s after a leader kill (each waited for the others' expectations).
 */
export class TopicWriter {
	private readonly batches: Batch[] = [];
	/** Bumped on each error: answers to an older round's publishes no longer start a resend. */
	private round = 0;
	private waiting = false;
	private failure: Error | null = null;
	private lastProgress = Date.now();
	private attempt = 0;
	resends = 0;
	duplicates = 0;
	inFlight = 0;

	constructor(
		private readonly js: JetStreamClient,
		private readonly subject: string,
		private readonly writerId: string,
		/** The next offset to assign: the stream's last sequence at open. */
		public nextOffset: number,
		private readonly report: WriterReport,
		private readonly timeoutMs = 5000,
	) {
		this.highWaterMark = nextOffset;
	}

	/** Records below it are acknowledged by the stream. */
	highWaterMark: number;

	get failed(): Error | null {
		return this.failure;
	}

	append(messages: Uint8Array[], bytes: number): Promise<number> {
		if (this.failure) return Promise.reject(this.failure);
		const base = this.nextOffset;
		this.nextOffset += messages.length;
		let resolve!: (base: number) => void;
		let reject!: (error: Error) => void;
		const result = new Promise<number>((res, rej) => {
			resolve = res;
			reject = rej;
		});
		const settled = result.catch(() => undefined);
		const batch: Batch = {base, messages, acked: messages.map(() => false), ackedCount: 0, bytes, startedAt: Date.now(), resent: 0, duplicates: 0, resolve, reject, settled};
		if (this.batches.length === 0) this.lastProgress = Date.now();
		this.batches.push(batch);
		this.inFlight += messages.length;
		// While waiting to resend, the resend will carry this batch too.
		if (!this.waiting) this.send(batch, this.round);
		return result;
	}

	/** Resolves once every batch appended so far is acknowledged (or the writer failed). */
	async flush(): Promise<void> {
		// Batches settle in offset order (or all at once on failure): the last one settles last.
		await this.batches.at(-1)?.settled;
	}

	/** Stops the writer: everything still unacknowledged is rejected with `error`. */
	fail(error: Error): void {
		if (this.failure) return;
		this.failure = error;
		for (const batch of this.batches.splice(0)) batch.reject(error);
		this.inFlight = 0;
	}

	private send(batch: Batch, round: number, resend = false): void {
		for (let i = 0; i < batch.messages.length; i++) {
			if (batch.acked[i]) continue;
			const offset = batch.base + i;
			if (resend) {
				batch.resent++;
				this.resends++;
			}
			this.js
				.publish(this.subject, batch.messages[i], {msgID: `${this.writerId}:${offset}`, expect: {lastSequence: offset}, timeout: this.timeoutMs})
				.then(
					(ack) => this.onAck(batch, i, ack),
					(error: unknown) => this.onError(round, error instanceof Error ? error : new Error(String(error)), offset),
				);
		}
	}

	private onAck(batch: Batch, index: number, ack: PubAck): void {
		if (this.failure || batch.acked[index]) return;
		const offset = batch.base + index;
		if (ack.seq !== offset + 1) {
			// Only a duplicate can carry another sequence: our id at another place means the stream changed under us.
			this.fail(new Error(`stream answered sequence ${ack.seq} for offset ${offset} (expected ${offset + 1}${ack.duplicate ? ', as a duplicate' : ''}): the stream was changed by someone else; this topic stopped writing`));
			return;
		}
		if (ack.duplicate) {
			batch.duplicates++;
			this.duplicates++;
		}
		batch.acked[index] = true;
		batch.ackedCount++;
		this.inFlight--;
		this.lastProgress = Date.now();
		this.attempt = 0;
		while (this.batches.length > 0 && this.batches[0]!.ackedCount === this.batches[0]!.messages.length) {
			const done = this.batches.shift()!;
			this.highWaterMark = done.base + done.messages.length;
			this.report.acked({base: done.base, count: done.messages.length, bytes: done.bytes, latencyMs: Date.now() - done.startedAt, resent: done.resent, duplicates: done.duplicates});
			done.resolve(done.base);
		}
	}

	private onError(round: number, error: Error, offset: number): void {
		if (this.failure || round !== this.round) return;
		const found = /wrong last sequence: (\d+)/.exec(error.message);
		if (found && Number(found[1]) > offset) {
			// The stream holds more than we wrote, and not as our duplicate: another writer.
			this.fail(new Error(`another writer appended to stream subject ${this.subject} (expected last sequence ${offset}, found ${found[1]}): this topic stopped writing`));
			return;
		}
		if (Date.now() - this.lastProgress > GIVE_UP_MS) {
			this.fail(new Error(`no acknowledgement from the stream for ${GIVE_UP_MS / 1000} s (last error: ${error.message}); this topic stopped writing`));
			return;
		}
		this.round++;
		this.waiting = true;
		this.report.retrying(error);
		const delay = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)]!;
		setTimeout(() => {
			this.waiting = false;
			if (this.failure) return;
			const round = this.round;
			// Every unacknowledged record, in offset order.
			for (const batch of this.batches) this.send(batch, round, true);
		}, delay);
	}
}
