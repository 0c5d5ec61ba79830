import type {TourRunner} from './runner.js';

/** What a key did in the tour; 'ignored' leaves it to the app (pane digits, quit...). */
export type TourKeyAction = 'next' | 'back' | 'restart' | 'answer' | 'leave' | 'ignored';

/** The subset of Ink's `Key` the tour reads. */
export interface TourKey {
	escape?: boolean;
}

/**
 * Maps a key press to a tour command: n/Space next, b back, r restart, a choice key answers the
 * showing question, Esc leaves (the caller then calls `tour.leave()`). Commands run asynchronously;
 * the view follows through `subscribe`.
 */
export function handleTourKey(tour: TourRunner, input: string, key: TourKey = {}): TourKeyAction {
	if (key.escape) return 'leave';
	const snapshot = tour.snapshot();
	if (snapshot.phase === 'before' && snapshot.question?.choices.some((c) => c.key === input)) {
		return tour.answer(input) ? 'answer' : 'ignored';
	}
	switch (input) {
		case 'n':
		case ' ':
			void tour.next();
			return 'next';
		case 'b':
			void tour.back();
			return 'back';
		case 'r':
			void tour.restart();
			return 'restart';
		default:
			return 'ignored';
	}
}
