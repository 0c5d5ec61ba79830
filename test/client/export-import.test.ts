/**
 * Issue 15, client side, against a real server process: export (JSON Lines, CSV, paging,
 * progress), import of JSON Lines in batches (round trip), --follow / --format, offset reset.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {runClient} from '../../source/client/run-client.js';
import {waitFor} from '../helpers/wait-for.js';
import {client, type ServerProcess, spawnCli, startServerProcess} from '../server/process.js';
import {runCli, startCli} from './run-cli.js';

/** Records where null and empty differ, plus characters CSV and JSON must quote. */
const EDGE_RECORDS: {key: string | null; value: string; headers: Record<string, string> | null}[] = [
	{key: null, value: 'plain', headers: null},
	{key: '', value: '', headers: {}},
	{key: 'k,1', value: 'a "quoted", value\nwith a newline', headers: {empty: '', 'with,comma': 'x"y'}},
	{key: 'ключ', value: '✓ unicode \t tab', headers: {constructor: 'c'}},
];

let server: ServerProcess;
let dir: string;
let write: ReturnType<typeof client>;
const cli = (...args: string[]) => runCli([...args, '--url', server.url]);

/** Runs the client with a stderr that says it is a terminal (or not). */
async function runWithStderr(args: string[], isTTY: boolean) {
	let stdout = '';
	let stderr = '';
	const code = await runClient([...args, '--url', server.url], {}, {
		stdout: {write: (chunk: string) => (stdout += chunk)},
		stderr: {write: (chunk: string) => (stderr += chunk), isTTY},
	});
	return {code, stdout, stderr};
}

beforeAll(async () => {
	server = await startServerProcess();
	write = client(server.url);
	dir = await mkdtemp(join(tmpdir(), 'flashq-client-export-'));
	// JSON parse keeps "__proto__" as an own property, as a real producer would send it.
	const edge = JSON.parse(JSON.stringify(EDGE_RECORDS).replace('"constructor"', '"__proto__":"kept","constructor"')) as unknown[];
	expect((await write('POST', '/topics/edge/records', {json: {records: edge}})).status).toBe(200);
	const many = Array.from({length: 2500}, (_, index) => ({key: `k${index % 7}`, value: `value ${index}`}));
	for (let start = 0; start < many.length; start += 1000) {
		expect((await write('POST', '/topics/many/records', {json: {records: many.slice(start, start + 1000)}})).status).toBe(200);
	}
});

afterAll(async () => {
	await server?.stop();
	await rm(dir, {recursive: true, force: true});
});

const withoutPosition = (line: string) => {
	const {offset: _offset, timestamp: _timestamp, ...rest} = JSON.parse(line) as Record<string, unknown>;
	return rest;
};

describe('client export', () => {
	test('JSON Lines: one object per record, the contract shape, null and empty kept apart', async () => {
		const result = await cli('export', 'edge');
		expect(result.code).toBe(0);
		expect(result.stderr).toBe('');
		const lines = result.stdout.split('\n');
		expect(lines.pop()).toBe('');
		const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
		expect(parsed.map((record) => Object.keys(record))).toEqual(parsed.map(() => ['offset', 'timestamp', 'key', 'value', 'headers']));
		expect(parsed.map((record) => record.offset)).toEqual([0, 1, 2, 3]);
		expect(parsed[0]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(parsed[0]).toMatchObject({key: null, value: 'plain', headers: null});
		expect(parsed[1]).toMatchObject({key: '', value: '', headers: {}});
		expect(parsed[2]).toMatchObject({key: 'k,1', value: 'a "quoted", value\nwith a newline', headers: {empty: '', 'with,comma': 'x"y'}});
		expect(Object.keys(parsed[3]!.headers as object)).toEqual(['__proto__', 'constructor']);
	});

	test('pages through a topic larger than one request, in order; --from/--to (exclusive)', async () => {
		const all = await cli('export', 'many');
		expect(all.code).toBe(0);
		const offsets = all.lines.map((line) => (JSON.parse(line) as {offset: number}).offset);
		expect(offsets).toEqual(Array.from({length: 2500}, (_, index) => index));
		const range = await cli('export', 'many', '--from', '998', '--to', '1003');
		expect(range.lines.map((line) => (JSON.parse(line) as {offset: number; value: string}).value)).toEqual([
			'value 998',
			'value 999',
			'value 1000',
			'value 1001',
			'value 1002',
		]);
		expect((await cli('export', 'many', '--from', '5', '--to', '5')).stdout).toBe('');
	});

	test('CSV: header row, RFC 4180 quoting, null empty and the empty string ""', async () => {
		const result = await cli('export', 'edge', '--format', 'csv');
		expect(result.code).toBe(0);
		const timestamp = (JSON.parse((await cli('export', 'edge', '--to', '1')).lines[0]!) as {timestamp: string}).timestamp;
		expect(result.stdout.replaceAll(timestamp, 'TS')).toBe(
			[
				'offset,timestamp,key,value,headers',
				'0,TS,,plain,',
				'1,TS,"","",{}',
				'2,TS,"k,1","a ""quoted"", value\nwith a newline","{""empty"":"""",""with,comma"":""x\\""y""}"',
				'3,TS,ключ,✓ unicode \t tab,"{""__proto__"":""kept"",""constructor"":""c""}"',
				'',
			].join('\n'),
		);
	});

	test('progress on stderr only when it is a terminal', async () => {
		const tty = await runWithStderr(['export', 'many'], true);
		expect(tty.code).toBe(0);
		expect(tty.stderr).toContain('exported 1000 / 2500 records');
		expect(tty.stderr.endsWith('exported 2500 / 2500 records\u001b[K\n')).toBe(true);
		const piped = await runWithStderr(['export', 'many'], false);
		expect(piped.stderr).toBe('');
		expect(piped.stdout).toBe(tty.stdout);
	});

	test('usage errors exit 2; an unknown topic exits 1', async () => {
		expect((await cli('export', 'many', '--format', 'xml')).code).toBe(2);
		expect((await cli('export', 'many', '--from', '5', '--to', '4')).code).toBe(2);
		expect((await cli('export', 'many', '--from', '-1')).code).toBe(2);
		const missing = await cli('export', 'nope');
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/^Failed to export records: topic_not_found/);
	});
});

