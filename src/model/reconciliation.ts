/** The Reconciliation kind: a comparison between systems that must agree. */
import { type Static, Type } from "@sinclair/typebox";
import { DecimalString, Duration, envelope, FieldPath, Name, strictObject, Team } from "./common.ts";

/**
 * A lookup for a reconciliation source, in the enrich step's terms: reference data or a record
 * the runtime keeps (`reference-data`, possibly as of a date), or another system's id for an id
 * (`xref`), found by fields of the record and bound under `as` for the expressions after it.
 */
export const ReconciliationLookup = strictObject(
  {
    lookup: Type.Union([Type.Literal("reference-data"), Type.Literal("xref")]),
    entity: Type.String(),
    from: Type.Optional(Type.String({ description: "For `xref`: the system whose id the record carries." })),
    to: Type.Optional(Type.String({ description: "For `xref`: the system whose id is wanted." })),
    key: Type.Union([FieldPath, Type.Array(FieldPath, { minItems: 1 })], {
      description: "The field (or, for a composite identity, the fields in the order of the entity's `identity`) whose values are the lookup key.",
    }),
    asOf: Type.Optional(Type.String({ pattern: FieldPath.pattern as string, description: "For `reference-data`: the field holding the date to look up as of (the record in force then)." })),
    as: Name,
  },
  "Looks a record (or an id) up by fields of the record and binds it as `$<as>`; later lookups' keys may read it as the field `<as>`. A lookup that finds nothing leaves `$<as>` unbound, and a record that then cannot be measured is reported with the reason and makes its group a gap.",
);

/**
 * How a source's records are read from the live system: a list or search operation of the system,
 * followed page by page (page numbers, an opaque cursor, or offsets, as Xero and Chargebee page
 * their lists), narrowed to the period by query parameters, each item turned into the canonical
 * entity by a mapping.
 */
export const ReconciliationRead = strictObject(
  {
    operation: Type.Optional(Name),
    state: Type.Optional(Type.Literal(true, { description: "Read the records of the entity the runtime keeps from events (the runtime's own state), instead of calling the system." })),
    items: Type.Optional(FieldPath),
    pagination: Type.Optional(
      strictObject(
        {
          style: Type.Union([Type.Literal("page"), Type.Literal("cursor"), Type.Literal("offset")]),
          param: Type.String({ minLength: 1, description: "The query parameter carrying the page number, the cursor or the offset." }),
          sizeParam: Type.Optional(Type.String({ minLength: 1, description: "The query parameter carrying the page size." })),
          size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: "Records asked for per page (default 100)." })),
          next: Type.Optional(FieldPath),
        },
        "How the list pages: `page` numbers from 1, `offset`s from 0 (both end at a short page), or a `cursor` read from the answer at `next` (ends when absent).",
      ),
    ),
    period: Type.Optional(
      strictObject(
        { from: Type.String({ minLength: 1 }), to: Type.String({ minLength: 1 }) },
        "The query parameters given the period's first and last day (YYYY-MM-DD) when a run reconciles one period.",
      ),
    ),
    lookups: Type.Optional(
      Type.Array(ReconciliationLookup, { minItems: 1, description: "Lookups over each item as the system gives it, bound for the reverse `mapping` by name (its declared lookups)." }),
    ),
    mapping: Type.Optional(Name),
  },
  "Reads the records live: `operation` (a GET), the list at `items` of each answer (default: the first list), `pagination`, `period` filter parameters, and `mapping` (system shape to the canonical entity); or `state: true`, the records the runtime keeps.",
);

export const ReconciliationSource = strictObject(
  {
    name: Name,
    system: Type.String(),
    entity: Type.String({ description: "The canonical entity read from the system." }),
    read: Type.Optional(ReconciliationRead),
    lookups: Type.Optional(
      Type.Array(ReconciliationLookup, { minItems: 1, description: "Lookups over each canonical record, in order, bound for the filter and the measure (`$<as>`)." }),
    ),
    filter: Type.Optional(Type.String({ description: "A JSONata condition selecting the records that count." })),
    measure: Type.String({ description: "A JSONata expression giving each record's amount (a decimal)." }),
  },
  "One side of the comparison: which records of which system, and what each contributes.",
);

export const ReconciliationSpec = strictObject(
  {
    schedule: Type.Optional(Type.String({ description: "A cron expression: five fields (minute hour day-of-month month day-of-week, UTC) or @daily, @weekly, @monthly, @hourly." })),
    every: Type.Optional(Duration),
    groupBy: Type.Array(FieldPath, { minItems: 1, description: "The fields that form a group, for example `projectId`." }),
    period: Type.Optional(Type.Union(["day", "week", "month"].map((p) => Type.Literal(p)))),
    periodField: Type.Optional(FieldPath),
    sources: Type.Array(ReconciliationSource, { minItems: 2 }),
    tolerance: strictObject(
      { absolute: Type.Optional(DecimalString), relative: Type.Optional(DecimalString) },
      "How far the sides may differ and still agree.",
    ),
    onMismatch: strictObject(
      { queue: Name, owner: Team, sla: Type.Optional(Duration) },
      "The exception queue a gap opens in, and its owning team.",
    ),
  },
  "A comparison of several systems' records per group and period, within a tolerance.",
);

export const ReconciliationDocument = envelope("Reconciliation", ReconciliationSpec, "A Reconciliation spec document.");

export type ReconciliationSpec = Static<typeof ReconciliationSpec>;
export type ReconciliationSourceSpec = Static<typeof ReconciliationSource>;
export type ReconciliationReadSpec = Static<typeof ReconciliationRead>;
export type ReconciliationLookupSpec = Static<typeof ReconciliationLookup>;
export type ReconciliationDocument = Static<typeof ReconciliationDocument>;
