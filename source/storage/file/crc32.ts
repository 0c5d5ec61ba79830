/**
 * CRC-32 (IEEE 802.3, the polynomial of zlib and gzip) of bytes or of a string's UTF-8 bytes.
 *
 * @node-rs/crc32 computes the same CRC with carry-less multiplication (PCLMULQDQ / ARM PMULL): on
 * this project's machine ~3x faster than `zlib.crc32` on a 500 KiB frame and ~6x on small ones, and
 * the checksum was the largest cost of a `sync: never` append. It ships prebuilt binaries per
 * platform; where none loads, Node's own `zlib.crc32` gives identical results, just slower.
 */
import {createRequire} from 'node:module';
import {crc32 as zlibCrc32} from 'node:zlib';

type Crc32 = (data: Buffer | string) => number;

function loadNative(): Crc32 | null {
	if (process.env['FLASHQ_CRC32'] === 'zlib') return null; // to compare both, and to test the fallback
	try {
		const native = createRequire(import.meta.url)('@node-rs/crc32') as {crc32: (data: Buffer | string, initial?: number) => number};
		return (data) => native.crc32(data);
	} catch {
		return null;
	}
}

const native = loadNative();

/** Which implementation is in use ('native' or 'zlib'), for benchmarks and tests. */
export const crc32Implementation: 'native' | 'zlib' = native ? 'native' : 'zlib';

export const crc32: Crc32 = native ?? ((data) => zlibCrc32(data));
