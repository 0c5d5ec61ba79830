// Child process for the SIGKILL topic-deletion test: creates topic 't' with 3 records and group 'g's
// offset for it, deletes it, and again, until it is killed. Prints `R <i>` once a round's topic and
// offset are in place and `D <i>` once its deletion returned.
import {FlashQ} from '../../../source/engine/flashq.js';

const queue = await FlashQ.open({storage: 'file', dataDir: process.argv[2]!, sync: 'always'});
if (!queue.groups().some((g) => g.groupId === 'g')) await queue.createGroup('g');
if (!queue.hasTopic('keep')) await queue.post('keep', [{value: 'k'}]);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
	if (!queue.hasTopic('t')) await queue.post('t', [{value: `${i}-0`}, {value: `${i}-1`}, {value: `${i}-2`}]);
	await queue.commitOffset('g', 't', 3);
	process.stdout.write(`R ${i}\n`);
	await queue.deleteTopic('t');
	process.stdout.write(`D ${i}\n`);
}
