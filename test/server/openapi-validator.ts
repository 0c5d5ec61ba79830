/**
 * Checks a live response against an OpenAPI document with openapi-backend (its router matches the
 * request to an operation, its ajv validators check body and headers). openapi-backend passes a
 * status the operation does not list, so that check is done here: an undocumented status (a 401
 * the document does not mention) is exactly the drift this guards against.
 */
import {OpenAPIBackend, SetMatchType, type Document} from 'openapi-backend';
import type {Reply} from './process.js';

type Operation = NonNullable<ReturnType<OpenAPIBackend['matchOperation']>>;

export interface ResponseValidator {
	/** Problems with this exchange ([] when it fits); requests no operation matches are not checked. */
	check(method: string, pathWithQuery: string, reply: Reply): string[];
	/** Whether an operation of the document matches the request. */
	matches(method: string, pathWithQuery: string): boolean;
}

export async function responseValidator(document: unknown): Promise<ResponseValidator> {
	const api = new OpenAPIBackend({
		definition: structuredClone(document) as Document,
		// Builds the validators; requests are never validated (only handleRequest would, unused here).
		validate: true,
		// No check of the document itself: openapi-backend's is OpenAPI 3.0's schema, this is 3.1.
		quick: true,
		ajvOpts: {strict: false},
	});
	await api.init();
	const match = (method: string, pathWithQuery: string): Operation | undefined => {
		const [path, query = ''] = pathWithQuery.split('?', 2) as [string, string?];
		// HEAD is served as GET; the document lists GET operations only.
		return api.matchOperation({method: method === 'HEAD' ? 'get' : method.toLowerCase(), path, query, headers: {}});
	};
	return {
		matches: (method, pathWithQuery) => match(method, pathWithQuery) !== undefined,
		check(method, pathWithQuery, reply) {
			const operation = match(method, pathWithQuery);
			if (operation === undefined) return [];
			const where = `${method} ${pathWithQuery.slice(0, 80)} -> ${reply.status} (${operation.operationId})`;
			const documented = operation.responses?.[String(reply.status)] as {content?: Record<string, unknown>} | undefined;
			if (documented === undefined) return [`${where}: status ${reply.status} is not documented for this operation`];
			const problems: string[] = [];
			const headers = Object.fromEntries(reply.headers.entries());
			const headerCheck = api.validateResponseHeaders(headers, operation, {statusCode: reply.status, setMatchType: SetMatchType.Superset});
			for (const error of headerCheck.errors ?? []) problems.push(`${where}: header ${error.instancePath} ${error.message}`);
			const content = documented.content;
			if (content === undefined) {
				if (reply.text !== '') problems.push(`${where}: a body where none is documented`);
				return problems;
			}
			const type = (reply.headers.get('content-type') ?? '').split(';', 1)[0]!.trim();
			if (!(type in content)) problems.push(`${where}: content-type '${type}' is not one of ${Object.keys(content).join(', ')}`);
			if (method !== 'HEAD' && type === 'application/json') {
				const body = api.validateResponse(reply.json, operation, reply.status);
				for (const error of body.errors ?? []) problems.push(`${where}: body${error.instancePath} ${error.message}`);
			}
			return problems;
		},
	};
}
