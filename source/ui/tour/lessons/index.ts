import type {Lesson} from '../lesson.js';
import {topicsLesson} from './01-topics.js';
import {walLesson} from './02-wal.js';
import {syncLesson} from './03-sync.js';
import {crashLesson} from './04-crash.js';
import {cacheLesson} from './05-cache.js';
import {indexLesson} from './06-index.js';
import {groupsLesson} from './07-groups.js';
import {lockLesson} from './08-lock.js';

/** The tour, in teaching order. */
export const LESSONS: readonly Lesson[] = [topicsLesson, walLesson, syncLesson, crashLesson, cacheLesson, indexLesson, groupsLesson, lockLesson];
