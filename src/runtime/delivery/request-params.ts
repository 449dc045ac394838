/**
 * The query and header parameters a deliver step gives travel with its path parameters in the
 * delivery's `params`, under a prefix a path parameter's name cannot carry in practice: `?name`
 * for the query string, `@name` for a header. This is the one place that writes and reads them.
 */

const QUERY = "?";
const HEADER = "@";

/** A delivery's parameters, split by where they go. */
export interface RequestParams {
  path: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
}

/** The stored form of query and header values, to merge into the path parameters. */
export function encodeRequestParams(query: Readonly<Record<string, string>>, headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) out[`${QUERY}${name}`] = value;
  for (const [name, value] of Object.entries(headers)) out[`${HEADER}${name}`] = value;
  return out;
}

/** Splits a delivery's stored parameters into path, query and header values. */
export function splitRequestParams(params: Readonly<Record<string, string>> | null | undefined): RequestParams {
  const split: RequestParams = { path: {}, query: [], headers: {} };
  for (const [key, value] of Object.entries(params ?? {})) {
    if (key.startsWith(QUERY)) split.query.push([key.slice(1), value]);
    else if (key.startsWith(HEADER)) split.headers[key.slice(1)] = value;
    else split.path[key] = value;
  }
  return split;
}

/** The query string of the values, `?a=1&b=x` (empty without values). */
export function queryString(query: readonly [string, string][]): string {
  return query.length === 0 ? "" : `?${new URLSearchParams(query).toString()}`;
}
