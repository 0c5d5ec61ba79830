import type {FlashQ} from '../../engine/flashq.js';
import type {FileStorageOptions} from '../../storage/types.js';
import type {PowerLossReport} from './lesson.js';

/**
 * The tour's view of the storage's fault-injection layer: the options that route file storage
 * through it, and the power loss itself.
 */
export interface PowerLossLayer {
	storageOptions(): Partial<FileStorageOptions>;
	/** Drops everything written but not fsynced; the engine on this layer must then be abandoned. */
	powerLoss(): Promise<PowerLossReport>;
	/** Stops what an abandoned engine still runs (timers, lock refresh) without writing anything. */
	release(engine: FlashQ): Promise<void>;
}

/** Until the file storage exposes its fault layer, a power loss is refused with a clear message. */
export function createPowerLossLayer(): PowerLossLayer {
	return {
		storageOptions: () => ({}),
		powerLoss: () => Promise.reject(new Error('simulated power loss needs the file storage fault layer')),
		release: () => Promise.resolve(),
	};
}
