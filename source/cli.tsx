#!/usr/bin/env node
import meow from 'meow';
import {FlashQ} from './engine/flashq.js';
import {runTui} from './ui/run-tui.js';

const cli = meow(
	`
  Usage
    $ flashq-demo [options]

  Options
    --storage memory|file   storage backend (default memory)
    --once                  print one frame of the current state and exit
    --help / --version
`,
	{
		importMeta: import.meta,
		flags: {
			storage: {type: 'string', default: 'memory'},
			once: {type: 'boolean', default: false},
		},
	},
);

async function main(): Promise<number> {
	if (cli.flags.storage !== 'memory') {
		process.stderr.write(`flashq-demo: --storage must be memory (file storage is not available yet)\n`);
		return 2;
	}
	const queue = await FlashQ.open({storage: 'memory'});
	try {
		return await runTui({queue, server: null, once: cli.flags.once});
	} finally {
		await queue.close();
	}
}

process.exitCode = await main();
