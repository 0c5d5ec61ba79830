import {render} from 'ink-testing-library';
import React from 'react';
import {describe, expect, it} from 'vitest';
import {FieldsForm} from '../../../source/ui/components/fields-form.js';

const fields = [
	{name: 'topic', label: 'topic'},
	{name: 'key', label: 'key'},
	{name: 'value', label: 'value'},
];

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

function setup() {
	const submitted: Record<string, string>[] = [];
	const ui = render(<FieldsForm title="Produce" fields={fields} onSubmit={(v) => void submitted.push(v)} onCancel={() => undefined} />);
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
});