describe('client producer records --batch with JSON Lines', () => {
	test('an export imported into another topic round-trips keys, values and headers (null vs empty too)', async () => {
		const exported = await cli('export', 'edge');
		const file = join(dir, 'edge.jsonl');
		await writeFile(file, exported.stdout);
		const imported = await cli('producer', 'records', 'edge-copy', '--batch', file);
		expect(imported).toMatchObject({code: 0, stderr: ''});
		expect(imported.lines).toEqual(["Posted 4 records to topic 'edge-copy' starting at offset: 0"]);
		const copy = await cli('export', 'edge-copy');
		expect(copy.lines.map(withoutPosition)).toEqual(exported.lines.map(withoutPosition));
	});

	test('a file over the batch limit goes in requests of at most 1000, and says the first and last offset', async () => {
		const exported = await cli('export', 'many');
		const file = join(dir, 'many.jsonl');
		await writeFile(file, exported.stdout);
		const tty = await runWithStderr(['producer', 'records', 'many-copy', '--batch', file], true);
		expect(tty.code).toBe(0);
		expect(tty.stdout).toBe("Posted 2500 records to topic 'many-copy' in 3 requests: first offset 0, last offset 2499\n");
		expect(tty.stderr).toContain('posted 1000 / 2500 records');
		expect(tty.stderr).toContain('posted 2500 / 2500 records');
		const copy = await cli('export', 'many-copy');
		expect(copy.lines.map(withoutPosition)).toEqual(exported.lines.map(withoutPosition));
		// The old JSON array format is still read, and batched the same way.
		const arrayFile = join(dir, 'many.json');
		await writeFile(arrayFile, `\n  ${JSON.stringify(exported.lines.map(withoutPosition))}`);
		const fromArray = await cli('producer', 'records', 'many-array', '--batch', arrayFile);
		expect(fromArray.lines).toEqual(["Posted 2500 records to topic 'many-array' in 3 requests: first offset 0, last offset 2499"]);
	});

	test('a bad line anywhere posts nothing and names the line', async () => {
		const file = join(dir, 'bad.jsonl');
		const good = Array.from({length: 1500}, (_, index) => JSON.stringify({value: `v${index}`}));
		await writeFile(file, [...good, '{"value": 1}', '{"value":"after"}'].join('\n'));
		const result = await cli('producer', 'records', 'bad-import', '--batch', file);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^Failed to parse batch file .*: line 1501 is not a record object with a string "value"/);
		await writeFile(file, '{"value":"a"}\n\n{"value":\n');
		expect((await cli('producer', 'records', 'bad-import', '--batch', file)).stderr).toMatch(/line 3: .*JSON/);
		expect((await cli('consumer', 'poll', 'bad-import')).stderr).toMatch(/topic_not_found/);
	});
});

