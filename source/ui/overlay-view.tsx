import {Box} from 'ink';
import React from 'react';
import {HelpOverlay} from './components/help-overlay.js';
import {RecordDetail} from './components/record-detail.js';
import {ByteInspector, byteInspectorRows} from './inspector/byte-inspector.js';
import type {FrameInspection} from './inspector/frame-inspection.js';
import type {ViewModal} from './modal-host.js';

/** The most hex rows the byte inspector can show within `height` rows (at least 4: it clips below). */
function inspectorHexRows(inspection: FrameInspection, height: number): number {
	let rows = 4;
	while (rows < 64 && byteInspectorRows(inspection, rows + 1) <= height && byteInspectorRows(inspection, rows + 1) > byteInspectorRows(inspection, rows)) rows++;
	return rows;
}

export interface OverlayViewProps {
	modal: ViewModal;
	width: number;
	height: number;
	/** JSON pretty-printed in the record detail (shared with the Records pane). */
	pretty: boolean;
	detailScroll: number;
}

/** What is drawn in place of the panes: help, a record's detail, or the byte inspector. */
export function OverlayView({modal, width, height, pretty, detailScroll}: OverlayViewProps) {
	switch (modal.kind) {
		case 'help':
			return <HelpOverlay width={width} height={height} />;
		case 'detail':
			return <RecordDetail width={width} height={height} topic={modal.topic} record={modal.record} pretty={pretty} scroll={detailScroll} />;
		case 'inspect':
			return (
				<Box height={height} overflow="hidden">
					<ByteInspector inspection={modal.inspection} topic={modal.topic} width={width} maxRows={inspectorHexRows(modal.inspection, height)} />
				</Box>
			);
	}
}
