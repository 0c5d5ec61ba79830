import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {inject} from 'vitest';
import type {StorageOptions} from '../../source/storage/types.js';
import {deletePrefix, uniquePrefix} from './nats-cluster.js';

/**
 * Every storage configuration the shared suites run against. A suite calls `options()` for a
 * fresh, empty store; `reopen` gives options that open the same store again (null for memory).
 */
export interface BackendCase {
	name: string;
	persistent: boolean;
	fresh(): Promise<{options: StorageOptions; cleanup(): Promise<void>}>;
}

export const memoryCase: BackendCase = {
	name: 'memory',
	persistent: false,
	async fresh() {
		return {options: {storage: 'memory'}, cleanup: async () => undefined};
	},
};

export async function tempDir(prefix = 'flashq-test-'): Promise<{dir: string; cleanup(): Promise<void>}> {
	const dir = await mkdtemp(path.join(tmpdir(), prefix));
	return {dir, cleanup: () => rm(dir, {recursive: true, force: true})};
}

export const fileCase = (sync: 'always' | 'periodic' | 'never', extra: Partial<StorageOptions> = {}): BackendCase => ({
	name: `file/${sync}`,
	persistent: true,
	async fresh() {
		const {dir, cleanup} = await tempDir();
		return {options: {storage: 'file', dataDir: dir, sync, ...extra} as StorageOptions, cleanup};
	},
});

/**
 * NATS JetStream storage (R1) on the single-node server the global setup started
 * (test/storage/nats/global-setup.ts); each store is a fresh prefix, deleted afterwards.
 */
export const natsCase = (servers: string[]): BackendCase => ({
	name: 'nats',
	persistent: true,
	async fresh() {
		const prefix = uniquePrefix();
		return {options: {storage: 'nats', servers, prefix, replicas: 1}, cleanup: () => deletePrefix(servers, prefix)};
	},
});

/** The shared server's URL; null where nats-server is not installed (the nats case is then left out, never in CI). */
const natsUrl = inject('natsUrl');

/** Set FLASHQ_TEST_BACKENDS=memory to run the shared suites on one backend only. */
const only = process.env['FLASHQ_TEST_BACKENDS']?.split(',');

/** The file cases join once the file backend exists (issue 3). */
export const backendCases: BackendCase[] = [memoryCase, fileCase('always'), fileCase('periodic'), fileCase('never'), ...(natsUrl ? [natsCase([natsUrl])] : [])].filter((c) => !only || only.some((o) => c.name.startsWith(o)));
