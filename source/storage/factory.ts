import {MemoryBackend} from './memory/memory-backend.js';
import type {StorageBackend, StorageContext, StorageOptions} from './types.js';

/** Makes the backend the options ask for. File and NATS storage are loaded only when used. */
export async function createBackend(options: StorageOptions, context: StorageContext): Promise<StorageBackend> {
	if (options.storage === 'memory') return new MemoryBackend();
	if (options.storage === 'nats') {
		const {openNatsBackend} = await import('./nats/nats-backend.js');
		return openNatsBackend(options, context);
	}
	const {openFileBackend} = await import('./file/file-backend.js');
	return openFileBackend(options, context);
}
