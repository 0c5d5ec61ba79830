import {clip} from '../engine/errors.js';
import {HttpError, invalidParameter} from './http-error.js';

/**
 * A small exact-segment router. A pattern like `/consumer/{group_id}/topics/{topic}` matches only
 * paths with the same number of segments; a parameter never matches an empty segment, so
 * `/topics//records` is 404 as in the reference. Parameters are percent-decoded per segment, so
 * `%2F` becomes part of a name (and then fails name validation) instead of splitting the path.
 */
export interface Route<H> {
	method: string;
	/** The path template, as in the OpenAPI document. */
	pattern: string;
	handler: H;
}

interface CompiledPath<H> {
	pattern: string;
	segments: Array<{literal: string} | {param: string}>;
	methods: Map<string, H>;
}

export type RouteMatch<H> = {route: string; handler: H; params: Record<string, string>};

export class Router<H> {
	private readonly paths: CompiledPath<H>[] = [];
	/** Paths by segment count: a request is compared only with templates of its own length. */
	private readonly bySegments = new Map<number, CompiledPath<H>[]>();

	constructor(routes: ReadonlyArray<Route<H>>) {
		for (const route of routes) {
			let compiled = this.paths.find((p) => p.pattern === route.pattern);
			if (!compiled) {
				compiled = {
					pattern: route.pattern,
					segments: route.pattern
						.slice(1)
						.split('/')
						.map((s) => (s.startsWith('{') ? {param: s.slice(1, -1)} : {literal: s})),
					methods: new Map(),
				};
				this.paths.push(compiled);
			}
			compiled.methods.set(route.method, route.handler);
		}
		for (const compiled of this.paths) {
			const list = this.bySegments.get(compiled.segments.length) ?? [];
			list.push(compiled);
			this.bySegments.set(compiled.segments.length, list);
		}
	}

	/**
	 * The route for a request; throws 404 (no such path) or 405 with `Allow` (path exists, method
	 * does not; the error carries the route, so metrics can label it). HEAD is served by the GET
	 * handler (node:http drops the body of a HEAD answer and keeps its headers).
	 */
	match(method: string, pathname: string): RouteMatch<H> {
		let hit = this.recent.get(pathname);
		if (hit === undefined) {
			hit = this.matchUncached(pathname);
			if (pathname.length <= RECENT_PATH_LENGTH) {
				if (this.recent.size >= RECENT_PATHS) this.recent.clear();
				this.recent.set(pathname, hit);
			}
		}
		const {compiled, params} = hit;
		const handler = compiled.methods.get(method) ?? (method === 'HEAD' ? compiled.methods.get('GET') : undefined);
		if (handler === undefined) {
			const methods = [...compiled.methods.keys()];
			if (methods.includes('GET')) methods.splice(methods.indexOf('GET') + 1, 0, 'HEAD');
			const allow = methods.join(', ');
			throw new MethodNotAllowed(compiled.pattern, `method ${clip(method)} is not allowed on ${compiled.pattern}`, allow);
		}
		return {route: compiled.pattern, handler, params};
	}

	/**
	 * Recently matched paths: clients mostly repeat a few paths (one topic, one group), so a hit
	 * skips splitting, comparing and decoding. Only paths that matched are kept (a 404 or a bad
	 * escape throws before), long paths are not kept, and the map is emptied when full, so it stays
	 * small (under 1 MiB of keys) whatever clients send.
	 */
	private readonly recent = new Map<string, PathMatch<H>>();

	private matchUncached(pathname: string): PathMatch<H> {
		const parts = pathname.slice(1).split('/');
		for (const compiled of this.bySegments.get(parts.length) ?? []) {
			const params = matchPath(compiled, parts);
			// Frozen: the same object is handed to every request on this path.
			if (params) return {compiled, params: Object.freeze(params)};
		}
		throw new HttpError(404, 'not_found', `no route for ${clip(pathname)}`);
	}
}

const RECENT_PATHS = 1024;
const RECENT_PATH_LENGTH = 512;

interface PathMatch<H> {
	compiled: CompiledPath<H>;
	params: Readonly<Record<string, string>>;
}

/** The decoded parameters when `parts` fit the template, else null. */
function matchPath<H>(compiled: CompiledPath<H>, parts: string[]): Record<string, string> | null {
	let params: Record<string, string> | null = null;
	for (let index = 0; index < parts.length; index++) {
		const segment = compiled.segments[index]!;
		const part = parts[index]!;
		if ('literal' in segment) {
			if (segment.literal !== part) return null;
		} else {
			if (part.length === 0) return null;
			(params ??= {})[segment.param] = part;
		}
	}
	return params === null ? {} : decodeParams(params);
}

/** Percent-decodes each parameter in place (only those that contain a '%'). */
function decodeParams(params: Record<string, string>): Record<string, string> {
	for (const name in params) {
		const value = params[name]!;
		if (!value.includes('%')) continue;
		try {
			params[name] = decodeURIComponent(value);
		} catch {
			throw invalidParameter(name, `${name} is not valid percent-encoding`, clip(value));
		}
	}
	return params;
}

/** A 405 that knows its route template (a bounded metrics label, unlike the raw path). */
export class MethodNotAllowed extends HttpError {
	constructor(
		readonly route: string,
		message: string,
		allow: string,
	) {
		super(405, 'method_not_allowed', message, {allow}, {Allow: allow});
	}
}
