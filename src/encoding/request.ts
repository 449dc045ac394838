/**
 * A request as the API declares it: the body in the operation's encoding, with its content type,
 * and the path with its parameters filled. The runtime's delivery calls these.
 */
import { encodeForm, type FormOptions } from "./form.ts";

/** How an operation's request body is encoded. */
export type BodyEncoding = "json" | "form";

/** An encoded body and the content type that says how. */
export interface EncodedBody {
  contentType: "application/json" | "application/x-www-form-urlencoded";
  body: string;
}

/** Encodes a request body. A form body must be an object (the form's fields). */
export function encodeRequestBody(body: unknown, encoding: BodyEncoding, options: FormOptions = {}): EncodedBody {
  if (encoding === "json") return { contentType: "application/json", body: JSON.stringify(body) };
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new TypeError(`a form-encoded body must be an object of fields, not ${Array.isArray(body) ? "a list" : String(body)}`);
  }
  return { contentType: "application/x-www-form-urlencoded", body: encodeForm(body as Record<string, unknown>, options) };
}

/** A path template parameter that has no value. */
export class MissingPathParameterError extends Error {
  override name = "MissingPathParameterError";
  constructor(readonly parameter: string, readonly template: string) {
    super(`the path ${template} needs '${parameter}', which the request does not have`);
  }
}

/** Fills `{name}` in a path template, each value percent-encoded so it stays one segment. */
export function expandPath(template: string, parameters: Readonly<Record<string, unknown>>): string {
  if (!template.includes("{")) return template;
  return template.replace(/\{([^}/]+)\}/g, (_, name: string) => {
    const value = parameters[name];
    if (value === undefined || value === null || value === "" || typeof value === "object") throw new MissingPathParameterError(name, template);
    return encodeURIComponent(String(value));
  });
}
