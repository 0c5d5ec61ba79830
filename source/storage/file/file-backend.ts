import {FlashQError} from '../../engine/errors.js';
import type {FileStorageOptions, StorageBackend, StorageContext} from '../types.js';

/** Placeholder until the file backend lands (issue 3). */
export async function openFileBackend(_options: FileStorageOptions, _context: StorageContext): Promise<StorageBackend> {
	throw new FlashQError('internal_error', 'Storage error: file storage is not implemented yet');
}
