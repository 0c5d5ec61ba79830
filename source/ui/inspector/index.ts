/**
 * The byte inspector (issue 6): a record's on-disk frame as an annotated hex dump.
 *
 * Plug-in point for the app (`x` on a selected record in Records). Preferred, through the engine
 * (FlashQ.locateRecord: the storage finds the frame through its own file layer, fault layer included):
 *   const inspection = await inspectRecordVia(engine, {storage: engine.stats().storage, topic, record});
 * or reading the files directly (engines without locateRecord):
 *   const inspection = inspectRecord({storage: engine.stats().storage, topic, record, io});
 *   <ByteInspector inspection={inspection} topic={topic} maxRows={rows} width={columns} />
 * `record` is the selected record as polled (offset, timestamp, key, value, headers). `io` is only
 * needed while the tour's crash lesson runs (its files live in the fault layer): pass
 * `tour.faultIo`; otherwise leave it out and the real disk is read. For memory storage the
 * inspector shows the frame file storage would write for the record. Esc closes the view.
 * `byteInspectorRows(inspection, maxRows)` is its exact height (e.g. for App's `bottomSlot.rows`).
 */
export {ByteInspector, type ByteInspectorProps, byteInspectorRows} from './ByteInspector.js';
export {FIELD_COLORS, type FieldKind, type FrameInspection, focusRows, hexRows, type HexRow, type IndexEntry, type InspectedField, inspectFrame} from './frame-inspection.js';
export {type FrameLocator, inspectRecord, inspectRecordVia, type InspectableRecord, type InspectRequest} from './inspect-record.js';
export {locateFrame, type LocatedFrame} from './locate.js';
