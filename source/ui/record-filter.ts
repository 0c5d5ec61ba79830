import type {RecordWithOffset} from '../engine/types.js';

/** What a Records filter looks at: every text of the record, or only its key, value or headers. */
export type FilterField = 'any' | 'key' | 'value' | 'header';

/**
 * The Records pane's filter. `text` is plain text (matched case-insensitively as a substring) or
 * `/regex/flags`; for `header` it is `name`, `name=value` (exactly), `name=/regex/` or `/regex/`
 * (tried on each `name=value`). Empty text means no filter.
 */
export interface RecordFilter {
	field: FilterField;
	text: string;
}

export type RecordMatcher = (record: RecordWithOffset) => boolean;
export type CompiledFilter = {ok: true; test: RecordMatcher} | {ok: false; error: string};

type Pattern = {ok: true; test: (text: string) => boolean; regex: boolean} | {ok: false; error: string};

const REGEX = /^\/(.*)\/([a-z]*)$/s;

/** True when the filter selects something (a null or empty filter shows every record). */
export const isActive = (filter: RecordFilter | null | undefined): filter is RecordFilter => !!filter && filter.text !== '';

/** `/body/flags` as a regular expression (a bad one is an error, not an exception); anything else as text. */
function pattern(text: string): Pattern {
	const regex = REGEX.exec(text);
	if (!regex || text.length < 2) {
		const needle = text.toLowerCase();
		return {ok: true, regex: false, test: (s) => s.toLowerCase().includes(needle)};
	}
	try {
		// g and y make test() stateful (lastIndex); they change nothing about whether a text matches.
		const re = new RegExp(regex[1]!, regex[2]!.replace(/[gy]/g, ''));
		return {ok: true, regex: true, test: (s) => re.test(s)};
	} catch (error) {
		return {ok: false, error: `invalid regular expression ${text}: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}`};
	}
}

const headerEntries = (record: RecordWithOffset): [string, string][] => Object.entries(record.headers ?? {});

function headerMatcher(text: string): CompiledFilter {
	if (REGEX.test(text)) {
		const p = pattern(text);
		if (!p.ok) return p;
		return {ok: true, test: (r) => headerEntries(r).some(([k, v]) => p.test(`${k}=${v}`))};
	}
	const eq = text.indexOf('=');
	const name = eq === -1 ? text : text.slice(0, eq);
	if (name === '') return {ok: false, error: 'a header filter is name, name=value, name=/regex/ or /regex/'};
	if (eq === -1) return {ok: true, test: (r) => r.headers !== null && Object.hasOwn(r.headers, name)};
	const wanted = text.slice(eq + 1);
	if (REGEX.test(wanted)) {
		const p = pattern(wanted);
		if (!p.ok) return p;
		return {ok: true, test: (r) => r.headers !== null && Object.hasOwn(r.headers, name) && p.test(r.headers[name]!)};
	}
	return {ok: true, test: (r) => r.headers !== null && Object.hasOwn(r.headers, name) && r.headers[name] === wanted};
}

/** The filter as a test on records, or why it cannot be one (an invalid regular expression). */
export function compileFilter(filter: RecordFilter | null | undefined): CompiledFilter {
	if (!isActive(filter)) return {ok: true, test: () => true};
	if (filter.field === 'header') return headerMatcher(filter.text);
	const p = pattern(filter.text);
	if (!p.ok) return p;
	switch (filter.field) {
		case 'key':
			return {ok: true, test: (r) => r.key !== null && p.test(r.key)};
		case 'value':
			return {ok: true, test: (r) => p.test(r.value)};
		case 'any':
			return {
				ok: true,
				test: (r) => p.test(r.value) || (r.key !== null && p.test(r.key)) || headerEntries(r).some(([k, v]) => p.test(k) || p.test(v) || (p.regex && p.test(`${k}=${v}`))),
			};
	}
}

/** How the pane's title shows the filter: `"text"` on any field, `key "text"`, `value /re/`... */
export function describeFilter(filter: RecordFilter): string {
	const text = REGEX.test(filter.text) ? filter.text : `"${filter.text}"`;
	return filter.field === 'any' ? text : `${filter.field} ${text}`;
}

/** A stable string for the filter (reload keys). */
export const filterKey = (filter: RecordFilter | null | undefined): string => (isActive(filter) ? `${filter.field}:${filter.text}` : '');
