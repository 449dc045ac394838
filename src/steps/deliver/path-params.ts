/** The values of a deliver step's path parameters, resolved at run time. */
import { evaluate, type Run, StepFailure } from "../../runtime/step-run.ts";
import type { RunStepOf } from "../run-kind.ts";

const PATH_PARAMETER = /\{([^}/]+)\}/g;

/** A path parameter's value as the path carries it: a non-empty string, or a number as a string. */
function paramValue(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === "") return "an empty string";
  return typeof value === "object" && value !== null ? (Array.isArray(value) ? "an array" : "an object") : JSON.stringify(value);
}

/**
 * The values of the operation's path parameters: each from the step's `params` expression over
 * the record (with the lookups and classes bound), else, for specs written before `params`, from
 * the request body's field of that name. A missing value fails the step, naming the parameter.
 * Only the values `params` gave are returned: the delivery carries them beside the body.
 */
export async function pathParams(
  step: RunStepOf<"deliver">,
  path: string | undefined,
  run: Run,
  body: unknown,
): Promise<Record<string, string> | undefined> {
  const names = path === undefined ? Object.keys(step.params ?? {}) : [...path.matchAll(PATH_PARAMETER)].map((m) => m[1] as string);
  let resolved: Record<string, string> | undefined;
  for (const name of names) {
    const transform = step.params?.[name];
    if (transform === undefined) {
      const field = body !== null && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
      if (paramValue(field) === undefined) {
        throw new StepFailure(
          `step ${step.id}: ${step.system}.${step.operation} needs the path parameter ${name}, which neither the step's params nor the request body gives`,
        );
      }
      continue;
    }
    const raw = await evaluate(run, transform, run.record);
    const value = paramValue(raw);
    if (value === undefined) {
      throw new StepFailure(
        `step ${step.id}: the path parameter ${name} of ${step.system}.${step.operation} has no value (params.${name} gave ${shown(raw)}; it must be a non-empty string or a number)`,
      );
    }
    resolved ??= {};
    resolved[name] = value;
  }
  return resolved;
}

/** A query or header value as it is sent: strings as they are, numbers and booleans written out; empty leaves it out. */
function requestValue(value: unknown): string | undefined | false {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return value;
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean") return String(value);
  return false;
}

/**
 * The values of a deliver step's query and header parameters, each from its expression over the
 * record; one that comes out empty is left out, one that is an object or a list fails the step.
 */
export async function requestParams(step: RunStepOf<"deliver">, run: Run): Promise<{ query: Record<string, string>; headers: Record<string, string> }> {
  const out = { query: {} as Record<string, string>, headers: {} as Record<string, string> };
  for (const where of ["query", "headers"] as const) {
    for (const [name, transform] of Object.entries(step[where] ?? {})) {
      const raw = await evaluate(run, transform, run.record);
      const value = requestValue(raw);
      if (value === false) throw new StepFailure(`step ${step.id}: the ${where === "query" ? "query" : "header"} parameter ${name} of ${step.system}.${step.operation} gave ${shown(raw)}; it must be a string, a number or a boolean`);
      if (value !== undefined) out[where][name] = value;
    }
  }
  return out;
}
