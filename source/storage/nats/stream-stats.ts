import type {JetStreamManager, StreamInfo} from '@nats-io/jetstream';
import type {JetStreamReplica} from '../../core/stats.js';

/** Stream info is fetched at most this often, in the background: stats() must stay cheap. */
export const INFO_INTERVAL_MS = 1000;

export interface StreamView {
	leader: string | null;
	followers: JetStreamReplica[];
	replicas: number;
	firstSeq: number;
	lastSeq: number;
	bytes: number;
	at: number;
}

export const viewOf = (info: StreamInfo, at = Date.now()): StreamView => ({
	leader: info.cluster?.leader ?? null,
	followers: (info.cluster?.replicas ?? []).map((peer) => ({name: peer.name, current: peer.current && !peer.offline, lag: peer.lag ?? 0, activeMs: Math.round((peer.active ?? 0) / 1e6)})),
	replicas: info.config.num_replicas,
	firstSeq: info.state.first_seq,
	lastSeq: info.state.last_seq,
	bytes: info.state.bytes,
	at,
});

/**
 * Keeps a recent picture of one stream (leader, followers, sequences, bytes). `refresh` asks the
 * cluster at most once per INFO_INTERVAL_MS and never twice at once; `onLeader` hears every change
 * of leader seen that way.
 */
export class StreamStats {
	view: StreamView;
	private refreshing = false;

	constructor(
		private readonly jsm: JetStreamManager,
		private readonly stream: string,
		initial: StreamInfo,
		private readonly onLeader: (leader: string | null, previous: string | null) => void,
	) {
		this.view = viewOf(initial);
	}

	refresh(force = false): void {
		if (this.refreshing || (!force && Date.now() - this.view.at < INFO_INTERVAL_MS)) return;
		this.refreshing = true;
		this.jsm.streams
			.info(this.stream)
			.then(
				(info) => this.update(viewOf(info)),
				// No answer (an election runs, the connection is down): no leader known right now.
				() => this.update({...this.view, leader: null, at: Date.now()}),
			)
			.finally(() => (this.refreshing = false));
	}

	private update(view: StreamView): void {
		const previous = this.view.leader;
		this.view = view;
		if (view.leader !== previous) this.onLeader(view.leader, previous);
	}
}