describe('client consumer poll/fetch --follow and --format', () => {
	test('--format prints kcat-style templates with escapes; unknown directives are usage errors', async () => {
		const formatted = await cli('consumer', 'poll', 'edge', '--max-records', '3', '--format', String.raw`%t/%o|%k|%K|%s|%S|%h|100%%\n`);
		expect(formatted.code).toBe(0);
		expect(formatted.stdout).toBe(
			['edge/0||-1|plain|5||100%', 'edge/1||0||0||100%', `edge/2|k,1|3|a "quoted", value\nwith a newline|${Buffer.byteLength(EDGE_RECORDS[2]!.value)}|empty=,with,comma=x"y|100%`, ''].join('\n'),
		);
		const time = await cli('consumer', 'poll', 'edge', '--max-records', '1', '--format', '%T');
		const iso = (JSON.parse((await cli('export', 'edge', '--to', '1')).lines[0]!) as {timestamp: string}).timestamp;
		expect(time.stdout).toBe(String(Date.parse(iso)));
		const bad = await cli('consumer', 'poll', 'edge', '--format', '%z');
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/unknown format directive '%z'/);
		expect((await cli('consumer', 'poll', 'edge', '--format', '%s', '--json')).code).toBe(2);
	});

	test('poll --follow prints records as they arrive until stopped (exit 0), notices on stderr', async () => {
		const running = startCli(['consumer', 'poll', 'tail', '--follow', '--format', String.raw`%o %k=%s\n`, '--url', server.url]);
		await waitFor(() => running.stderr().includes("Topic 'tail' does not exist (yet)"), 10_000, 'the follower to wait for the topic');
		await write('POST', '/topics/tail/records', {json: {records: [{key: 'a', value: 'one'}]}});
		await waitFor(() => running.stdout().includes('0 a=one'), 10_000, 'the first record');
		await write('POST', '/topics/tail/records', {json: {records: [{key: 'b', value: 'two'}, {value: 'three'}]}});
		await waitFor(() => running.stdout().includes('2 =three'), 10_000, 'the next records');
		const result = await running.stop();
		expect(result.code).toBe(0);
		expect(result.stdout).toBe('0 a=one\n1 b=two\n2 =three\n');
		expect(result.stderr).toContain("Following topic 'tail' from offset 0 (Ctrl+C to stop)");
	});

	test('poll --follow --json writes JSON Lines; default output is the usual record line', async () => {
		await write('POST', '/topics/tail-json/records', {json: {records: [{key: 'k', value: 'v', headers: {h: ''}}]}});
		const json = startCli(['consumer', 'poll', 'tail-json', '--follow', '--json', '--url', server.url]);
		const plain = startCli(['consumer', 'poll', 'tail-json', '--follow', '--url', server.url]);
		await waitFor(() => json.stdout().includes('\n') && plain.stdout().includes('\n'), 10_000, 'the record');
		const [jsonResult, plainResult] = [await json.stop(), await plain.stop()];
		expect(JSON.parse(jsonResult.lines[0]!)).toMatchObject({offset: 0, key: 'k', value: 'v', headers: {h: ''}});
		expect(plainResult.lines).toEqual([expect.stringMatching(/^\S+Z \[0\] v \(key: k\) \(headers: \{"h":""\}\)$/)]);
	});

	test('fetch --follow --commit commits after each page; without --commit nothing moves', async () => {
		await write('POST', '/consumer/tailers');
		await write('POST', '/topics/tail-group/records', {json: {records: [{value: 'a'}, {value: 'b'}]}});
		const peek = startCli(['consumer', 'fetch', 'tailers', 'tail-group', '--follow', '--format', String.raw`%s\n`, '--url', server.url]);
		await waitFor(() => peek.stdout() === 'a\nb\n', 10_000, 'the records');
		await peek.stop();
		expect((await write('GET', '/consumer/tailers/topics/tail-group/offset')).json.committed_offset).toBe(0);

		const running = startCli(['consumer', 'fetch', 'tailers', 'tail-group', '--follow', '--commit', '--max-records', '1', '--format', String.raw`%o\n`, '--url', server.url]);
		await waitFor(() => running.stdout() === '0\n1\n', 10_000, 'the records');
		await waitFor(async () => (await write('GET', '/consumer/tailers/topics/tail-group/offset')).json.committed_offset === 2, 10_000, 'the commit');
		await write('POST', '/topics/tail-group/records', {json: {records: [{value: 'c'}]}});
		await waitFor(async () => (await write('GET', '/consumer/tailers/topics/tail-group/offset')).json.committed_offset === 3, 10_000, 'the next commit');
		expect((await running.stop()).stdout).toBe('0\n1\n2\n');
		// A restarted follower resumes at the committed offset.
		const again = startCli(['consumer', 'fetch', 'tailers', 'tail-group', '--follow', '--format', String.raw`%o\n`, '--url', server.url]);
		await write('POST', '/topics/tail-group/records', {json: {records: [{value: 'd'}]}});
		await waitFor(() => again.stdout() === '3\n', 10_000, 'the new record only');
		await again.stop();
		expect((await cli('consumer', 'fetch', 'tailers', 'tail-group', '--commit')).code).toBe(2);
	});

	test('the executable follows until SIGINT, then exits 0', async () => {
		await write('POST', '/topics/tail-sigint/records', {json: {records: [{value: 'x'}]}});
		const {proc, out, exited} = spawnCli(['client', 'consumer', 'poll', 'tail-sigint', '--follow', '--url', server.url]);
		await waitFor(() => out.stdout.includes('[0] x'), 10_000, 'the record');
		proc.kill('SIGINT');
		expect(await exited).toBe(0);
	});
});

