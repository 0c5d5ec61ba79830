import {useMemo, useSyncExternalStore} from 'react';
import type {Connection, LiveQueue} from '../engine/live-queue.js';

const noConnection = (): null => null;
const noSubscription = () => () => undefined;

/** Where the queue on screen is connected (null: in this process); re-renders when it changes. */
export function useConnection(queue: Pick<LiveQueue, 'connection' | 'onConnection'>): Connection | null {
	const [subscribe, read] = useMemo(
		() => [queue.onConnection ? queue.onConnection.bind(queue) : noSubscription, queue.connection ? queue.connection.bind(queue) : noConnection] as const,
		[queue],
	);
	return useSyncExternalStore(subscribe, read, read);
}
