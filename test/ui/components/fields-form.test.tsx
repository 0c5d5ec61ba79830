import {render} from 'ink-testing-library';
import React from 'react';
import {describe, expect, it} from 'vitest';
import {FieldsForm} from '../../../source/ui/components/fields-form.js';
import {KeypressProvider} from '../../../source/ui/input/keypress.js';
import {waitFor} from '../../helpers/wait-for.js';

const fields = [
	{name: 'topic', label: 'topic'},
	{name: 'key', label: 'key'},
	{name: 'value', label: 'value'},
];

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

function setup() {
	const submitted: Record<string, string>[] = [];
	const ui = render(
		<KeypressProvider>
			<FieldsForm title="Produce" fields={fields} onSubmit={(v) => void submitted.push(v)} onCancel={() => undefined} />
		</KeypressProvider>,
	);
	return {...ui, submitted};
}

describe('FieldsForm', () => {
	it('fills the fields in order and submits on the last Enter', async () => {
		const {stdin, submitted, lastFrame} = setup();
		await tick();
		for (const [text, enter] of [['orders', true], ['k1', true], ['v1', true]] as const) {
			stdin.write(text);
			await tick();
			if (enter) stdin.write('\r');
			await tick();
		}
		expect(submitted).toEqual([{topic: 'orders', key: 'k1', value: 'v1'}]);
		expect(lastFrame()).toContain('value: v1');
	});

	// A fast typist (or tmux, or a paste split in chunks) can send the next field's keys before React
	// has moved the input handlers over: they belong to the field now showing, not to the one before.
	it('keys typed right after Enter go to the next field, not the previous one', async () => {
		const {stdin, submitted} = setup();
		await tick();
		stdin.write('ledger');
		await tick();
		stdin.write('\r');
		stdin.write('a'); // no pause: the previous field's input may still be listening
		stdin.write('b');
		await tick();
		stdin.write('\r');
		await tick();
		stdin.write('v');
		stdin.write('w'); // before the form has re-rendered with 'v': both keys count
		await tick();
		stdin.write('\u007f'); // backspace
		await tick();
		stdin.write('\r');
		await tick();
		expect(submitted).toEqual([{topic: 'ledger', key: 'ab', value: 'v'}]);
	});

	it('a pasted chunk with line breaks fills the following fields', async () => {
		const {stdin, submitted} = setup();
		await tick();
		stdin.write('orders\rk1\rv1');
		await tick();
		expect(submitted).toEqual([]);
		stdin.write('\r');
		await tick();
		expect(submitted).toEqual([{topic: 'orders', key: 'k1', value: 'v1'}]);
	});

	it('typing after a fast switch keeps going at the end of the field', async () => {
		const {stdin, submitted} = setup();
		await tick();
		stdin.write('t');
		await tick();
		stdin.write('\r');
		stdin.write('x');
		await tick();
		stdin.write('y');
		await tick();
		stdin.write('z');
		await tick();
		stdin.write('\r');
		await tick();
		stdin.write('\r');
		await tick();
		expect(submitted).toEqual([{topic: 't', key: 'xyz', value: ''}]);
	});

	// After a slow submit fails, the form listens again; a key typed in the instant the message shows
	// (before React's effects re-attach input handlers) must not be lost.
	it('keys typed the instant a failed submit reports its error reach the form', async () => {
		const cancelled: number[] = [];
		const attempts: Record<string, string>[] = [];
		const ui = render(
			<KeypressProvider>
			<FieldsForm
				title="Produce"
				fields={[{name: 'value', label: 'value'}]}
				onSubmit={async (v) => {
					attempts.push(v);
					await new Promise((resolve) => setTimeout(resolve, 30));
					return 'refused';
				}}
				onCancel={() => void cancelled.push(1)}
			/>
			</KeypressProvider>,
		);
		const stdout = ui.stdout as unknown as {write: (frame: string) => void};
		const write = stdout.write;
		let keys: string[] = [];
		stdout.write = (frame) => {
			write(frame);
			// A microtask runs after this commit and before the effects React scheduled for it.
			if (frame.includes('refused') && keys.length > 0) {
				const now = keys;
				keys = [];
				queueMicrotask(() => {
					for (const key of now) ui.stdin.write(key);
				});
			}
		};
		await tick();
		ui.stdin.write('a');
		await tick();
		keys = ['b'];
		ui.stdin.write('\r');
		await waitFor(() => ui.lastFrame()?.includes('value: ab'), 10_000, "'b' typed as the refusal showed");
		keys = ['\u001B'];
		ui.stdin.write('\r');
		await waitFor(() => cancelled.length === 1, 10_000, 'Esc typed as the second refusal showed');
		expect(attempts).toEqual([{value: 'a'}, {value: 'ab'}]);
		expect(cancelled).toEqual([1]);
	});
});
