import {describe, expect, it} from 'vitest';
import {FlashQ} from '../../../source/engine/flashq.js';
import {crc32} from '../../../source/storage/file/crc32.js';
import {FaultyIo} from '../../../source/storage/file/fault-io.js';
import {encodeName} from '../../../source/storage/file/names.js';
import {DATA} from './helpers.js';

const groupFile = (groupId: string) => `${DATA}/groups/${encodeName(groupId)}.json`;
const open = (io: FaultyIo) => FlashQ.open({storage: 'file', dataDir: DATA, io});

type Offsets = Record<string, {offset: number; time: number}>;
/** A group file as this version writes it: body and a CRC that matches it. */
const withCrc = (groupId: string, offsets: Offsets) => {
	const body = {groupId, offsets};
	return Buffer.from(JSON.stringify({body, crc: crc32(JSON.stringify(body))}) + '\n');
};
/** A group file as the previous release wrote it: no CRC. */
const legacy = (groupId: string, offsets: Offsets) => Buffer.from(JSON.stringify({groupId, offsets}) + '\n');

/** A data directory with topic 't' holding `records` records and group 'g' committed at `committed`. */
async function dataDir(records: number, committed: number): Promise<FaultyIo> {
	const io = new FaultyIo();
	const queue = await open(io);
	await queue.post('t', Array.from({length: records}, (_, i) => ({value: `v${i}`})));
	await queue.createGroup('g');
	await queue.commitOffset('g', 't', committed);
	await queue.close();
	return io;
}

const refusal = (file: string, reason: RegExp) =>
	expect.objectContaining({
		code: 'internal_error',
		message: expect.stringMatching(new RegExp(`^Storage error: corrupt consumer group file ${file.replaceAll('.', '\\.')}: ${reason.source}.*delete it to drop the group`)),
	});