describe('client consumer offset reset (real server)', () => {
	test('--to-earliest, --to-latest and --to-offset print old -> new and commit it', async () => {
		await write('POST', '/consumer/resetters');
		await write('POST', '/consumer/resetters/topics/many/offset', {json: {offset: 10}});
		const earliest = await cli('consumer', 'offset', 'reset', 'resetters', 'many', '--to-earliest');
		expect(earliest).toMatchObject({code: 0, lines: ["Reset consumer group 'resetters' on topic 'many': offset 10 -> 0"]});
		const latest = await cli('consumer', 'offset', 'reset', 'resetters', 'many', '--to-latest');
		expect(latest.lines).toEqual(["Reset consumer group 'resetters' on topic 'many': offset 0 -> 2500"]);
		const offset = await cli('consumer', 'offset', 'reset', 'resetters', 'many', '--to-offset', '42', '--json');
		expect(JSON.parse(offset.stdout)).toMatchObject({group_id: 'resetters', topic: 'many', offset: 42, previous_offset: 2500});
		expect((await write('GET', '/consumer/resetters/topics/many/offset')).json.committed_offset).toBe(42);
		const beyond = await cli('consumer', 'offset', 'reset', 'resetters', 'many', '--to-offset', '2501');
		expect(beyond.code).toBe(1);
		const noGroup = await cli('consumer', 'offset', 'reset', 'nobody', 'many', '--to-earliest');
		expect(noGroup.stderr).toMatch(/^Failed to reset offset: group_not_found/);
	});

	test('exactly one target: none or two is a usage error (exit 2)', async () => {
		const none = await cli('consumer', 'offset', 'reset', 'resetters', 'many');
		expect(none.code).toBe(2);
		expect(none.stderr).toContain('give one of --to-earliest, --to-latest, --to-offset N, --to-time TIME');
		const two = await cli('consumer', 'offset', 'reset', 'resetters', 'many', '--to-earliest', '--to-offset', '3');
		expect(two.code).toBe(2);
		expect(two.stderr).toContain('give only one of --to-earliest, --to-offset');
		expect((await cli('consumer', 'offset', 'reset', 'resetters', 'many', '--to-time', 'yesterday')).code).toBe(2);
	});
});

describe('client consumer poll --follow across a server restart', () => {
	test('says the connection is lost, reconnects quietly and goes on where it was', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'flashq-client-follow-'));
		let restarting = await startServerProcess(['--data-dir', dataDir]);
		const port = new URL(restarting.url).port;
		const post = (value: string) => client(restarting.url)('POST', '/topics/durable/records', {json: {records: [{value}]}});
		const running = startCli(['consumer', 'poll', 'durable', '--follow', '--format', String.raw`%o %s\n`, '--url', restarting.url]);
		try {
			await post('before');
			await waitFor(() => running.stdout() === '0 before\n', 10_000, 'the first record');
			expect(await restarting.stop()).toBe(0);
			await waitFor(() => running.stderr().includes('Failed to connect to server'), 10_000, 'the follower to notice');
			restarting = await startServerProcess(['--data-dir', dataDir, '--serve', port]);
			await post('after');
			await waitFor(() => running.stdout() === '0 before\n1 after\n', 20_000, 'the record posted after the restart');
			const {code, stderr} = await running.stop();
			expect(code).toBe(0);
			expect(stderr).toMatch(/Failed to connect to server: .*; retrying\.\.\.\nReconnected to http:\/\/127\.0\.0\.1:\d+\n/);
			expect(stderr.match(/retrying/g)).toHaveLength(1);
		} finally {
			await running.stop();
			await restarting.stop();
			await rm(dataDir, {recursive: true, force: true});
		}
	});
});
