export {FlashQ, type FlashQOptions} from './engine/flashq.js';
export {FlashQError, isFlashQError, type ErrorCode, type ErrorDetails} from './engine/errors.js';
export {EventHub, type BatchListener} from './core/event-hub.js';
export type {FlashQEvent, FlashQEventType} from './core/events.js';
export type {FlashQStats, IndexLookup, StorageInfo, StorageNotice, TopicCounters, TopicStats, TopicStorageStats} from './core/stats.js';
export {LIMITS} from './engine/limits.js';
export {validateName, validateBatch, validateMaxRecords, validateOffset} from './engine/validation.js';
export * from './engine/types.js';
export type {StorageOptions, FileStorageOptions, MemoryStorageOptions, FrameLocation} from './storage/types.js';
