import {createInbox, headers, type Msg, type MsgHdrs, type NatsConnection, type Subscription} from '@nats-io/transport-node';

/** One append: its records' messages, acknowledged one by one, resolved when all (and all before) are. */
interface Batch {
	base: number;
	messages: Uint8Array[];
	acked: boolean[];
	ackedCount: number;
	bytes: number;
	startedAt: number;
	/** When its records were last (re)sent: the timeout counts from here. */
	sentAt: number;
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

export interface WriterTimes {
	/** A record not acknowledged this long after it was sent counts as failed: everything unacknowledged is resent (default 5 s). */
	timeoutMs?: number;
	/** Without a single acknowledgement for this long the writer gives up for good (default 30 s). */
	giveUpMs?: number;
}

export const GIVE_UP_MS = 30_000;
const BACKOFF_MS = [50, 100, 250, 500, 1000];

const decoder = new TextDecoder();
const MSG_ID = 'Nats-Msg-Id';
const EXPECTED_LAST_SEQ = 'Nats-Expected-Last-Sequence';

/** A publish acknowledgement (or refusal) as the stream sends it. */
interface PubAckJson {
	seq?: number;
	duplicate?: boolean;
	error?: {code?: number; err_code?: number; description?: string};
}

/**
 * The one writer of a topic's stream. Offsets are assigned here, synchronously; each record is one
 * publish with `Nats-Msg-Id = <writer id>:<offset>` (an id of the offset alone would let another
 * writer's record pass for ours) and the expected last sequence = its offset (offset = sequence - 1),
 * so the stream stores it only right after its predecessor. Publishes are pipelined on one
 * connection, which keeps them in order. On any error the writer stops, waits, and resends every
 * unacknowledged record in offset order: a record the stream already holds is answered "duplicate"
 * with its original sequence, the rest follow it. Resending batches independently instead collapsed
 * to ~100 records/s after a leader kill (each waited for the others' expectations).
 *
 * The records go out as plain publishes whose replies (the stream's acks) come to one subscription
 * of this writer, `<inbox>.<round>.<offset>`, and one timer checks the oldest unacknowledged batch
 * for its timeout: `js.publish` costs a request (a promise, a timer, an options copy, a headers
 * object) per record, which with 64 producers on R3 held FlashQ to ~0.75 of raw publishing.
 */
export class TopicWriter {
	private readonly batches: Batch[] = [];
	/** Bumped on each error: answers to an older round's publishes no longer start a resend. */
	private round = 0;
	private waiting = false;
	private failure: Error | null = null;
	private lastProgress = Date.now();
	private attempt = 0;
	private readonly inbox = createInbox();
	private readonly subscription: Subscription;
	private readonly timer: NodeJS.Timeout;
	/** Reused for every publish: the client encodes headers as it writes the message. */
	private readonly headers: MsgHdrs = headers();
	private readonly publishOptions: {reply: string; headers: MsgHdrs};
	private readonly timeoutMs: number;
	private readonly giveUpMs: number;
	resends = 0;
	duplicates = 0;
	inFlight = 0;

	constructor(
		private readonly nc: NatsConnection,
		private readonly subject: string,
		private readonly writerId: string,
		/** The next offset to assign: the stream's last sequence at open. */
		public nextOffset: number,
		private readonly report: WriterReport,
		{timeoutMs = 5000, giveUpMs = GIVE_UP_MS}: WriterTimes = {},
	) {
		this.highWaterMark = nextOffset;
		this.timeoutMs = timeoutMs;
		this.giveUpMs = giveUpMs;
		this.publishOptions = {reply: '', headers: this.headers};
		this.subscription = nc.subscribe(`${this.inbox}.*.*`, {
			callback: (error, msg) => {
				if (!error) this.onReply(msg);
			},
		});
		this.timer = setInterval(() => this.checkTimeout(), Math.max(20, Math.floor(timeoutMs / 4)));
		this.timer.unref();
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
		const now = Date.now();
		const batch: Batch = {base, messages, acked: new Array<boolean>(messages.length).fill(false), ackedCount: 0, bytes, startedAt: now, sentAt: now, resent: 0, duplicates: 0, resolve, reject, settled: result};
		if (this.batches.length === 0) this.lastProgress = now;
		this.batches.push(batch);
		this.inFlight += messages.length;
		// While waiting to resend, the resend will carry this batch too.
		if (!this.waiting) this.send(batch, this.round);
		return result;
	}

	/** Resolves once every batch appended so far is acknowledged (or the writer failed). */
	async flush(): Promise<void> {
		// Batches settle in offset order (or all at once on failure): the last one settles last.
		await this.batches.at(-1)?.settled.catch(() => undefined);
	}

	/** Stops the writer: everything still unacknowledged is rejected with `error`. */
	fail(error: Error): void {
		if (this.failure) return;
		this.failure = error;
		clearInterval(this.timer);
		if (!this.nc.isClosed()) this.subscription.unsubscribe();
		for (const batch of this.batches.splice(0)) batch.reject(error);
		this.inFlight = 0;
	}

