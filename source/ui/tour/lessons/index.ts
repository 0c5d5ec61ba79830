import type {Lesson} from '../lesson.js';
import {topicsLesson} from './01-topics.js';
import {groupsLesson} from './07-groups.js';

/** The tour, in teaching order. */
export const LESSONS: readonly Lesson[] = [topicsLesson, groupsLesson];
