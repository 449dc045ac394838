/**
 * The AsyncAPI 3.0 document of the spec set, `asyncapi.yaml`: a channel per system event and per
 * canonical event, a receive operation per route on its trigger, a send operation per emit step,
 * and the payloads as schemas (entities and systems' native schemas).
 */
import { stringify } from "yaml";
import type { JsonSchema } from "../../../model/index.ts";
import { forEachStep, type SpecSet, type WriteBackEmitter } from "../../check/spec-set.ts";
import type { EmitPlan } from "../typescript/plan.ts";
import type { EmittedFile } from "../typescript/source.ts";
import { publishedEntitySchema } from "./entity-schema.ts";

/** A JSON Pointer segment. */
function pointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Rewrites a system schema's `#/schemas/X` references to the document's components. */
function rewriteRefs(value: unknown, system: string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, system));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const rewritten =
      key === "$ref" && typeof inner === "string"
        ? inner.replace(/^#\/(?:components\/)?schemas\/(.+)$/, (_m, name: string) => `#/components/schemas/${pointer(`${system}.${name}`)}`)
        : rewriteRefs(inner, system);
    Object.defineProperty(out, key, { value: rewritten, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Builds the AsyncAPI document as a plain value. */
export function asyncApiDocument(set: SpecSet): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const entity of [...set.entities.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    schemas[entity.name] = publishedEntitySchema(entity.name, entity.value.spec, entity.value.metadata.description);
  }
  for (const system of [...set.systems.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const native = (system.value.spec.schemas ?? {}) as Record<string, JsonSchema>;
    for (const [name, schema] of Object.entries(native)) schemas[`${system.name}.${name}`] = rewriteRefs(schema, system.name);
    for (const [name, event] of Object.entries(system.value.spec.events ?? {})) {
      const id = `${system.name}.${name}`;
      messages[id] = {
        name: id,
        ...(event.description === undefined ? {} : { summary: event.description }),
        payload: native[event.payload] === undefined ? { type: "object" } : { $ref: `#/components/schemas/${pointer(`${system.name}.${event.payload}`)}` },
      };
      channels[id] = {
        address: event.webhook?.path ?? `${system.name}/${name}`,
        description: `${event.delivery === "webhook" ? "Webhook" : "Polled"} event ${name} of system ${system.name}.`,
        messages: { [name]: { $ref: `#/components/messages/${pointer(id)}` } },
      };
    }
  }
  for (const event of [...set.canonicalEvents.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const id = `canonical.${event.name}`;
    const entity = event.entity !== undefined && set.entities.has(event.entity) ? event.entity : undefined;
    messages[id] = { name: id, payload: entity === undefined ? { type: "object" } : { $ref: `#/components/schemas/${pointer(entity)}` } };
    // A write-back's event carries the record's identity and the fields written back, no more.
    const carried = event.emittedBy.length === 0 && entity !== undefined ? writtenBackFields(set, entity, event.writtenBackBy ?? []) : undefined;
    if (carried !== undefined) {
      const properties = Object.fromEntries(carried.map((field) => [field, { $ref: `#/components/schemas/${pointer(entity as string)}/properties/${pointer(field)}` }]));
      messages[id] = { name: id, payload: { type: "object", required: carried, properties } };
    }
    channels[id] = {
      address: `canonical/${event.name}`,
      description: `Canonical event ${event.name}.`,
      messages: { [event.name]: { $ref: `#/components/messages/${pointer(id)}` } },
    };
  }
  for (const event of set.canonicalEvents.values()) {
    for (const w of event.writtenBackBy ?? []) {
      operations[`${w.system.name}.${w.operation}.write-back`] = {
        action: "send",
        channel: { $ref: `#/channels/${pointer(`canonical.${event.name}`)}` },
        summary: `${w.system.name}.${w.operation}'s answer, written back onto ${w.entity}, announces ${event.name}`,
      };
    }
  }
  for (const route of [...set.routes.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const trigger = route.value.spec.trigger;
    const channel = trigger.event ?? (trigger.canonical === undefined ? undefined : `canonical.${trigger.canonical}`);
    const description = route.value.metadata.description;
    if (channel !== undefined && channels[channel] !== undefined) {
      operations[route.name] = {
        action: "receive",
        channel: { $ref: `#/channels/${pointer(channel)}` },
        summary: `Route ${route.name}`,
        ...(description === undefined ? {} : { description }),
      };
    }
    // The event that voids the route's versioned record triggers the route too.
    const voids = route.value.spec.versioning?.void?.event;
    if (voids !== undefined && channels[voids] !== undefined) {
      operations[`${route.name}.void`] = {
        action: "receive",
        channel: { $ref: `#/channels/${pointer(voids)}` },
        summary: `Route ${route.name}: the event that voids its record, whose postings are reversed`,
      };
    }
    let n = 0;
    forEachStep(route, (step) => {
      const emit = step["emit"] as { event: string } | undefined;
      if (emit === undefined) return;
      operations[`${route.name}.emit-${++n}`] = {
        action: "send",
        channel: { $ref: `#/channels/${pointer(`canonical.${emit.event}`)}` },
        summary: `Route ${route.name} emits ${emit.event}`,
      };
    });
  }
  return {
    asyncapi: "3.0.0",
    info: {
      title: "syncspec events and routes",
      version: "1.0.0",
      description: "The system events, canonical events and routes of the spec set.",
    },
    channels,
    operations,
    components: { schemas, messages },
  };
}

/** Emits `asyncapi.yaml`. */
export function asyncApiFile(set: SpecSet, plan: EmitPlan): EmittedFile {
  const header = `# @generated by syncspec from ${plan.setPath.replace(/[^A-Za-z0-9._/@+, -]/g, "_")}. Do not edit.`;
  const body = stringify(asyncApiDocument(set), { lineWidth: 0, aliasDuplicateObjects: false });
  return { path: "asyncapi.yaml", text: `${header}\n${body}` };
}

/** The fields a write-back's event carries: the entity's identity and the fields written back, undefined when none announces it. */
function writtenBackFields(set: SpecSet, entity: string, emitters: readonly WriteBackEmitter[]): string[] | undefined {
  if (emitters.length === 0) return undefined;
  const identity = set.entities.get(entity)?.value.spec.identity ?? [];
  return [...new Set([...identity, ...emitters.filter((e) => e.entity === entity).flatMap((e) => e.fields)])];
}
