/** Reading a simulator's request: path templates, JSON and form bodies. */
import type { IncomingMessage } from "node:http";

/** A compiled path template (`/customers/{customer-id}`): its matcher and parameter names. */
export interface PathTemplate {
  method: string;
  template: string;
  match(path: string): Record<string, string> | undefined;
}

/** Compiles `METHOD /path/{param}` into a matcher. */
export function pathTemplate(method: string, template: string): PathTemplate {
  const names: string[] = [];
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{([^}]+)\\?\}|\{([^}]+)\}/g, (_all, a: string, b: string) => {
    names.push(a ?? b);
    return "([^/]+)";
  });
  const regex = new RegExp(`^${pattern}$`);
  return {
    method,
    template,
    match(path) {
      const found = regex.exec(path);
      if (found === null) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1] as string);
      });
      return params;
    },
  };
}

/** Sets `a[b][0][c]`-style keys (Chargebee's form encoding) into a nested object. */
function setNested(target: Record<string, unknown>, key: string, value: string): void {
  const parts = key.replace(/\]/g, "").split("[");
  let node: Record<string, unknown> = target;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      node[part] = value;
      return;
    }
    const child = node[part];
    if (typeof child !== "object" || child === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  });
}

/** Parses a form body into a nested object of strings. */
export function parseForm(text: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) setNested(result, key, value);
  return result;
}

/** Reads the whole body of a request as text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a body by its content type; undefined when empty, a string when it cannot be parsed. */
export function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === "") return undefined;
  if ((contentType ?? "").includes("application/x-www-form-urlencoded")) return parseForm(text);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
