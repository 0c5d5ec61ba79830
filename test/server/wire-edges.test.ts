/**
 * HTTP edges on the wire (issue 12), with raw sockets against startServer() in this process:
 * pipelining never loses an acknowledgement, aborted bodies are no server fault, protocol-level
 * answers (400, 405 for CONNECT, 413 before "100 Continue") and HEAD, and what metrics count.
 */
import net from 'node:net';
import {afterEach, describe, expect, test} from 'vitest';
import {FlashQ} from '../../source/engine/flashq.js';
import {startServer} from '../../source/server/server.js';
import {tempDir} from '../helpers/backends.js';
import {waitFor} from '../helpers/wait-for.js';
import {client} from './process.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

async function setup(extra: Partial<Parameters<typeof startServer>[0]> = {}, storage: 'memory' | 'file' = 'memory') {
	let queue: FlashQ;
	if (storage === 'file') {
		const {dir, cleanup} = await tempDir('flashq-wire-');
		queue = await FlashQ.open({storage: 'file', dataDir: dir, sync: 'always'});
		cleanups.push(cleanup);
	} else {
		queue = await FlashQ.open({storage: 'memory'});
	}
	const logged: string[] = [];
	const server = await startServer({queue, port: 0, logger: {error: (message) => logged.push(message)}, ...extra});
	cleanups.push(async () => {
		await server.close();
		await queue.close();
	});
	return {queue, server, logged, api: client(server.url)};
}

interface RawResponse {
	status: number;
	head: string;
	body: string;
}

/**
 * Writes `request` in one packet and collects what comes back until the server closes the
 * connection (every exchange here ends with a close: a bad request, or `connection: close`).
 */
function exchange(port: number, request: string | Buffer, options: {destroyAfterWrite?: boolean} = {}): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		let data = '';
		socket.setEncoding('latin1');
		socket.on('data', (chunk: string) => (data += chunk));
		socket.on('close', () => resolve(data));
		socket.on('error', (error) => (data ? resolve(data) : reject(error)));
		socket.write(request, () => {
			if (options.destroyAfterWrite) socket.destroy();
		});
	});
}

/** Splits a byte stream of responses (content-length framed, as this server always sends). */
function parseResponses(stream: string): RawResponse[] {
	const out: RawResponse[] = [];
	let rest = stream;
	while (rest.length > 0) {
		const end = rest.indexOf('\r\n\r\n');
		if (end === -1) throw new Error(`truncated response: ${JSON.stringify(rest.slice(0, 200))}`);
		const head = rest.slice(0, end);
		const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
		const status = Number(head.slice(9, 12));
		const bodyLength = status === 100 ? 0 : length;
		out.push({status, head, body: rest.slice(end + 4, end + 4 + bodyLength)});
		rest = rest.slice(end + 4 + bodyLength);
	}
	return out;
}

const recordBody = (value: string): string => JSON.stringify({records: [{value}]});
const post = (topic: string, value: string, extraHeaders = ''): string => {
	const body = recordBody(value);
	return `POST /topics/${topic}/records HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n${extraHeaders}\r\n${body}`;
};

async function metricLine(api: ReturnType<typeof client>, pattern: RegExp): Promise<string[]> {
	return (await api('GET', '/metrics')).text.split('\n').filter((line) => pattern.test(line));
}

