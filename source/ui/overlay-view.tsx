import React from 'react';
import {HelpOverlay, helpMaxScroll} from './components/help-overlay.js';
import {RecordDetail, recordDetailMaxScroll} from './components/record-detail.js';
import {ByteInspector, byteInspectorMaxScroll} from './inspector/byte-inspector.js';
import type {ViewModal} from './modal-host.js';

export interface OverlayViewProps {
	modal: ViewModal;
	width: number;
	height: number;
	/** JSON pretty-printed in the record detail (shared with the Records pane). */
	pretty: boolean;
	/** Lines scrolled down (each view keeps it within its content). */
	scroll: number;
}

/** The most an overlay can scroll at this size (the app keeps its scroll within it). */
export function overlayMaxScroll(modal: ViewModal, width: number, height: number, pretty: boolean): number {
	switch (modal.kind) {
		case 'help':
			return helpMaxScroll(width, height);
		case 'detail':
			return recordDetailMaxScroll(modal.record, pretty, height);
		case 'inspect':
			return byteInspectorMaxScroll(modal.inspection, width, height);
	}
}

/** What is drawn in place of the panes: help, a record's detail, or the byte inspector; each scrolls what does not fit. */
export function OverlayView({modal, width, height, pretty, scroll}: OverlayViewProps) {
	switch (modal.kind) {
		case 'help':
			return <HelpOverlay width={width} height={height} scroll={scroll} />;
		case 'detail':
			return <RecordDetail width={width} height={height} topic={modal.topic} record={modal.record} pretty={pretty} scroll={scroll} />;
		case 'inspect':
			return <ByteInspector inspection={modal.inspection} topic={modal.topic} width={width} height={height} scroll={scroll} />;
	}
}
