import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// Crash, tmux and server tests spawn processes; two cores are shared.
		maxWorkers: 2,
	},
});
