export {FlashQ, type FlashQOptions} from './engine/flashq.js';
export {FlashQError, isFlashQError, type ErrorCode, type ErrorDetails} from './engine/errors.js';
export {EventHub, type BatchListener} from './engine/event-hub.js';
export type {FlashQEvent, FlashQEventType} from './engine/events.js';
export type {FlashQStats, IndexLookup, StorageInfo, StorageNotice, TopicCounters, TopicStats, TopicStorageStats} from './engine/stats.js';
export {LIMITS} from './engine/limits.js';
export {validateName, validateBatch, validateMaxRecords, validateOffset} from './engine/validation.js';
export * from './engine/types.js';
export type {StorageOptions, FileStorageOptions, MemoryStorageOptions, FrameLocation} from './storage/types.js';
