/**
 * Vitest global setup: one single-node nats-server (JetStream on) for every test file that runs the
 * shared suites on nats storage; each test uses a fresh prefix. Where nats-server is missing the
 * nats cases are left out, except in CI, where that fails the run.
 */
import type {TestProject} from 'vitest/node';
import {natsAvailable, testCluster} from '../../helpers/nats-cluster.js';

declare module 'vitest' {
	export interface ProvidedContext {
		natsUrl: string | null;
	}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	if (!natsAvailable()) {
		project.provide('natsUrl', null);
		return async () => undefined;
	}
	const cluster = await testCluster(1);
	project.provide('natsUrl', cluster.urls[0]!);
	return () => cluster.stop();
}
