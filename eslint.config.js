// ESLint flat config; `npm test` runs `eslint .` after tsc and before vitest.
// Only the syntactic typescript-eslint rules: the type-checked presets build a TypeScript
// program on every run, too slow for the shared two-core machine.
// No Prettier: reformatting every file would collide with work in progress on other branches.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['dist/', 'node_modules/', 'coverage/']},
	{
		// A disable comment that no longer suppresses anything is an error, so none go stale.
		linterOptions: {reportUnusedDisableDirectives: 'error'},
	},
	js.configs.recommended,
	tseslint.configs.recommended,
	{
		files: ['**/*.{ts,tsx,js}'],
		languageOptions: {
			ecmaVersion: 2022,
			sourceType: 'module',
			globals: globals.node,
		},
		plugins: {'react-hooks': reactHooks},
		rules: {
			'react-hooks/rules-of-hooks': 'error',
			'react-hooks/exhaustive-deps': 'error',
			// `_` names a value that is deliberately unused (`for (const _ of text)` counts).
			'@typescript-eslint/no-unused-vars': [
				'error',
				{argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_'},
			],
		},
	},
);
