/**
 * The byte inspector (issue 6): a record's on-disk frame as an annotated hex dump.
 *
 * Plug-in point for the app (`x` on a selected record in Records):
 *   const inspection = await inspectRecord(engine, topic, record);
 *   <ByteInspector inspection={inspection} topic={topic} maxRows={rows} width={columns} />
 * `record` is the selected record as polled. The engine's storage finds the frame through its own
 * file layer (FlashQ.locateRecord; the crash lesson's fault layer included). For memory storage the
 * inspector shows the frame file storage would write for the record. Esc closes the view.
 * `byteInspectorRows(inspection, maxRows)` is its exact height (e.g. for App's `bottomSlot.rows`).
 */
export {ByteInspector, type ByteInspectorProps, byteInspectorRows} from './byte-inspector.js';
export {FIELD_COLORS, type FieldKind, type FrameInspection, focusRows, hexRows, type HexRow, type IndexEntry, type InspectedField, inspectFrame} from './frame-inspection.js';
export {encodedInspection, type FrameLocator, inspectRecord, type InspectableRecord} from './inspect-record.js';
