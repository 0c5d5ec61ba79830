import type {KeyPress} from '../input/parse-keys.js';
import {commandFor, TOUR_BINDINGS} from '../keys.js';
import type {TourRunner} from './runner.js';

/** What a key did in the tour; 'ignored' leaves it to the app (pane digits, quit...). */
export type TourKeyAction = 'next' | 'back' | 'restart' | 'answer' | 'leave' | 'ignored';

/**
 * Maps a key press to a tour command through the tour's key table (n/Space next, b back,
 * r restart, Esc leaves: the caller then calls `tour.leave()`); a choice key answers the showing
 * question. Commands run asynchronously; the view follows through `subscribe`.
 */
export function tourKeyAction(tour: TourRunner, key: KeyPress): TourKeyAction {
	if (key.ctrl || key.meta) return 'ignored';
	const command = commandFor(TOUR_BINDINGS, key);
	if (command === 'leave') return 'leave';
	const snapshot = tour.snapshot();
	if (key.name === 'char' && snapshot.phase === 'before' && snapshot.question?.choices.some((c) => c.key === key.text)) {
		return tour.answer(key.text) ? 'answer' : 'ignored';
	}
	switch (command) {
		case 'next':
			// Swallowed, not passed on: it was meant for the text before this one (a fast double n).
			if (tour.readyForNext()) void tour.next();
			return 'next';
		case 'back':
			void tour.back();
			return 'back';
		case 'restart':
			void tour.restart();
			return 'restart';
		default:
			return 'ignored';
	}
}
