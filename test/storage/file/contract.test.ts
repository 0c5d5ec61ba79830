import {fileCase} from '../../helpers/backends.js';
import {describeStorage} from '../storage.suite.js';

// The shared contract on every sync mode, plus settings that force the interesting paths:
// a tiny cache (reads come from the log), threshold 1 (every append commits), a tiny index interval.
for (const sync of ['always', 'periodic', 'never'] as const) describeStorage(fileCase(sync));
describeStorage({...fileCase('always', {cacheSize: 0, commitThreshold: 1, indexIntervalBytes: 64}), name: 'file/always, no cache, threshold 1'});
describeStorage({...fileCase('never', {cacheSize: 2, commitThreshold: 3, indexIntervalBytes: 1}), name: 'file/never, cache 2, threshold 3'});
