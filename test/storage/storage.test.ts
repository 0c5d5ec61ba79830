import {backendCases} from '../helpers/backends.js';
import {describeStorage} from './storage.suite.js';

for (const backendCase of backendCases) describeStorage(backendCase);