describe('consumer group files on disk', () => {
	it('refuses a group file whose offset was edited, naming the file and what to do', async () => {
		const io = await dataDir(100, 17);
		const file = groupFile('g');
		const text = io.readFile(file).toString('utf8');
		expect(text).toContain('"offset":17');
		io.setContents(file, Buffer.from(text.replace('"offset":17', '"offset":57')));
		await expect(open(io)).rejects.toEqual(refusal(file, /checksum mismatch/));
	});

	for (const [format, write] of [['with a valid checksum', withCrc], ['in the previous format', legacy]] as const) {
		it(`refuses an offset beyond the topic's high water mark (${format}), naming group, topic and file`, async () => {
			const io = await dataDir(100, 17);
			io.setContents(groupFile('g'), write('g', {t: {offset: 9_000_000, time: 1}}));
			await expect(open(io)).rejects.toEqual(
				refusal(groupFile('g'), /consumer group 'g' has committed offset 9000000 for topic 't' beyond its high water mark 100/),
			);
		});

		it(`refuses an offset for a topic that does not exist (${format})`, async () => {
			const io = await dataDir(100, 17);
			io.setContents(groupFile('g'), write('g', {t: {offset: 17, time: 1}, gone: {offset: 3, time: 1}}));
			await expect(open(io)).rejects.toEqual(
				refusal(groupFile('g'), /consumer group 'g' has committed offset 3 for topic 'gone' beyond its high water mark 0 \(the topic does not exist\)/),
			);
		});

		it(`refuses a topic name that fails the name rules (${format})`, async () => {
			for (const bad of ['../../etc', '', '-x', '..', 'a b']) {
				const io = await dataDir(100, 17);
				io.setContents(groupFile('g'), write('g', {t: {offset: 17, time: 1}, [bad]: {offset: 0, time: 1}}));
				await expect(open(io)).rejects.toEqual(refusal(groupFile('g'), new RegExp(`invalid topic name ${JSON.stringify(bad).replaceAll('.', '\\.')}`)));
			}
		});

		it(`refuses offsets and times that are not numbers of the right kind (${format})`, async () => {
			for (const entry of [{offset: -1, time: 1}, {offset: 1.5, time: 1}, {offset: 2 ** 53, time: 1}, {offset: '3', time: 1}, {offset: 3, time: '1'}, {offset: 3}, null]) {
				const io = await dataDir(100, 17);
				io.setContents(groupFile('g'), write('g', {t: entry as {offset: number; time: number}}));
				await expect(open(io)).rejects.toEqual(refusal(groupFile('g'), /(offset|commit time|offset entry) for topic 't'/));
			}
		});
	}

	it('refuses a file whose group id does not match its name, or is not a valid group id', async () => {
		const io = await dataDir(100, 17);
		io.setContents(groupFile('g'), withCrc('h', {t: {offset: 1, time: 1}}));
		await expect(open(io)).rejects.toEqual(refusal(groupFile('g'), /group id 'h' does not match the file name/));
		const bad = '../g';
		io.unlink(groupFile('g'));
		const fd = io.open(groupFile(bad), true);
		const data = withCrc(bad, {t: {offset: 1, time: 1}});
		io.write(fd, data, 0, data.length, 0);
		io.close(fd);
		await expect(open(io)).rejects.toEqual(refusal(groupFile(bad), /invalid group id "\.\.\/g"/));
	});

	it('refuses a truncated or overwritten file, naming it', async () => {
		for (const data of ['', '{"body":{"groupId":"g","offs', '\u0000'.repeat(64), 'null', '[]', '{"body":{"groupId":"g","offsets":{}}}']) {
			const io = await dataDir(100, 17);
			io.setContents(groupFile('g'), Buffer.from(data));
			await expect(open(io)).rejects.toEqual(refusal(groupFile('g'), /(not valid JSON|not a JSON object|missing)/));
		}
	});

	it('loads a file of the previous format once, rewrites it with a checksum and says so', async () => {
		const io = await dataDir(100, 17);
		io.setContents(groupFile('g'), legacy('g', {t: {offset: 40, time: 7}}));
		const queue = await open(io);
		expect(queue.committedOffset('g', 't')).toMatchObject({committedOffset: 40});
		expect(queue.stats().storage.notices).toEqual([
			expect.objectContaining({kind: 'recovery', level: 'info', file: groupFile('g'), message: expect.stringMatching(/had no checksum.*rewritten/)}),
		]);
		await queue.close();
		expect(JSON.parse(io.readFile(groupFile('g')).toString('utf8'))).toEqual(JSON.parse(withCrc('g', {t: {offset: 40, time: 7}}).toString('utf8')));
		const again = await open(io);
		expect(again.stats().storage.notices).toEqual([]);
		await again.close();
	});

	it('round-trips commits on topics named like Object.prototype members', async () => {
		const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf', '0', 't'];
		const io = new FaultyIo();
		const queue = await open(io);
		await queue.createGroup('all');
		for (const name of names) {
			await queue.post(name, Array.from({length: 5}, (_, j) => ({value: `${name}${j}`})));
			await queue.createGroup(name);
		}
		for (const [i, name] of names.entries()) {
			await queue.commitOffset(name, name, i % 5);
			await queue.commitOffset('all', name, (i + 1) % 5);
		}
		await queue.close();
		const again = await open(io);
		for (const [i, name] of names.entries()) {
			expect(again.committedOffset(name, name)).toMatchObject({committedOffset: i % 5});
			expect(again.committedOffset('all', name)).toMatchObject({committedOffset: (i + 1) % 5});
		}
		expect(again.groups().map((g) => g.groupId).sort()).toEqual([...names, 'all'].sort());
		await again.close();
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('sync never: a power loss that takes consumed records sets the group back to the high water mark, loudly', async () => {
		const io = new FaultyIo();
		const queue = await FlashQ.open({storage: 'file', dataDir: DATA, io, sync: 'never'});
		await queue.post('t', Array.from({length: 10}, (_, i) => ({value: `v${i}`})));
		await queue.createGroup('g');
		await queue.commitOffset('g', 't', 10);
		// The group file is fsynced in every mode; the records, in sync=never, are not.
		const after = io.crash('drop');
		await queue.close();
		const reopened = await FlashQ.open({storage: 'file', dataDir: DATA, io: after, sync: 'never'});
		const hwm = reopened.topics()[0]!.highWaterMark;
		expect(hwm).toBeLessThan(10);
		expect(reopened.committedOffset('g', 't').committedOffset).toBe(hwm);
		expect(reopened.stats().storage.notices).toContainEqual(
			expect.objectContaining({level: 'warning', topic: 't', message: expect.stringContaining(`set back to ${hwm}`)}),
		);
		await reopened.close();
		// The setting back was saved: the next open is quiet.
		const again = await FlashQ.open({storage: 'file', dataDir: DATA, io: after, sync: 'never'});
		expect(again.committedOffset('g', 't').committedOffset).toBe(hwm);
		expect(again.stats().storage.notices.filter((n) => n.message.includes('set back'))).toEqual([]);
		await again.close();
	});

	it('sync always: an offset past the (durable) high water mark is refused, not set back', async () => {
		const io = await dataDir(5, 5);
		io.setContents(groupFile('g'), withCrc('g', {t: {offset: 9, time: 1}}));
		await expect(open(io)).rejects.toThrow(/committed offset 9 for topic 't' beyond its high water mark 5/);
	});
});

