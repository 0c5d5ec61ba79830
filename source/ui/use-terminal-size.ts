import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface TerminalSize {
	columns: number;
	rows: number;
}

/** The terminal size, updated on resize. `fixed` (tests, --once) wins over the stream. */
export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
	const {stdout} = useStdout();
	const read = (): TerminalSize => fixed ?? {columns: stdout.columns || 120, rows: stdout.rows || 40};
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (fixed) {
			setSize(fixed);
			return;
		}
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on fixed's values, not on its object (new every render); read() only uses fixed and stdout
	}, [stdout, fixed?.columns, fixed?.rows]);
	return size;
}
