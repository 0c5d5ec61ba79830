import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		// Builds dist/ once (when stale) for the tests that run the built CLI.
		globalSetup: ['test/global-setup.ts', 'test/storage/nats/global-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// Crash, tmux and server tests spawn processes; two cores are shared.
		maxWorkers: 2,
	},
});