	private send(batch: Batch, round: number, resend = false): void {
		batch.sentAt = Date.now();
		const options = this.publishOptions;
		for (let i = 0; i < batch.messages.length; i++) {
			if (batch.acked[i]) continue;
			const offset = batch.base + i;
			if (resend) {
				batch.resent++;
				this.resends++;
			}
			this.headers.set(MSG_ID, `${this.writerId}:${offset}`);
			this.headers.set(EXPECTED_LAST_SEQ, String(offset));
			options.reply = `${this.inbox}.${round}.${offset}`;
			try {
				this.nc.publish(this.subject, batch.messages[i]!, options);
			} catch (error) {
				// A closed connection, or one whose reconnect buffer is full: like a failed publish.
				this.onError(round, error instanceof Error ? error : new Error(String(error)), offset);
				return;
			}
		}
	}

	/** An answer of the stream on `<inbox>.<round>.<offset>`. */
	private onReply(msg: Msg): void {
		if (this.failure) return;
		const subject = msg.subject;
		const dot = subject.lastIndexOf('.');
		const offset = Number(subject.slice(dot + 1));
		const round = Number(subject.slice(subject.lastIndexOf('.', dot - 1) + 1, dot));
		if (msg.data.length === 0) {
			// A status message: 503 no responders (no stream leader to take the subject yet) and the like.
			this.onError(round, new Error(`${msg.headers?.status || 'empty answer'} from the stream`), offset);
			return;
		}
		let ack: PubAckJson;
		try {
			ack = JSON.parse(decoder.decode(msg.data)) as PubAckJson;
		} catch {
			this.onError(round, new Error(`unreadable answer from the stream: ${decoder.decode(msg.data).slice(0, 100)}`), offset);
			return;
		}
		if (ack.error || typeof ack.seq !== 'number') {
			this.onError(round, new Error(ack.error?.description ?? `answer without a sequence: ${decoder.decode(msg.data).slice(0, 100)}`), offset);
			return;
		}
		this.onAck(offset, ack.seq, ack.duplicate === true);
	}

	private onAck(offset: number, seq: number, duplicate: boolean): void {
		// Acks mostly come in offset order: the batch is at or near the front.
		let batch: Batch | undefined;
		for (const b of this.batches) {
			if (offset < b.base) return;
			if (offset < b.base + b.messages.length) {
				batch = b;
				break;
			}
		}
		const index = batch ? offset - batch.base : -1;
		if (!batch || batch.acked[index]) return;
		if (seq !== offset + 1) {
			// Only a duplicate can carry another sequence: our id at another place means the stream changed under us.
			this.fail(new Error(`stream answered sequence ${seq} for offset ${offset} (expected ${offset + 1}${duplicate ? ', as a duplicate' : ''}): the stream was changed by someone else; this topic stopped writing`));
			return;
		}
		if (duplicate) {
			batch.duplicates++;
			this.duplicates++;
		}
		batch.acked[index] = true;
		batch.ackedCount++;
		this.inFlight--;
		this.attempt = 0;
		const now = Date.now();
		this.lastProgress = now;
		if (batch !== this.batches[0] || batch.ackedCount < batch.messages.length) return;
		while (this.batches.length > 0 && this.batches[0]!.ackedCount === this.batches[0]!.messages.length) {
			const done = this.batches.shift()!;
			this.highWaterMark = done.base + done.messages.length;
			this.report.acked({base: done.base, count: done.messages.length, bytes: done.bytes, latencyMs: now - done.startedAt, resent: done.resent, duplicates: done.duplicates});
			done.resolve(done.base);
		}
	}

	/** The oldest unacknowledged batch waited longer than the timeout since it was (re)sent: a failed publish. */
	private checkTimeout(): void {
		const head = this.batches[0];
		if (this.waiting || this.failure || !head || Date.now() - head.sentAt <= this.timeoutMs) return;
		const offset = head.base + head.acked.indexOf(false);
		this.onError(this.round, new Error(`timeout: no answer from the stream for offset ${offset} within ${this.timeoutMs} ms`), offset);
	}

	private onError(round: number, error: Error, offset: number): void {
		if (this.failure || round !== this.round) return;
		const found = /wrong last sequence: (\d+)/.exec(error.message);
		if (found && Number(found[1]) > offset) {
			// The stream holds more than we wrote, and not as our duplicate: another writer.
			this.fail(new Error(`another writer appended to stream subject ${this.subject} (expected last sequence ${offset}, found ${found[1]}): this topic stopped writing`));
			return;
		}
		if (Date.now() - this.lastProgress > this.giveUpMs) {
			this.fail(new Error(`no acknowledgement from the stream for ${this.giveUpMs / 1000} s (last error: ${error.message}); this topic stopped writing`));
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
