/**
 * `spec docs`: a catalogue of the spec set (systems, entities with owners and PII, routes with
 * steps, policies, SLA and a flowchart each, mappings with field-level lineage and their tests,
 * reconciliations) with Mermaid diagrams of the route graph and the ownership map. Rendered by
 * Handlebars from precompiled templates in strict mode: spec text is only ever data, escaped on
 * output; no template or helper comes from a spec.
 */
import Handlebars from "handlebars";
import type { RouteSpec, Step, SystemEvent } from "../../../model/index.ts";
import type { ReconciliationLookupSpec, ReconciliationReadSpec } from "../../../model/reconciliation.ts";
import { type BoundDocument, forEachStep, type SpecSet } from "../../check/spec-set.ts";
import type { EmittedFile } from "../typescript/source.ts";
import { ownershipGraph, routeGraph, toMermaid } from "./graph.ts";
import { mappingsView } from "./mappings-view.ts";
import { routeFlow, stepAction } from "./route-flow.ts";
import { allViews, renderView } from "./views.ts";
import { templates } from "./templates.generated.ts";

/** Where the docs load Mermaid from when no local copy is given. */
export const MERMAID_CDN = "https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.min.js";

const none = "—";
const sorted = <T extends { name: string }>(values: Iterable<T>) => [...values].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const anchor = (kind: string, name: string) => `${kind}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-");
const valueRef = (ref: { env: string } | { secret: string }) => ("env" in ref ? `env ${ref.env}` : `secret ${ref.secret}`);

/** How a webhook's sender proves who it is, in a sentence: signature and credentials, or none with its reason. */
function webhookAuthentication(webhook: NonNullable<SystemEvent["webhook"]>): string {
  const parts: string[] = [];
  const sig = webhook.signature;
  if (sig !== undefined) parts.push(`${sig.scheme} signature in ${sig.header} (key: ${valueRef(sig.secret)})`);
  const auth = webhook.authentication;
  if (auth?.basic !== undefined) parts.push(`HTTP basic (user: ${valueRef(auth.basic.username)}, password: ${valueRef(auth.basic.password)})`);
  if (auth?.bearer !== undefined) parts.push(`bearer token (${valueRef(auth.bearer.token)})`);
  if (auth?.none !== undefined) parts.push(`none: ${auth.none.reason}`);
  return parts.length === 0 ? "none declared: anyone who reaches the path can send events" : parts.join("; ");
}

function routeView(route: BoundDocument<"Route">) {
  const spec = route.value.spec;
  const steps: { id: string; action: string; when: string }[] = [];
  forEachStep(route, (raw, path) => {
    const step = raw as Step;
    const depth = path.filter((p) => p === "branch").length;
    steps.push({ id: step.id ?? path.filter((p) => typeof p === "number").map((n) => Number(n) + 1).join("."), action: `${"↳ ".repeat(depth)}${stepAction(step)}`, when: step.when ?? "" });
  });
  const p = spec.policies ?? {};
  const policies = [
    { name: "retry", value: p.retry === undefined ? none : `${p.retry.maxAttempts} attempts, ${p.retry.backoff} from ${p.retry.initialDelay} to ${p.retry.maxDelay}, jitter ${p.retry.jitter ?? "full"}` },
    { name: "timeout", value: p.timeout ?? none },
    { name: "circuit breaker", value: p.circuitBreaker === undefined ? none : `opens after ${p.circuitBreaker.failureThreshold} failures for ${p.circuitBreaker.resetAfter}` },
    { name: "dead letter", value: p.deadLetter?.queue ?? none },
    { name: "exceptions", value: p.exceptions === undefined ? none : `${p.exceptions.queue}, owned by ${p.exceptions.owner}${p.exceptions.sla === undefined ? "" : `, SLA ${p.exceptions.sla}`}` },
  ];
  const t = spec.trigger;
  return {
    anchor: anchor("route", route.name),
    name: route.name,
    version: route.value.metadata.version ?? "",
    description: route.value.metadata.description ?? "",
    trigger: t.event ?? (t.canonical !== undefined ? `canonical ${t.canonical}` : `schedule ${t.schedule ?? ""}`),
    idempotencyKey: (spec.idempotencyKey ?? []).join(", ") || none,
    orderingKey: (spec.orderingKey ?? []).join(", ") || none,
    versioning:
      spec.versioning === undefined
        ? none
        : `identity ${spec.versioning.identity.join(", ")}, version ${spec.versioning.version} (stale and duplicate versions are ignored; a newer version is corrected as each deliver step declares)${spec.versioning.void === undefined ? "" : `, voided by ${spec.versioning.void.event} (what stands posted is reversed, nothing is posted)`}`,
    sla: spec.sla === undefined ? none : `within ${spec.sla.within}${spec.sla.description === undefined ? "" : ` (${spec.sla.description})`}`,
    steps,
    policies,
    measures: Object.entries(spec.measures ?? {}).map(([name, m]) => ({ name, description: m.description, reads: measureReads(m), objective: m.objective === undefined ? none : String(m.objective) })),
    flow: toMermaid(routeFlow(route), "TD"),
  };
}

/** How a reconciliation source is read from the live system, as a sentence fragment. */
function readOf(read: ReconciliationReadSpec | undefined): string {
  if (read === undefined) return "not read live (records given to spec reconcile --records)";
  if (read.state === true) return `the records the runtime keeps${read.mapping === undefined ? "" : `, mapped by ${read.mapping}`}`;
  const pages = read.pagination === undefined ? "one call" : `${read.pagination.style} pagination on '${read.pagination.param}'`;
  const lookups = read.lookups === undefined ? "" : ` (looking up ${lookupsOf(read.lookups)})`;
  return `${read.operation ?? ""}, ${pages}${read.period === undefined ? "" : `, period in '${read.period.from}'..'${read.period.to}'`}${read.mapping === undefined ? "" : `, mapped by ${read.mapping}${lookups}`}`;
}

/** A source's lookups as a sentence fragment: what each finds, by what, bound as which variable. */
function lookupsOf(lookups: readonly ReconciliationLookupSpec[] | undefined): string {
  if (lookups === undefined) return "";
  return lookups
    .map((l) => {
      const key = typeof l.key === "string" ? l.key : l.key.join(", ");
      const what = l.lookup === "xref" ? `the ${l.to ?? "?"} id of ${l.entity} ${l.from ?? "?"} id` : l.entity;
      return `$${l.as}: ${what} by ${key}${l.asOf === undefined ? "" : ` as of ${l.asOf}`}`;
    })
    .join("; ");
}

/** What a measure reads, as a sentence fragment. */
function measureReads(m: NonNullable<RouteSpec["measures"]>[string]): string {
  if (m.latency !== undefined) return `time from acceptance to the delivery of step ${m.latency.to} (p50, p90)`;
  if (m.pending !== undefined) return `events whose delivery of step ${m.pending.step} is not made`;
  return `open exceptions${m.exceptions?.reason === undefined ? "" : ` whose reason mentions "${m.exceptions.reason}"`}`;
}

/** The data the catalogue template renders: plain strings and lists, nothing else. */
export function catalogueModel(set: SpecSet, setPath: string, mermaidUrl: string) {
  return {
    title: "Integration catalogue",
    setPath,
    mermaidUrl,
    routeGraph: toMermaid(routeGraph(set)),
    ownershipGraph: toMermaid(ownershipGraph(set)),
    systems: sorted(set.systems.values()).map((system) => {
      const spec = system.value.spec;
      const q = spec.quotas;
      return {
        anchor: anchor("system", system.name),
        name: system.name,
        role: spec.role,
        description: system.value.metadata.description ?? "",
        baseUrl: valueRef(spec.baseUrl),
        auth: spec.auth.type,
        quotas: q === undefined ? none : `${q.requestsPerMinute}/min${q.burst === undefined ? "" : `, burst ${q.burst}`}${q.concurrency === undefined ? "" : `, ${q.concurrency} at once`}${q.requestsPerDay === undefined ? "" : `, ${q.requestsPerDay}/day`}`,
        timeout: spec.timeout ?? none,
        operations: Object.entries(spec.operations ?? {}).map(([name, op]) => ({
          name,
          method: op.method,
          path: op.path,
          effect: op.effect,
          entity: op.entity ?? none,
          idempotency: op.idempotency === undefined ? "none" : `${op.idempotency.mechanism}${op.idempotency.header === undefined ? "" : ` ${op.idempotency.header}`}${op.idempotency.externalIdField === undefined ? "" : ` by ${op.idempotency.externalIdField}`}`,
          writeBack: writeBackOf(op.writeBack) ?? none,
        })),
        events: Object.entries(spec.events ?? {}).map(([name, event]) => ({
          name,
          delivery: event.delivery,
          payload: event.payload,
          entity: event.entity ?? none,
          authentication: event.webhook === undefined ? none : webhookAuthentication(event.webhook),
        })),
      };
    }),
    entities: sorted(set.entities.values()).map((entity) => {
      const ownership = set.ownershipOf.get(entity.name)?.value.spec;
      return {
        anchor: anchor("entity", entity.name),
        name: entity.name,
        version: entity.value.metadata.version ?? "",
        description: entity.value.metadata.description ?? "",
        owner: ownership?.systemOfRecord ?? "no ownership declared",
        steward: ownership?.steward ?? none,
        identity: entity.value.spec.identity.join(", "),
        fields: Object.entries(entity.value.spec.fields).map(([name, field]) => ({
          name,
          type: field.type === "reference" ? `reference to ${field.entity ?? "?"}` : field.type === "enum" ? `enum: ${(field.values ?? []).join(", ")}` : field.type,
          required: field.required === true ? "yes" : "no",
          classification: field.classification ?? "internal",
          pii: field.classification === "pii",
          owner: fieldOwner(ownership?.fields?.[name]) ?? ownership?.systemOfRecord ?? none,
          description: field.description ?? "",
        })),
      };
    }),
    routes: sorted(set.routes.values()).map(routeView),
    mappings: mappingsView(set, anchor),
    reconciliations: sorted(set.reconciliations.values()).map((rec) => {
      const spec = rec.value.spec;
      return {
        anchor: anchor("reconciliation", rec.name),
        name: rec.name,
        description: rec.value.metadata.description ?? "",
        schedule: spec.schedule ?? (spec.every === undefined ? none : `every ${spec.every}`),
        groupBy: spec.groupBy.join(", "),
        period: spec.period ?? "",
        tolerance: [spec.tolerance.absolute === undefined ? "" : `±${spec.tolerance.absolute}`, spec.tolerance.relative === undefined ? "" : `±${spec.tolerance.relative} relative`].filter((t) => t !== "").join(", ") || "exact",
        queue: spec.onMismatch.queue,
        owner: spec.onMismatch.owner,
        sources: spec.sources.map((s) => ({ name: s.name, system: s.system, entity: s.entity, filter: s.filter ?? "", measure: s.measure, lookups: lookupsOf(s.lookups), read: readOf(s.read) })),
      };
    }),
  };
}

/** What an operation's answer writes back, and the event that announces it. */
function writeBackOf(writeBack: { entity: string; fields: Record<string, string>; emit?: string } | undefined): string | undefined {
  if (writeBack === undefined) return undefined;
  const fields = Object.keys(writeBack.fields).map((field) => `${writeBack.entity}.${field}`).join(", ");
  return writeBack.emit === undefined ? fields : `${fields}; announces ${writeBack.emit}`;
}

/** A separately owned field's owner, with the systems that show a replica of it. */
function fieldOwner(owner: { systemOfRecord: string; replicas?: string[] } | undefined): string | undefined {
  if (owner === undefined) return undefined;
  return owner.replicas === undefined || owner.replicas.length === 0 ? owner.systemOfRecord : `${owner.systemOfRecord} (shown in ${owner.replicas.join(", ")})`;
}

const catalogue = Handlebars.template(templates.catalogue as unknown as TemplateSpecification);
type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

/**
 * Renders the docs: `index.html`, and each diagram as a `.mmd` file of its own (the route graph,
 * the ownership map, and `routes/<name>.mmd` per route).
 */
export function renderDocs(set: SpecSet, setPath: string, mermaidUrl = MERMAID_CDN): EmittedFile[] {
  const model = catalogueModel(set, setPath, mermaidUrl);
  const header = `%% @generated by syncspec from ${setPath.replace(/[^A-Za-z0-9._/@+, -]/g, "_")}. Do not edit.\n`;
  return [{ path: "index.html", text: catalogue(model) }, ...allViews(set).map((view) => ({ path: `${view.file}.mmd`, text: `${header}${renderView(view, "mermaid")}` }))];
}
