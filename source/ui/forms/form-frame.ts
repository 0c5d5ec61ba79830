/** What every form in the modal host gets: its width, whether it listens, and how to close it. */
export interface FormFrame {
	width: number;
	active: boolean;
	close(): void;
}
