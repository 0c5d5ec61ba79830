import {execFileSync} from 'node:child_process';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {crc32 as zlibCrc32} from 'node:zlib';
import {crc32, crc32Implementation} from '../../../source/storage/file/crc32.js';

describe('crc32', () => {
	it('loads the native implementation on this platform', () => {
		expect(crc32Implementation).toBe('native');
	});

	it('equals zlib.crc32 on bytes, on views into larger buffers, and on strings (their UTF-8 bytes)', () => {
		expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926); // the CRC-32/IEEE check value
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 5000}), fc.nat(64), fc.nat(64), (bytes, head, tail) => {
				const whole = Buffer.concat([Buffer.alloc(head, 0xa5), Buffer.from(bytes), Buffer.alloc(tail, 0x5a)]);
				const view = whole.subarray(head, head + bytes.length);
				expect(crc32(view)).toBe(zlibCrc32(view));
			}),
			{numRuns: 300},
		);
		fc.assert(
			fc.property(fc.string({unit: 'grapheme', maxLength: 200}), (text) => {
				expect(crc32(text)).toBe(zlibCrc32(text));
			}),
			{numRuns: 300},
		);
	});

	it('falls back to zlib when told to (FLASHQ_CRC32=zlib), with the same results', () => {
		const script = `import {crc32, crc32Implementation} from './source/storage/file/crc32.ts'; console.log(crc32Implementation, crc32(Buffer.from('123456789')))`;
		const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
			cwd: new URL('../../..', import.meta.url),
			env: {...process.env, FLASHQ_CRC32: 'zlib'},
			encoding: 'utf8',
		});
		expect(out.trim()).toBe(`zlib ${0xcbf43926}`);
	});
});
