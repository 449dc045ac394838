/** The Reconciliation kind: a comparison between systems that must agree. */
import { type Static, Type } from "@sinclair/typebox";
import { DecimalString, Duration, envelope, FieldPath, Name, strictObject, Team } from "./common.ts";

export const ReconciliationSource = strictObject(
  {
    name: Name,
    system: Type.String(),
    entity: Type.String({ description: "The canonical entity read from the system." }),
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
export type ReconciliationDocument = Static<typeof ReconciliationDocument>;
