import {useStdin} from 'ink';
import {useEffect, useLayoutEffect, useRef} from 'react';

/**
 * Hands keys to a form that has just opened. Ink attaches a component's input listener in a passive
 * effect, which can run after the next key when keys come fast (a paste, tmux, a busy machine):
 * such a key would reach nobody. While `form` (this render's open form, or null) is not yet
 * listening, keys are held; once React has run the form's effects they are sent again.
 *
 * Uses Ink's internal input emitter: it is the one stream every useInput listens to, so a key sent
 * again is parsed and routed exactly as a typed one. Without it (another Ink), nothing is held.
 */
export function useFormKeyHandoff(form: object | null, isActive: boolean): void {
	const {internal_eventEmitter: inputEvents} = useStdin();
	const wanted = useRef(form);
	wanted.current = form;
	const listening = useRef<object | null>(null);
	const held = useRef<string[]>([]);
	// A layout effect: attached within the commit, so no key can slip past it.
	useLayoutEffect(() => {
		if (!isActive || !inputEvents) return;
		const hold = (data: string) => {
			// Ctrl+C quits at once wherever it lands; holding it would quit twice.
			if (wanted.current && wanted.current !== listening.current && data !== '\u0003') held.current.push(data);
		};
		inputEvents.on('input', hold);
		return () => {
			inputEvents.off('input', hold);
		};
	}, [inputEvents, isActive]);
	// The caller's passive effects run after its children's: the form is listening by now.
	useEffect(() => {
		listening.current = form;
		for (const data of held.current.splice(0)) inputEvents?.emit('input', data);
	}, [form, inputEvents]);
}
