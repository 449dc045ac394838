/**
 * Two seams between the example spec set and the runtime that the demo bridges until the runtime
 * does it itself:
 *
 * - Mappings read lookups as bindings (`$project`, `$legalEntity`), as their example tests supply
 *   them, while the runtime's enrich step stores the looked-up value on the record under its `as`
 *   name. Each map and deliver transform is wrapped to pass those record fields as bindings and to
 *   carry them past a map step, so a later mapping still sees them.
 * - Operation paths have parameters (`/customers/{customer-id}/subscriptions`) that the request
 *   body does not carry. The deliver transform adds each parameter's value to the body under its
 *   name, and the demo transport moves it from the body into the path.
 */
import { fetchTransport, type Transport } from "../runtime/delivery/transport.ts";
import type { CompiledSpecSet, PipelineDefinition, PipelineStep, Transform } from "../runtime/pipeline.ts";

type Json = Record<string, unknown>;

/** Where the demo finds a path parameter's value: a record field, or a field of a looked-up value. */
const PARAMETER_SOURCES: Readonly<Record<string, readonly string[]>> = {
  "customer-id": ["clientId", "customer_id"],
  "subscription-id": ["projectId", "subscription_id"],
  TrackingCategoryID: ["legalEntity.projectTrackingCategoryId"],
  projectId: ["projectId"],
  invoiceId: ["invoiceId"],
  paymentId: ["paymentId"],
};

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function at(record: unknown, path: string): unknown {
  let node = record;
  for (const part of path.split(".")) node = isObject(node) ? node[part] : undefined;
  return node;
}

function enrichNames(steps: readonly PipelineStep[], names = new Set<string>()): Set<string> {
  for (const step of steps) {
    if (step.kind === "enrich") names.add(step.as);
    if (step.kind === "branch") for (const branch of step.branches) enrichNames(branch.steps, names);
  }
  return names;
}

function pick(input: unknown, names: ReadonlySet<string>): Json {
  const carried: Json = {};
  if (!isObject(input)) return carried;
  for (const name of names) if (input[name] !== undefined) carried[name] = input[name];
  return carried;
}

function parametersOf(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
}

function wrapSteps(steps: readonly PipelineStep[], names: ReadonlySet<string>, compiled: CompiledSpecSet): PipelineStep[] {
  return steps.map((step): PipelineStep => {
    if (step.kind === "branch") return { ...step, branches: step.branches.map((b) => ({ ...b, steps: wrapSteps(b.steps, names, compiled) })) };
    if (step.kind === "map") {
      const inner = step.transform;
      const transform: Transform = {
        name: inner.name,
        evaluate: async (input, bindings) => {
          const carried = pick(input, names);
          const output = await inner.evaluate(input, { ...bindings, ...carried });
          return isObject(output) ? { ...carried, ...output } : output;
        },
      };
      return { ...step, transform };
    }
    if (step.kind === "deliver") {
      const operation = compiled.systems[step.system]?.operations[step.operation];
      const parameters = operation === undefined ? [] : parametersOf(operation.path);
      const inner = step.transform;
      const transform: Transform = {
        name: inner?.name ?? `${step.id}.body`,
        evaluate: async (input, bindings) => {
          const output = inner === undefined ? input : await inner.evaluate(input, { ...bindings, ...pick(input, names) });
          if (!isObject(output) || parameters.length === 0) return output;
          const body: Json = { ...output };
          for (const parameter of parameters) {
            if (body[parameter] !== undefined) continue;
            const value = (PARAMETER_SOURCES[parameter] ?? [parameter]).map((path) => at(input, path)).find((v) => v !== undefined);
            if (value !== undefined) body[parameter] = value;
          }
          return body;
        },
      };
      return { ...step, transform };
    }
    return step;
  });
}

/** The compiled spec set with the demo's bridges in its transforms. */
export function adaptSpecSet(compiled: CompiledSpecSet): CompiledSpecSet {
  const pipelines = compiled.pipelines.map((p): PipelineDefinition => ({ ...p, steps: wrapSteps(p.steps, enrichNames(p.steps), compiled) }));
  return { ...compiled, pipelines };
}

/** HTTP with path parameters moved from the body into the path. */
export function demoTransport(compiled: CompiledSpecSet, inner: Transport = fetchTransport()): Transport {
  return async (request) => {
    const operation = compiled.systems[request.system]?.operations[request.operation];
    if (operation === undefined || request.body === undefined) return inner(request);
    const parameters = parametersOf(operation.path);
    if (parameters.length === 0) return inner(request);
    const form = operation.encoding === "form";
    const body: Json = form ? Object.fromEntries(new URLSearchParams(request.body)) : (JSON.parse(request.body) as Json);
    let path = operation.path;
    for (const parameter of parameters) {
      path = path.replace(`{${parameter}}`, encodeURIComponent(String(body[parameter] ?? "")));
      delete body[parameter];
    }
    const base = new URL(request.url).origin;
    const encoded = form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body);
    return inner({ ...request, url: `${base}${path}`, body: encoded });
  };
}