describe('pipelining never loses an acknowledgement', () => {
	test('a valid POST followed by garbage in the same packet: the 200 with its offset comes first, then the 400', async () => {
		const {server, api} = await setup();
		const responses = parseResponses(await exchange(server.port, `${post('t', 'a')}GARBAGE\r\n\r\n`));
		expect(responses.map((r) => r.status)).toEqual([200, 400]);
		expect(JSON.parse(responses[0]!.body).offsets[0].offset).toBe(0);
		expect(JSON.parse(responses[1]!.body).error).toBe('bad_request');
		// Stored once, acknowledged once: a client has no reason to retry.
		expect((await api('GET', '/topics/t/records')).json.high_water_mark).toBe(1);
	});

	test('the same with a bad Content-Length on the second request', async () => {
		const {server} = await setup();
		const bad = 'POST /topics/t/records HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: abc\r\n\r\n';
		const responses = parseResponses(await exchange(server.port, post('t', 'a') + bad));
		expect(responses.map((r) => r.status)).toEqual([200, 400]);
	});

	test('a bad chunk in a pipelined chunked body: the earlier POST is answered, then the 400', async () => {
		const {server} = await setup();
		const chunked = 'POST /topics/t/records HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n';
		const responses = parseResponses(await exchange(server.port, post('t', 'a') + chunked));
		expect(responses.map((r) => r.status)).toEqual([200, 400]);
	});

	test('five pipelined POSTs then a GET (file storage, fsync each): in order, and the GET sees all five', async () => {
		const {server} = await setup({}, 'file');
		const posts = Array.from({length: 5}, (_, i) => post('p', `v${i}`)).join('');
		const get = 'GET /topics/p/records HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n';
		const responses = parseResponses(await exchange(server.port, posts + get));
		expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
		expect(responses.slice(0, 5).map((r) => JSON.parse(r.body).offsets[0].offset)).toEqual([0, 1, 2, 3, 4]);
		const read = JSON.parse(responses[5]!.body);
		expect(read.high_water_mark).toBe(5);
		expect(read.records.map((r: {value: string}) => r.value)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
	});
});

describe('a client that aborts mid-body', () => {
	test('is counted as aborted (499 in metrics, no 500), and nothing is logged', async () => {
		const {server, api, logged} = await setup();
		const head = 'POST /topics/t/records HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"records":[';
		await exchange(server.port, head, {destroyAfterWrite: true});
		await waitFor(() => server.stats().requests === 1, 10_000, 'the aborted request to be counted');
		expect(server.stats()).toMatchObject({requests: 1, serverErrors: 0, inFlight: 0});
		expect(logged).toEqual([]);
		const lines = await metricLine(api, /^flashq_http_requests_total\{method="POST"/);
		expect(lines).toEqual(['flashq_http_requests_total{method="POST",route="/topics/{topic}/records",status="499"} 1']);
	});
});

describe('protocol-level answers', () => {
	test('Expect: 100-continue with an oversized Content-Length gets 413 and no "100 Continue"', async () => {
		const {server} = await setup();
		const request = `POST /topics/t/records HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${5 * 1024 * 1024}\r\nexpect: 100-continue\r\n\r\n`;
		const responses = parseResponses(await exchange(server.port, request));
		expect(responses.map((r) => r.status)).toEqual([413]);
		expect(JSON.parse(responses[0]!.body).error).toBe('payload_too_large');
	});

	test('Expect: 100-continue with a body in bounds still gets "100 Continue" and is served', async () => {
		const {server} = await setup();
		const body = recordBody('x');
		const head = `POST /topics/t/records HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n`;
		const data = await new Promise<string>((resolve) => {
			const socket = net.connect(server.port, '127.0.0.1');
			let seen = '';
			socket.setEncoding('latin1');
			socket.on('data', (chunk: string) => {
				if (seen === '' && chunk.startsWith('HTTP/1.1 100')) socket.write(body);
				seen += chunk;
			});
			socket.on('close', () => resolve(seen));
			socket.write(head);
		});
		expect(parseResponses(data).map((r) => r.status)).toEqual([100, 200]);
	});

	test('CONNECT gets a 405 in JSON instead of a silent close', async () => {
		const {server} = await setup();
		const responses = parseResponses(await exchange(server.port, 'CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n'));
		expect(responses.map((r) => r.status)).toEqual([405]);
		expect(JSON.parse(responses[0]!.body).error).toBe('method_not_allowed');
	});

	test('HEAD on a GET route is answered like GET, without a body', async () => {
		const {server, api} = await setup();
		await api('POST', '/topics/t/records', {json: {records: [{value: 'x'}]}});
		const get = parseResponses(await exchange(server.port, 'GET /topics HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'))[0]!;
		const stream = await exchange(server.port, 'HEAD /topics HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
		expect(stream.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
		// The same content-length as the GET, and nothing after the head.
		expect(stream.endsWith('\r\n\r\n')).toBe(true);
		expect(/content-length: (\d+)/i.exec(stream)?.[1]).toBe(String(get.body.length));
		expect((await api('HEAD', '/health')).status).toBe(200);
		const allow = await api('PUT', '/health');
		expect(allow.headers.get('allow')).toBe('GET, HEAD');
	});

	test('405s are labelled with their route, and protocol-level 400/408/431 are counted', async () => {
		const {server, api} = await setup({maxHeaderSize: 1024});
		await api('PUT', '/health');
		await exchange(server.port, 'GARBAGE\r\n\r\n');
		await exchange(server.port, `GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(4096)}\r\n\r\n`);
		const lines = await metricLine(api, /^flashq_http_requests_total\{method="(PUT|unknown)"/);
		expect(lines.sort()).toEqual([
			'flashq_http_requests_total{method="PUT",route="/health",status="405"} 1',
			'flashq_http_requests_total{method="unknown",route="unparsed",status="400"} 1',
			'flashq_http_requests_total{method="unknown",route="unparsed",status="431"} 1',
		]);
		expect(server.stats()).toMatchObject({errors: 3});
	});
});

describe('request bodies', () => {
	test('a declared charset other than UTF-8 is 415 unsupported_media_type', async () => {
		const {api} = await setup();
		for (const type of ['application/json; charset=iso-8859-1', 'application/json;charset="utf-16"']) {
			const reply = await api('POST', '/topics/t/records', {body: recordBody('x'), headers: {'content-type': type}});
			expect({type, status: reply.status, error: reply.json.error}).toEqual({type, status: 415, error: 'unsupported_media_type'});
		}
		for (const type of ['application/json; charset=UTF-8', 'application/json; charset=utf8', 'application/json; charset="utf-8"']) {
			expect((await api('POST', '/topics/t/records', {body: recordBody('x'), headers: {'content-type': type}})).status, type).toBe(200);
		}
	});
});

describe('bounded echoes', () => {
	test('a 1 MB header name with a non-string value: the 422 quotes a short prefix only', async () => {
		const {api} = await setup();
		const name = 'n'.repeat(1024 * 1024);
		const reply = await api('POST', '/topics/t/records', {json: {records: [{value: 'v', headers: {[name]: 1}}]}});
		expect(reply.status).toBe(422);
		expect(reply.text.length).toBeLessThan(500);
		expect(reply.json.details.field).toMatch(/^records\[0\]\.headers\.n+…$/);
	});

	test('a long path, a long query value and a bad escape are quoted in part', async () => {
		const {api} = await setup();
		const long = 'x'.repeat(8000);
		for (const path of [`/${long}`, `/topics/t/records?max_records=${long}`, `/topics/%ZZ${long}/records`]) {
			const reply = await api('GET', path);
			expect(reply.status).toBeGreaterThanOrEqual(400);
			expect(reply.text.length, path.slice(0, 40)).toBeLessThan(500);
		}
	});
});

describe('limits on header names and headers per record', () => {
	test('a header name over the byte limit is 400 validation_error with field/max_size/actual_size, quoted in part', async () => {
		const {api} = await setup();
		expect((await api('POST', '/topics/t/records', {json: {records: [{value: 'v', headers: {['n'.repeat(1024)]: 'v'}}]}})).status).toBe(200);
		const reply = await api('POST', '/topics/t/records', {json: {records: [{value: 'v', headers: {['n'.repeat(1025)]: 'v'}}]}});
		expect(reply.status).toBe(400);
		expect(reply.json.error).toBe('validation_error');
		expect(reply.json.details).toMatchObject({max_size: 1024, actual_size: 1025});
		expect(reply.json.details.field.length).toBeLessThan(100);
		expect(reply.text.length).toBeLessThan(500);
	});

	test('more than 100 headers on a record is 400 validation_error counted in headers', async () => {
		const {api} = await setup();
		const headers = (n: number) => Object.fromEntries(Array.from({length: n}, (_, i) => [`h${i}`, 'v']));
		expect((await api('POST', '/topics/t/records', {json: {records: [{value: 'v', headers: headers(100)}]}})).status).toBe(200);
		const reply = await api('POST', '/topics/t/records', {json: {records: [{value: 'v'}, {value: 'v', headers: headers(101)}]}});
		expect(reply.status).toBe(400);
		expect(reply.json).toMatchObject({error: 'validation_error', details: {field: 'records[1].headers', max_size: 100, actual_size: 101}});
		expect(reply.json.message).toBe('records[1].headers is 101 headers, more than the limit of 100');
	});
});

describe('messages', () => {
	test('a batch over the limit is counted in records, not bytes', async () => {
		const {api} = await setup();
		const reply = await api('POST', '/topics/t/records', {json: {records: Array.from({length: 1001}, () => ({value: 'v'}))}});
		expect(reply.json.message).toBe('records is 1001 records, more than the limit of 1000');
	});

	test('max_records=-1 states the range 1-10000', async () => {
		const {api} = await setup();
		await api('POST', '/topics/t/records', {json: {records: [{value: 'v'}]}});
		const reply = await api('GET', '/topics/t/records?max_records=-1');
		expect(reply.json).toMatchObject({error: 'invalid_parameter', message: 'max_records must be an integer from 1 to 10000'});
	});
});

describe('GET /health with a token', () => {
	test('unauthenticated: only {status}; with the token: everything', async () => {
		const {server} = await setup({token: 's3cret'});
		const anonymous = await client(server.url)('GET', '/health');
		expect(anonymous.status).toBe(200);
		expect(anonymous.json).toEqual({status: 'healthy'});
		const trusted = await client(server.url, 's3cret')('GET', '/health');
		expect(trusted.json).toMatchObject({status: 'healthy', service: 'flashq', topics_count: 0});
	});

	test('startServer refuses a token no client can present', async () => {
		const queue = await FlashQ.open({storage: 'memory'});
		cleanups.push(() => queue.close());
		await expect(startServer({queue, port: 0, token: 'two words'})).rejects.toThrow(/not a valid bearer token/);
	});
});
