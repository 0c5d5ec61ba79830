/**
 * `npm run bench [filter]`: runs every bench/*.bench.ts in its own process, one after another
 * (two cores: parallel benchmarks would measure each other).
 */
import {spawnSync} from 'node:child_process';
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
	.filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
	.sort();
let failed = 0;
for (const file of files) {
	console.log(`\n== ${file}`);
	const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(here, file)], {stdio: 'inherit'});
	if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
