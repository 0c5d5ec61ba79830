import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {runCli} from './run-cli.js';

export interface Target {
	url: string;
	close(): Promise<void>;
}

const TIMESTAMP = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`;
const recordLine = (offset: number, rest: string) => new RegExp(`^${TIMESTAMP} \\[${offset}\\] ${rest}$`);

/**
 * Every client command against a live server at `target().url`: exit codes, stdout lines,
 * `--json`. Shared by the fake-server and the real-server runs, so both honour one contract.
 */
export function clientSuite(start: () => Promise<Target>): void {
	let target: Target;
	let dir: string;
	const cli = (...args: string[]) => runCli([...args, '--url', target.url]);

	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'flashq-client-'));
	});
	afterAll(async () => {
		await rm(dir, {recursive: true, force: true});
	});
	beforeEach(async () => {
		target = await start();
	});
	afterEach(async () => {
		await target.close();
	});

	describe('health', () => {
		it('prints status, service and timestamp', async () => {
			const result = await cli('health');
			expect(result.code).toBe(0);
			expect(result.lines[0]).toBe('Server Status: healthy');
			expect(result.lines[1]).toBe('Service: flashq');
			expect(result.lines[2]).toMatch(/^Timestamp: \d+$/);
			expect(result.stderr).toBe('');
		});

		it('--json prints the raw response', async () => {
			const result = await cli('health', '--json');
			expect(result.code).toBe(0);
			const body = JSON.parse(result.stdout) as {status: string; service: string; timestamp: number};
			expect(body.status).toBe('healthy');
			expect(body.service).toBe('flashq');
			expect(Number.isInteger(body.timestamp)).toBe(true);
		});

		it('takes the URL from FLASHQ_URL, and --url=VALUE before the command', async () => {
			expect((await runCli(['health'], {FLASHQ_URL: target.url})).code).toBe(0);
			expect((await runCli([`--url=${target.url}`, 'health'])).code).toBe(0);
			// The original client's -p/--port (host 127.0.0.1), and a scheme-less address.
			expect((await runCli(['-p', new URL(target.url).port, 'health'])).code).toBe(0);
			expect((await runCli(['health', '--url', target.url.replace('http://', '')])).code).toBe(0);
		});
	});

	describe('producer records', () => {
		it('posts one record and reports its offset; offsets grow', async () => {
			const first = await cli('producer', 'records', 'orders', 'hello');
			expect(first.code).toBe(0);
			expect(first.lines).toEqual(["Posted record to topic 'orders' with offset: 0"]);
			const second = await cli('producer', 'records', 'orders', 'again');
			expect(second.lines).toEqual(["Posted record to topic 'orders' with offset: 1"]);
		});

		it('sends --key and --header K=V split at the first =, dropping entries without = with a warning', async () => {
			const result = await cli('producer', 'records', 't', 'v', '-k', 'k1', '--header', 'a=b=c', '--header', 'nope', '--header=x=');
			expect(result.code).toBe(0);
			expect(result.stderr).toContain("ignoring header 'nope'");
			const poll = await cli('consumer', 'poll', 't', '--json');
			const body = JSON.parse(poll.stdout) as {records: {key: string; headers: Record<string, string>}[]};
			expect(body.records[0]!.key).toBe('k1');
			expect(body.records[0]!.headers).toEqual({a: 'b=c', x: ''});
		});

		it('--batch FILE posts the array in one request', async () => {
			const file = join(dir, 'batch.json');
			await writeFile(file, JSON.stringify([{value: 'a'}, {value: 'b', key: 'k'}, {value: 'c', headers: {h: '1'}}]));
			const first = await cli('producer', 'records', 'batched', '--batch', file);
			expect(first.code).toBe(0);
			expect(first.lines).toEqual(["Posted 3 records to topic 'batched' starting at offset: 0"]);
			const second = await cli('producer', 'records', 'batched', '-b', file);
			expect(second.lines).toEqual(["Posted 3 records to topic 'batched' starting at offset: 3"]);
		});

		it('--json prints the offsets response', async () => {
			const result = await cli('producer', 'records', 't', 'v', '--json');
			expect(result.code).toBe(0);
			const body = JSON.parse(result.stdout) as {offsets: {offset: number; timestamp: string}[]};
			expect(body.offsets).toHaveLength(1);
			expect(body.offsets[0]!.offset).toBe(0);
		});

		it('fails with exit 1 on an unreadable or malformed batch file', async () => {
			const missing = await cli('producer', 'records', 't', '--batch', join(dir, 'missing.json'));
			expect(missing.code).toBe(1);
			expect(missing.stderr).toMatch(/^Failed to read batch file .*ENOENT/);
			const bad = join(dir, 'bad.json');
			await writeFile(bad, '[{"value":');
			expect((await cli('producer', 'records', 't', '--batch', bad)).code).toBe(1);
			const notArray = join(dir, 'object.json');
			await writeFile(notArray, '{"records":[]}');
			const result = await cli('producer', 'records', 't', '--batch', notArray);
			expect(result.code).toBe(1);
			expect(result.stderr).toContain('expected a JSON array');
		});

		it('refuses a batch file that is not valid UTF-8 (exit 1) instead of sending U+FFFD', async () => {
			const file = join(dir, 'latin1.json');
			await writeFile(file, Buffer.concat([Buffer.from('[{"value":"caf'), Buffer.from([0xe9]), Buffer.from('"}]')]));
			const result = await cli('producer', 'records', 'latin1', '--batch', file);
			expect(result.code).toBe(1);
			expect(result.stderr).toMatch(/^Failed to parse batch file .*not valid UTF-8/);
			expect((await cli('consumer', 'poll', 'latin1')).code).toBe(1); // nothing was posted
		});

		it('sends and shows headers named __proto__ and constructor like any other', async () => {
			const posted = await cli('producer', 'records', 'proto', 'v', '--header', '__proto__=x', '--header', 'constructor=c');
			expect(posted.code).toBe(0);
			const poll = await cli('consumer', 'poll', 'proto');
			expect(poll.lines[1]).toMatch(recordLine(0, String.raw`v \(headers: \{"__proto__":"x","constructor":"c"\}\)`));
		});

		it('reports the server error code and exits 1 for a batch the server rejects', async () => {
			const empty = join(dir, 'empty.json');
			await writeFile(empty, '[]');
			const result = await cli('producer', 'records', 't', '--batch', empty);
			expect(result.code).toBe(1);
			expect(result.stderr).toMatch(/^Failed to post records: invalid_parameter/);
			const badName = await cli('producer', 'records', 'has space', 'v');
			expect(badName.code).toBe(1);
			expect(badName.stderr).toMatch(/^Failed to post record: invalid_parameter/);
		});

		it('without MESSAGE or --batch is a usage error (exit 2)', async () => {
			const result = await cli('producer', 'records', 't');
			expect(result.code).toBe(2);
			expect(result.stderr).toContain('MESSAGE is required');
			expect(result.stderr).toContain('Usage: flashq-demo client producer records');
		});
	});

	describe('consumer create / leave', () => {
		it('creates a group once; a second create is a 409 (exit 1)', async () => {
			const created = await cli('consumer', 'create', 'g1');
			expect(created.code).toBe(0);
			expect(created.lines).toEqual(["Created consumer group 'g1'"]);
			const again = await cli('consumer', 'create', 'g1');
			expect(again.code).toBe(1);
			expect(again.stderr).toMatch(/^Failed to create consumer group: conflict/);
		});

		it('leaves (deletes) a group; leaving an unknown group is a 404 (exit 1)', async () => {
			await cli('consumer', 'create', 'g1');
			const left = await cli('consumer', 'leave', 'g1');
			expect(left.code).toBe(0);
			expect(left.lines).toEqual(["Left consumer group 'g1' (group deleted)"]);
			const again = await cli('consumer', 'leave', 'g1', '--json');
			expect(again.code).toBe(1);
			expect(again.stderr).toMatch(/^Failed to leave consumer group: group_not_found/);
			// --json still hands the error object to scripts.
			expect((JSON.parse(again.stdout) as {error: string}).error).toBe('group_not_found');
		});

		it('--json on create prints the group id', async () => {
			const result = await cli('consumer', 'create', 'g2', '--json');
			expect(JSON.parse(result.stdout)).toEqual({group_id: 'g2'});
		});
	});

	describe('consumer fetch', () => {
		beforeEach(async () => {
			await cli('consumer', 'create', 'g');
		});

		it('prints the records, next offset and lag, and does not commit', async () => {
			await cli('producer', 'records', 't', 'hello');
			const result = await cli('consumer', 'fetch', 'g', 't');
			expect(result.code).toBe(0);
			expect(result.lines[0]).toBe("Got 1 records for consumer group 'g' from topic 't'");
			expect(result.lines[1]).toMatch(recordLine(0, 'hello'));
			expect(result.lines).toContain('Next offset: 0');
			expect(result.lines).toContain('Consumer lag: 1');
			const again = await cli('consumer', 'fetch', 'g', 't');
			expect(again.lines).toEqual(result.lines);
		});

		it('shows key and headers, and hides headers with --include-headers false', async () => {
			await cli('producer', 'records', 't', 'v', '--key', 'k', '--header', 'h=1');
			const result = await cli('consumer', 'fetch', 'g', 't');
			expect(result.lines[1]).toMatch(recordLine(0, String.raw`v \(key: k\) \(headers: \{"h":"1"\}\)`));
			const hidden = await cli('consumer', 'fetch', 'g', 't', '--include-headers', 'false');
			expect(hidden.lines[1]).toMatch(recordLine(0, String.raw`v \(key: k\)`));
			const shown = await cli('consumer', 'fetch', 'g', 't', '--include-headers=true');
			expect(shown.lines[1]).toContain('(headers: {"h":"1"})');
		});

		it('honours --max-records and --from-offset (both flag forms)', async () => {
			for (const value of ['a', 'b', 'c', 'd']) await cli('producer', 'records', 't', value);
			const result = await cli('consumer', 'fetch', 'g', 't', '--from-offset', '1', '--max-records=2');
			expect(result.lines[0]).toBe("Got 2 records for consumer group 'g' from topic 't'");
			expect(result.lines[1]).toMatch(recordLine(1, 'b'));
			expect(result.lines[2]).toMatch(recordLine(2, 'c'));
			expect(result.lines).toContain('Next offset: 0');
			expect(result.lines).toContain('High water mark: 4');
		});

		it('escapes control characters so a record stays on one line', async () => {
			await cli('producer', 'records', 't', 'two\nlines\u001b[31m');
			const result = await cli('consumer', 'fetch', 'g', 't');
			expect(result.lines[1]).toMatch(recordLine(0, String.raw`two\\nlines\\u001b\[31m`));
		});

		it('--json prints the raw fetch response', async () => {
			await cli('producer', 'records', 't', 'x');
			const result = await cli('consumer', 'fetch', 'g', 't', '--json');
			const body = JSON.parse(result.stdout) as {records: {value: string}[]; next_offset: number; high_water_mark: number};
			expect(body.records.map((record) => record.value)).toEqual(['x']);
			expect(body.next_offset).toBe(0);
			expect(body.high_water_mark).toBe(1);
		});

		it('exits 1 with the error code for an unknown topic, unknown group or bad --max-records', async () => {
			const noTopic = await cli('consumer', 'fetch', 'g', 'missing');
			expect(noTopic.code).toBe(1);
			expect(noTopic.stderr).toMatch(/^Failed to fetch records: topic_not_found/);
			await cli('producer', 'records', 't', 'x');
			const noGroup = await cli('consumer', 'fetch', 'nobody', 't');
			expect(noGroup.code).toBe(1);
			expect(noGroup.stderr).toMatch(/^Failed to fetch records: group_not_found/);
			const zero = await cli('consumer', 'fetch', 'g', 't', '--max-records', '0');
			expect(zero.code).toBe(1);
			expect(zero.stderr).toMatch(/^Failed to fetch records: invalid_parameter/);
		});
	});

	describe('consumer offset commit / get', () => {
		beforeEach(async () => {
			await cli('consumer', 'create', 'g');
			for (const value of ['a', 'b', 'c']) await cli('producer', 'records', 't', value);
		});

		it('get before any commit shows 0, the hwm, the lag and "never"', async () => {
			const result = await cli('consumer', 'offset', 'get', 'g', 't');
			expect(result.code).toBe(0);
			expect(result.lines).toEqual([
				"Consumer group 'g' on topic 't'",
				'Committed offset: 0',
				'High water mark: 3',
				'Consumer lag: 3',
				'Last commit: never',
			]);
		});

		it('commit then get shows the committed offset, hwm, lag and commit time; fetch starts there', async () => {
			const commit = await cli('consumer', 'offset', 'commit', 'g', 't', '2', '--metadata', 'ignored');
			expect(commit.code).toBe(0);
			expect(commit.lines).toEqual(["Committed offset 2 for consumer group 'g' on topic 't'"]);
			const get = await cli('consumer', 'offset', 'get', 'g', 't');
			expect(get.lines.slice(1, 4)).toEqual(['Committed offset: 2', 'High water mark: 3', 'Consumer lag: 1']);
			expect(get.lines[4]).toMatch(new RegExp(`^Last commit: ${TIMESTAMP}$`));
			const fetch = await cli('consumer', 'fetch', 'g', 't');
			expect(fetch.lines[1]).toMatch(recordLine(2, 'c'));
			expect(fetch.lines).toContain('Next offset: 2');
			expect(fetch.lines).toContain('Consumer lag: 1');
		});

		it('--json prints the raw responses', async () => {
			const commit = await cli('consumer', 'offset', 'commit', 'g', 't', '3', '--json');
			expect(JSON.parse(commit.stdout)).toMatchObject({group_id: 'g', topic: 't', offset: 3});
			const get = await cli('consumer', 'offset', 'get', 'g', 't', '--json');
			expect(JSON.parse(get.stdout)).toMatchObject({topic: 't', committed_offset: 3, high_water_mark: 3, lag: 0});
		});

		it('exits 1 for an offset beyond the hwm, an unknown topic or group', async () => {
			const beyond = await cli('consumer', 'offset', 'commit', 'g', 't', '10');
			expect(beyond.code).toBe(1);
			expect(beyond.stderr).toMatch(/^Failed to commit offset: invalid_offset/);
			const noTopic = await cli('consumer', 'offset', 'commit', 'g', 'missing', '0');
			expect(noTopic.code).toBe(1);
			expect(noTopic.stderr).toMatch(/^Failed to commit offset: topic_not_found/);
			const noGroup = await cli('consumer', 'offset', 'get', 'nobody', 't');
			expect(noGroup.code).toBe(1);
			expect(noGroup.stderr).toMatch(/^Failed to get offset: group_not_found/);
		});

		it('a negative or non-numeric OFFSET is a usage error (exit 2)', async () => {
			const text = await cli('consumer', 'offset', 'commit', 'g', 't', 'abc');
			expect(text.code).toBe(2);
			expect(text.stderr).toContain("OFFSET must be a non-negative integer, got 'abc'");
			expect((await cli('consumer', 'offset', 'commit', 'g', 't', '-1')).code).toBe(2);
		});
	});

	describe('consumer poll', () => {
		it('reads without a group, with next offset, hwm and lag', async () => {
			for (const value of ['a', 'b', 'c']) await cli('producer', 'records', 't', value);
			const all = await cli('consumer', 'poll', 't');
			expect(all.code).toBe(0);
			expect(all.lines[0]).toBe("Got 3 records from topic 't'");
			expect(all.lines[3]).toMatch(recordLine(2, 'c'));
			expect(all.lines.slice(4)).toEqual(['Next offset: 3', 'High water mark: 3', 'Lag: 0']);
			const page = await cli('consumer', 'poll', 't', '--from-offset', '1', '--max-records', '1');
			expect(page.lines[1]).toMatch(recordLine(1, 'b'));
			expect(page.lines.slice(2)).toEqual(['Next offset: 2', 'High water mark: 3', 'Lag: 1']);
		});

		it('accepts bare --include-headers and --no-include-headers', async () => {
			await cli('producer', 'records', 't', 'v', '--header', 'h=1');
			const shown = await cli('consumer', 'poll', 't', '--include-headers');
			expect(shown.lines[1]).toContain('(headers: {"h":"1"})');
			// A bare flag before the topic leaves the topic positional.
			expect((await cli('consumer', 'poll', '--include-headers', 't')).lines[1]).toContain('(headers: {"h":"1"})');
			const hidden = await cli('consumer', 'poll', '--no-include-headers', 't');
			expect(hidden.lines[1]).toMatch(recordLine(0, 'v'));
		});

		it('exits 1 for an unknown topic', async () => {
			const result = await cli('consumer', 'poll', 'missing');
			expect(result.code).toBe(1);
			expect(result.stderr).toMatch(/^Failed to poll records: topic_not_found/);
		});
	});

	describe('topics and groups', () => {
		it('topics lists names, high water marks and record counts', async () => {
			expect((await cli('topics')).lines).toEqual(['No topics']);
			await cli('producer', 'records', 'alpha', 'x');
			await cli('producer', 'records', 'beta', 'x');
			await cli('producer', 'records', 'beta', 'y');
			const result = await cli('topics');
			expect(result.code).toBe(0);
			expect(result.lines[0]).toMatch(/^TOPIC\s+HIGH WATER MARK\s+RECORDS$/);
			expect(result.lines.slice(1).map((line) => line.split(/\s+/))).toEqual([
				['alpha', '1', '1'],
				['beta', '2', '2'],
			]);
			const json = JSON.parse((await cli('topics', '--json')).stdout) as unknown;
			expect(JSON.stringify(json)).toContain('"beta"');
		});

		it('groups lists each group with its committed offsets and lag', async () => {
			expect((await cli('groups')).lines).toEqual(['No consumer groups']);
			await cli('producer', 'records', 't', 'x');
			await cli('producer', 'records', 't', 'y');
			await cli('consumer', 'create', 'idle');
			await cli('consumer', 'create', 'reader');
			await cli('consumer', 'offset', 'commit', 'reader', 't', '1');
			const result = await cli('groups');
			expect(result.code).toBe(0);
			expect(result.lines[0]).toMatch(/^GROUP\s+TOPIC\s+COMMITTED\s+HIGH WATER MARK\s+LAG\s+LAST COMMIT$/);
			const rows = result.lines.slice(1).map((line) => line.split(/\s+/));
			expect(rows).toContainEqual(['idle', '-', '-', '-', '-', '-']);
			const reader = rows.find((row) => row[0] === 'reader')!;
			expect(reader.slice(0, 5)).toEqual(['reader', 't', '1', '2', '1']);
			const json = JSON.parse((await cli('groups', '--json')).stdout) as unknown;
			expect(JSON.stringify(json)).toContain('"reader"');
		});
	});

	describe('names in paths', () => {
		it('percent-encodes names, so a bad name reaches the server and gets its 400', async () => {
			const result = await cli('consumer', 'create', 'a/b');
			expect(result.code).toBe(1);
			expect(result.stderr).toMatch(/^Failed to create consumer group: invalid_parameter/);
		});
	});
}
