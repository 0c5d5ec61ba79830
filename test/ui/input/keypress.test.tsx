import {Text} from 'ink';
import {render} from 'ink-testing-library';
import React, {useState} from 'react';
import {afterEach, describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {KeypressProvider, useKeyLayer} from '../../../source/ui/input/keypress.js';
import {lineWith, type Rendered, renderApp, waitFor} from '../helpers.js';

/** A pane that opens a form on `o`; the form takes every key until Esc. Both log what they get. */
function Screen({log}: {log: string[]}) {
	const [open, setOpen] = useState(false);
	useKeyLayer('pane', (key) => {
		log.push(`pane ${key.name === 'char' ? key.text : key.name}`);
		if (key.text === 'o') setOpen(true);
		return true;
	});
	return open ? <Form log={log} close={() => setOpen(false)} /> : <Text>panes</Text>;
}

function Form({log, close}: {log: string[]; close(): void}) {
	useKeyLayer('form', (key) => {
		if (key.name === 'escape') close();
		else log.push(`form ${key.text}`);
		return true;
	});
	return <Text>form</Text>;
}

describe('the keypress layer', () => {
	it('keys in the chunk that opens a form go to the form, and after it closes to the pane again', async () => {
		const log: string[] = [];
		const ui = render(
			<KeypressProvider>
				<Screen log={log} />
			</KeypressProvider>,
		);
		ui.stdin.write('oab');
		await waitFor(() => expect(log).toEqual(['pane o', 'form a', 'form b']));
		await waitFor(() => expect(ui.lastFrame()).toBe('form'));
		ui.stdin.write('\u001B');
		await waitFor(() => expect(ui.lastFrame()).toBe('panes'));
		ui.stdin.write('c');
		await waitFor(() => expect(log).toEqual(['pane o', 'form a', 'form b', 'pane c']));
		ui.unmount();
	});

	it('an arrow split across two reads is one key, not Escape then text', async () => {
		const log: string[] = [];
		const ui = render(
			<KeypressProvider>
				<Screen log={log} />
			</KeypressProvider>,
		);
		ui.stdin.write('\u001B');
		ui.stdin.write('[B');
		await waitFor(() => expect(log).toEqual(['pane down']));
		ui.unmount();
	});
});

describe('the app on the keypress layer', () => {
	let queue: FlashQ | undefined;
	let ui: Rendered | undefined;
	afterEach(async () => {
		ui?.unmount();
		await queue?.close();
	});

	it('keys that arrive in the same chunk as the p that opens the form are typed into it', async () => {
		queue = await FlashQ.open({storage: 'memory'});
		await queue.post('orders', [{value: 'v'}]);
		ui = await renderApp(queue);
		await ui.see('orders');
		await ui.type('pxy\r');
		const f = await ui.see(/› key +:/);
		expect(lineWith(f, 'topic')).toMatch(/topic +: ordersxy/);
		expect(ui.quits).toBe(0);
	});

	it('Tab and a pane key in one chunk: the key acts on the pane Tab moved to', async () => {
		queue = await FlashQ.open({storage: 'memory'});
		await queue.post('t', [{value: 'first'}, {value: 'second'}]);
		ui = await renderApp(queue);
		await ui.see(/› +0 /);
		await ui.type('\tj');
		await ui.see(/› +1 .*second/);
		expect(ui.frame()).toMatch(/› t /);
	});
});
