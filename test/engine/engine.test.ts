import {backendCases} from '../helpers/backends.js';
import {describeEngine} from './engine.suite.js';

for (const backendCase of backendCases) describeEngine(backendCase);
