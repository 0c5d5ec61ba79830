import {describe, expect, it} from 'vitest';
import {KeyRouter} from '../../../source/ui/input/key-router.js';
import {charKey} from '../../../source/ui/input/parse-keys.js';

describe('the focus stack', () => {
	it('gives a key to the highest layer; removing it gives keys back to the one below', () => {
		const router = new KeyRouter();
		const got: string[] = [];
		router.push('pane', (k) => (got.push(`pane ${k.text}`), true));
		const closeForm = router.push('form', (k) => (got.push(`form ${k.text}`), true));
		router.push('tour', (k) => (got.push(`tour ${k.text}`), true));
		router.dispatch(charKey('a'));
		closeForm();
		router.dispatch(charKey('b'));
		expect(got).toEqual(['form a', 'tour b']);
	});

	it('a key a layer declines goes on down; the newest of equal layers comes first', () => {
		const router = new KeyRouter();
		const got: string[] = [];
		router.push('pane', (k) => (got.push(`old ${k.text}`), true));
		router.push('pane', (k) => (got.push(`new ${k.text}`), true));
		router.push('tour', (k) => k.text === 'n' && (got.push('tour n'), true));
		router.dispatch(charKey('n'));
		router.dispatch(charKey('q'));
		expect(got).toEqual(['tour n', 'new q']);
	});

	it('a key right after a handler opens a new owner goes to that owner, not the old one nor nobody', () => {
		const router = new KeyRouter();
		const got: string[] = [];
		let closeForm = (): void => undefined;
		router.push('pane', (k) => {
			got.push(`pane ${k.text}`);
			// p opens a form: its layer is in place before the next key is routed.
			if (k.text === 'p') closeForm = router.push('form', (f) => (f.name === 'escape' ? closeForm() : got.push(`form ${f.text}`), true));
			return true;
		});
		for (const k of [charKey('p'), charKey('x'), charKey('q')]) router.dispatch(k);
		router.dispatch({...charKey(''), name: 'escape'});
		router.dispatch(charKey('j'));
		expect(got).toEqual(['pane p', 'form x', 'form q', 'pane j']);
		expect(router.size).toBe(1);
	});

	it('a layer removed while a key is routed does not get that key', () => {
		const router = new KeyRouter();
		const got: string[] = [];
		router.push('pane', () => (got.push('pane'), true));
		const removeOverlay = router.push('overlay', () => (got.push('overlay'), true));
		router.push('form', () => {
			removeOverlay();
			return false;
		});
		router.dispatch(charKey('z'));
		expect(got).toEqual(['pane']);
	});
});
