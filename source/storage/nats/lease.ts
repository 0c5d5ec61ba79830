import {hostname} from 'node:os';
import type {KV} from '@nats-io/kv';
import {CLOCK_KEY, LEASE_KEY} from './names.js';
import {whileStarting} from './patience.js';

/** How long a clean close keeps trying to delete its lease while the cluster cannot answer. */
const RELEASE_PATIENCE_MS = 5000;

interface LeaseValue {
	owner: string;
	host: string;
	pid: number;
	ttlMs: number;
}

export interface LeaseEvents {
	/** Another process took the lease (this one stopped renewing in time, or the key was changed). */
	lost(message: string): void;
}

/**
 * The cluster's equivalent of the data directory's lock: one KV key per prefix, written with the
 * revision it replaces, renewed every third of its TTL. A live holder's key is younger than its TTL,
 * so a second FlashQ is refused at once; a key left by a killed process ages past the TTL and is
 * taken over, race-free, by an update on its revision. The age is measured on the server's clock
 * only: the opener writes a probe key and compares the two entries' server timestamps, since this
 * machine's clock may be minutes off the server's (which would take over a live lease, or never a
 * dead one).
 */
export class Lease {
	private revision = 0;
	private timer: NodeJS.Timeout | undefined;
	private closed = false;
	/** Set when the lease was taken over from a holder that stopped renewing. */
	tookOver: string | null = null;

	private constructor(
		private readonly kv: KV,
		private readonly value: LeaseValue,
		private readonly events: LeaseEvents,
	) {}

	static async acquire(kv: KV, prefix: string, owner: string, ttlMs: number, events: LeaseEvents): Promise<Lease> {
		const value: LeaseValue = {owner, host: hostname(), pid: process.pid, ttlMs};
		const lease = new Lease(kv, value, events);
		const data = JSON.stringify(value);
		const entry = await kv.get(LEASE_KEY);
		if (!entry || entry.operation !== 'PUT') {
			lease.revision = entry ? await kv.update(LEASE_KEY, data, entry.revision) : await kv.create(LEASE_KEY, data);
		} else {
			// An unreadable lease is still a lease: it ages out like any other.
			const holder = holderOf(entry.string());
			// Ours: an earlier attempt of this open wrote it and lost the answer (a cluster electing).
			if (holder.owner === owner) lease.revision = await kv.update(LEASE_KEY, data, entry.revision);
			else {
				const holderTtl = typeof holder.ttlMs === 'number' ? holder.ttlMs : ttlMs;
				const age = (await serverNow(kv, owner)) - entry.created.getTime();
				const who = `pid ${holder.pid ?? '?'} on ${holder.host ?? '?'}`;
				if (age < holderTtl) {
					throw new Error(
						`another FlashQ (${who}) holds the lease on nats prefix '${prefix}' (renewed ${Math.max(0, Math.round(age / 1000))} s ago; it expires ${Math.ceil((holderTtl - age) / 1000)} s after its holder stops): stop it, or use another --nats-prefix`,
					);
				}
				lease.revision = await kv.update(LEASE_KEY, data, entry.revision);
				lease.tookOver = `took over the lease on nats prefix '${prefix}' from ${who}, which stopped renewing it ${Math.round(age / 1000)} s ago (TTL ${holderTtl / 1000} s)`;
			}
		}
		lease.timer = setInterval(() => lease.renew(), Math.max(100, Math.floor(ttlMs / 3)));
		lease.timer.unref();
		return lease;
	}

	private renew(): void {
		this.kv.update(LEASE_KEY, JSON.stringify(this.value), this.revision).then(
			(revision) => {
				this.revision = revision;
			},
			(error: Error) => {
				if (this.closed) return;
				// A wrong revision means someone else wrote the key; anything else (no leader, no connection) is retried next round.
				if (/wrong last sequence/i.test(error.message)) {
					this.stop();
					this.events.lost(`lost the lease on the nats prefix to another process (${error.message}): this queue stopped writing`);
				}
			},
		);
	}

	private stop(): void {
		this.closed = true;
		clearInterval(this.timer);
	}

	async release(): Promise<void> {
		if (this.closed) return;
		this.stop();
		// A lease left behind would refuse the next FlashQ on this prefix until its TTL runs out, so the
		// release is retried while the cluster elects (a close during a node loss), and it deletes the
		// lease at the revision the server has: a renewal still in flight at close (one sent while the
		// cluster was frozen lands later) moves it past the one this process saw last.
		await whileStarting(async () => {
			for (let attempt = 0; attempt < 5; attempt++) {
				const entry = await this.kv.get(LEASE_KEY);
				if (!entry || entry.operation !== 'PUT' || holderOf(entry.string()).owner !== this.value.owner) return;
				try {
					await this.kv.delete(LEASE_KEY, {previousSeq: entry.revision});
					return;
				} catch (error) {
					if (!/wrong last sequence/i.test((error as Error).message)) throw error;
				}
			}
		}, RELEASE_PATIENCE_MS).catch(() => undefined);
	}
}

/** The server's time now: the timestamp the server gives a probe entry written for it. */
async function serverNow(kv: KV, owner: string): Promise<number> {
	const revision = await kv.put(CLOCK_KEY, owner);
	// Another opener's probe may have replaced ours already (the bucket keeps one): its time is as good.
	const probe = (await kv.get(CLOCK_KEY, {revision})) ?? (await kv.get(CLOCK_KEY));
	if (!probe) throw new Error(`the clock probe (revision ${revision}) of the lease bucket was not found`);
	return probe.created.getTime();
}

/** A lease entry's value; an unreadable one names nobody. */
function holderOf(text: string): Partial<LeaseValue> {
	try {
		return JSON.parse(text) as Partial<LeaseValue>;
	} catch {
		return {};
	}
}
