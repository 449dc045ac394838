import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { judgeChanges } from "../../src/compiler/breaking/breaking.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { edit, type SpecFiles, writeSet } from "../lint/lint-helpers.ts";
import { cleanSet, paths } from "../lint/rules/cases.ts";

function load(files: SpecFiles) {
  const root = writeSet(files);
  const program = loadProgram({ cwd: root });
  rmSync(root, { recursive: true, force: true });
  expect(program.diagnostics.map((d) => d.message)).toEqual([]);
  return program.set;
}

function changes(previous: SpecFiles, current: SpecFiles): string[] {
  return judgeChanges(load(previous), load(current), "stored-data").changes.map((c) => `${c.violation ? "violation" : c.breaking ? "breaking" : "ok"} ${c.class}: ${c.message}`);
}

const withMemo = edit(
  edit(cleanSet, paths.ERP, "        hours: { type: string }\n", "        hours: { type: string }\n        memo: { type: string }\n"),
  paths.MAPPING,
  '"hours": $string(minutes / 60) }',
  '"hours": $string(minutes / 60), "memo": "time" }',
);
/** The clean set with the ERP owning TimeEntry.billAmount and writing it back from its answer, announced as `timeWritten` when `emit`. */
function withWriteBack(emit: boolean): SpecFiles {
  const owned = edit(cleanSet, paths.OWNERSHIP, "  replicas: [erp]\n", "  replicas: [erp]\n  fields: { billAmount: { systemOfRecord: erp } }\n");
  const writeBack = `      writeBack: { entity: TimeEntry, key: request.reference, fields: { billAmount: answer.amount }${emit ? ", emit: timeWritten" : ""} }\n`;
  return edit(owned, paths.ERP, "      idempotency: { mechanism: upsert, externalIdField: reference }\n", `      idempotency: { mechanism: upsert, externalIdField: reference }\n${writeBack}`);
}

const withEmit = edit(cleanSet, paths.ROUTE, "    - deliver: { operation: erp.upsertTime }\n", "    - deliver: { operation: erp.upsertTime }\n    - emit: { event: timePosted, entity: TimeEntry }\n");

/** The clean set with a route that keeps each approved entry as a TimeEntry, versioned by `version`. */
function withKeep(version: string | undefined): SpecFiles {
  const keep = version === undefined ? "{ entity: TimeEntry }" : `{ entity: TimeEntry, version: ${version} }`;
  return {
    ...cleanSet,
    "specs/mappings/time-to-entry.yaml": `apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: time-to-entry, version: 1.0.0, team: finance-ops, description: "An approved entry as the canonical TimeEntry." }
spec:
  source: { system: psa, schema: TimeEntry }
  target: { entity: TimeEntry }
  expression: '{ "timeEntryId": timeEntryId, "hours": $string(minutes / 60) }'
`,
    "specs/routes/keep-entries.yaml": `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: keep-entries, version: 1.0.0, team: finance-ops, description: "Keeps approved entries." }
spec:
  trigger: { event: psa.timeApproved }
  idempotencyKey: [timeEntryId]
  steps:
    - map: time-to-entry
    - keep: ${keep}
`,
  };
}

/** The clean set with an ERP operation that reverses a journal and a PSA event that voids an entry. */
function correctable(): SpecFiles {
  return edit(
    edit(cleanSet, paths.ERP, "  operations:\n", "  operations:\n    reverseTime: { method: POST, path: /journals/reversals, effect: create, request: Journal, idempotency: { mechanism: upsert, externalIdField: reference } }\n"),
    paths.PSA,
    "  events:\n",
    "  events:\n    timeVoided: { delivery: webhook, payload: TimeEntry, webhook: { path: /hooks/voided, authentication: { bearer: { token: { secret: psa/hook-token } } } } }\n",
  );
}

/** The clean set with its route versioned by `minutes`, its deliver step correcting as `correction` says. */
function versioned(identity: string, correction = "{ update: { operation: erp.upsertTime } }", extra = ""): SpecFiles {
  return edit(
    edit(correctable(), paths.ROUTE, "orderingKey: [timeEntryId]", `orderingKey: [timeEntryId]\n  versioning: { identity: ${identity}, version: minutes${extra} }`),
    paths.ROUTE,
    "    - deliver: { operation: erp.upsertTime }\n",
    `    - deliver: { operation: erp.upsertTime, correction: ${correction} }\n`,
  );
}

const HOOK_AUTH = " bearer: { token: { secret: psa/hook-token } } ";

const rejecting = (queue: string) =>
  edit(
    cleanSet,
    paths.ROUTE,
    "    - deliver: { operation: erp.upsertTime }\n",
    `    - id: no-minutes\n      when: hours = "0"\n      reject: { reason: no-minutes, message: '"no hours: " & hours', queue: ${queue}, owner: finance-ops }\n    - deliver: { operation: erp.upsertTime }\n`,
  );

/** A rejection released (when `equals` is given) once the kept TimeEntry's currency holds it. */
const releasing = (equals: string | undefined) => {
  const release = equals === undefined ? "" : `, release: { entity: TimeEntry, key: reference, field: currency, equals: ${equals} }`;
  return { ...edit(rejecting("time-review"), paths.ROUTE, "queue: time-review, owner: finance-ops }", `queue: time-review, owner: finance-ops${release} }`), "specs/routes/keep-entries.yaml": withKeep(undefined)["specs/routes/keep-entries.yaml"]!, "specs/mappings/time-to-entry.yaml": withKeep(undefined)["specs/mappings/time-to-entry.yaml"]! };
};

const table: { name: string; previous: SpecFiles; current: SpecFiles; expected: string[] }[] = [
  {
    name: "a narrowed field type",
    previous: cleanSet,
    current: edit(cleanSet, paths.ENTITY, "hours: { type: decimal, scale: 2, required: true }", "hours: { type: integer, required: true }"),
    expected: ["violation field-type-changed: field TimeEntry.hours changed type from decimal to integer"],
  },
  {
    name: "a renamed field, as a removal that names the likely new name",
    previous: cleanSet,
    current: edit(cleanSet, paths.ENTITY, "    hours: { type: decimal, scale: 2, required: true }\n", "    hoursWorked: { type: decimal, scale: 2, required: true }\n"),
    expected: ["violation field-removed: field TimeEntry.hours was removed (renamed to hoursWorked?)", "violation required-field-added: field TimeEntry.hoursWorked was added, required"],
  },
  {
    name: "a required field added: producers must send it and stored records lack it",
    previous: cleanSet,
    current: edit(cleanSet, paths.ENTITY, "    hours: { type: decimal, scale: 2, required: true }\n", "    hours: { type: decimal, scale: 2, required: true }\n    sourceVersion: { type: integer, required: true }\n"),
    expected: ["violation required-field-added: field TimeEntry.sourceVersion was added, required"],
  },
  {
    name: "an optional field made required",
    previous: cleanSet,
    current: edit(cleanSet, paths.ENTITY, "billAmount: { type: money, currencyField: currency }", "billAmount: { type: money, currencyField: currency, required: true }"),
    expected: ["violation field-made-required: field TimeEntry.billAmount was optional and is now required"],
  },
  {
    name: "ownership moved to another system",
    previous: edit(cleanSet, paths.OWNERSHIP, "  replicas: [erp]\n", "  replicas: [erp]\n  fields:\n    hours: { systemOfRecord: psa }\n"),
    current: edit(cleanSet, paths.OWNERSHIP, "  replicas: [erp]\n", "  replicas: [erp]\n  fields:\n    hours: { systemOfRecord: erp }\n"),
    expected: ["violation ownership-moved: the owner of TimeEntry.hours moved from psa to erp"],
  },
  {
    name: "a route's trigger changed to another event",
    previous: edit(cleanSet, paths.PSA, "  events:\n", "  events:\n    timeEdited: { delivery: webhook, payload: TimeEntry, webhook: { path: /hooks/time-edited, authentication: { none: { reason: \"internal network\" } } } }\n"),
    current: edit(
      edit(cleanSet, paths.PSA, "  events:\n", "  events:\n    timeEdited: { delivery: webhook, payload: TimeEntry, webhook: { path: /hooks/time-edited, authentication: { none: { reason: \"internal network\" } } } }\n"),
      paths.ROUTE,
      "trigger: { event: psa.timeApproved }",
      "trigger: { event: psa.timeEdited }",
    ),
    expected: [
      "violation trigger-changed: the route's trigger changed from event psa.timeApproved to event psa.timeEdited: events stored from the old trigger and the senders configured for it no longer match",
    ],
  },
  {
    name: "a route that stops keeping an entity's records",
    previous: withKeep(undefined),
    current: edit(withKeep(undefined), "specs/routes/keep-entries.yaml", "    - keep: { entity: TimeEntry }\n", ""),
    expected: ["violation kept-record-removed: the route no longer keeps TimeEntry records: lookups of TimeEntry stop seeing the changes it brought"],
  },
  {
    name: "kept records versioned by another field",
    previous: edit(withKeep(undefined), "specs/entities/time-entry.yaml", "    currency: { type: currency }\n", "    currency: { type: currency }\n    approvedAt: { type: datetime }\n"),
    current: edit(withKeep("approvedAt"), "specs/entities/time-entry.yaml", "    currency: { type: currency }\n", "    currency: { type: currency }\n    approvedAt: { type: datetime }\n"),
    expected: [
      "violation kept-version-changed: the TimeEntry records it keeps are versioned by approvedAt instead of arrival order: the versions already kept compare against another field",
    ],
  },
  {
    name: "an ordering key changed",
    previous: cleanSet,
    current: edit(cleanSet, paths.ROUTE, "orderingKey: [timeEntryId]", "orderingKey: [minutes]"),
    expected: ["violation ordering-key-changed: the ordering key changed from [timeEntryId] to [minutes]"],
  },
  {
    name: "a route that starts versioning its record and correcting what it posted",
    previous: correctable(),
    current: versioned("[timeEntryId]"),
    expected: [
      "violation versioning-added: the route now versions its record by minutes: records posted before keep no posting, so their next version posts as a first one",
      "ok correction-added: step erp.upsertTime now corrects a newer version's posting: update through erp.upsertTime",
    ],
  },
  {
    name: "a versioned record's version field changed",
    previous: versioned("[timeEntryId]"),
    current: versioned("[timeEntryId, minutes]"),
    expected: ["violation versioning-changed: the record's identity and version changed from [timeEntryId] by minutes to [timeEntryId, minutes] by minutes: the postings kept no longer match"],
  },
  {
    name: "a route that stops versioning its record and correcting what it posted",
    previous: versioned("[timeEntryId]"),
    current: correctable(),
    expected: [
      "violation versioning-changed: the route no longer versions its record: stale and duplicate versions are posted again",
      "violation correction-removed: step erp.upsertTime no longer corrects what it posted (update through erp.upsertTime): the postings it made stay as they are when their record changes",
    ],
  },
  {
    name: "a correction that changes its way, compatible with nothing the target holds",
    previous: versioned("[timeEntryId]"),
    current: versioned("[timeEntryId]", "{ reverse: { operation: erp.reverseTime } }"),
    expected: ["violation correction-changed: step erp.upsertTime now corrects by reverse through erp.reverseTime instead of update through erp.upsertTime: the target receives another request for the records it already holds"],
  },
  {
    name: "a record now voided by an event of its source",
    previous: versioned("[timeEntryId]", "{ reverse: { operation: erp.reverseTime } }"),
    current: versioned("[timeEntryId]", "{ reverse: { operation: erp.reverseTime } }", ", void: { event: psa.timeVoided }"),
    expected: ["violation void-event-changed: the record is now voided by psa.timeVoided: the route is triggered by it too"],
  },
  {
    name: "a mapping that stops setting a field, and the property removed from the system's schema",
    previous: withMemo,
    current: cleanSet,
    expected: ["violation mapping-output-changed: the mapping no longer sets memo", "violation schema-property-removed: property memo of schema erp.Journal was removed"],
  },
  {
    name: "a canonical event no longer emitted",
    previous: withEmit,
    current: cleanSet,
    expected: ["violation canonical-event-removed: canonical event timePosted is no longer emitted"],
  },
  {
    name: "a write-back's event no longer announced",
    previous: withWriteBack(true),
    current: withWriteBack(false),
    expected: ["violation canonical-event-removed: canonical event timeWritten is no longer emitted"],
  },
  {
    name: "a field no longer shown in a system that held a replica of it",
    previous: edit(cleanSet, paths.OWNERSHIP, "  replicas: [erp]\n", "  replicas: [erp]\n  fields: { billAmount: { systemOfRecord: erp, replicas: [psa] } }\n"),
    current: edit(cleanSet, paths.OWNERSHIP, "  replicas: [erp]\n", "  replicas: [erp]\n  fields: { billAmount: { systemOfRecord: erp } }\n"),
    expected: ["violation field-replica-removed: psa no longer holds a replica of TimeEntry.billAmount: routes that show it there stop"],
  },
  {
    name: "a removed system event, allowed by a major version bump",
    previous: edit(cleanSet, paths.PSA, "  events:\n", "  events:\n    timeDeleted: { delivery: webhook, payload: TimeEntry, webhook: { path: /hooks/deleted } }\n"),
    current: edit(cleanSet, paths.PSA, "version: 1.0.0", "version: 2.0.0"),
    expected: ["breaking event-removed: event psa.timeDeleted was removed"],
  },
  {
    name: "a removed document, allowed when it was deprecated first",
    previous: { ...edit(cleanSet, paths.ROUTE, "  version: 1.0.0\n", "  version: 1.0.0\n  deprecated: true\n") },
    current: Object.fromEntries(Object.entries(cleanSet).filter(([path]) => path !== paths.ROUTE)),
    expected: ["breaking document-removed: Route time-to-erp was removed"],
  },
  {
    name: "credentials added to a webhook that had none, as breaking the sender until it sends them",
    previous: edit(cleanSet, paths.PSA, HOOK_AUTH, ' none: { reason: "private link" } '),
    current: cleanSet,
    expected: ["violation webhook-authentication-changed: webhook psa.timeApproved now requires a bearer token (was nothing): configure the sender to match before deploying"],
  },
  {
    name: "a webhook's credentials changed from a bearer token to HTTP basic",
    previous: cleanSet,
    current: edit(cleanSet, paths.PSA, HOOK_AUTH, " basic: { username: { env: HOOK_USER }, password: { secret: psa/hook-password } } "),
    expected: ["violation webhook-authentication-changed: webhook psa.timeApproved now requires HTTP basic credentials (was a bearer token): configure the sender to match before deploying"],
  },
  {
    name: "a reject step added, as compatible",
    previous: cleanSet,
    current: rejecting("time-review"),
    expected: ["ok rejection-added: the route now rejects as no-minutes into time-review (finance-ops)"],
  },
  {
    name: "a reject step's queue changed, as breaking the rejections already open",
    previous: rejecting("time-review"),
    current: rejecting("finance-review"),
    expected: ["violation rejection-queue-changed: rejections as no-minutes now go to finance-review (finance-ops), not time-review (finance-ops): those already open stay in time-review"],
  },
  {
    name: "a release added to a reject step, as compatible",
    previous: releasing(undefined),
    current: releasing("EUR"),
    expected: ["ok rejection-release-added: rejections as no-minutes are now released when TimeEntry reference has currency 'EUR': those already open wait for a person"],
  },
  {
    name: "a reject step's release changed, as breaking the rejections already open",
    previous: releasing("EUR"),
    current: releasing("GBP"),
    expected: ["violation rejection-release-changed: rejections as no-minutes are now released when TimeEntry reference has currency 'GBP': those already open are still released when TimeEntry reference has currency 'EUR'"],
  },
  {
    name: "a reject step's release removed",
    previous: releasing("EUR"),
    current: releasing(undefined),
    expected: ["violation rejection-release-changed: rejections as no-minutes are no longer released on their own: those already open are still released when TimeEntry reference has currency 'EUR'"],
  },
  {
    name: "a reject step removed",
    previous: rejecting("time-review"),
    current: cleanSet,
    expected: ["violation rejection-removed: the route no longer rejects as no-minutes: rejections already open in time-review are raised by no step"],
  },
  {
    name: "a webhook's credentials removed, as compatible",
    previous: cleanSet,
    current: edit(cleanSet, paths.PSA, HOOK_AUTH, ' none: { reason: "private link" } '),
    expected: ["ok webhook-authentication-removed: webhook psa.timeApproved no longer authenticates its sender (was a bearer token)"],
  },
];

describe("comparing spec sets", () => {
  it.each(table)("classifies $name", ({ previous, current, expected }) => {
    expect(changes(previous, current)).toEqual(expected);
  });

  it("classifies a removed entity, its ownership and a system as breaking without deprecation", () => {
    const current = Object.fromEntries(Object.entries(edit(cleanSet, paths.ERP, "      entity: TimeEntry\n", "")).filter(([p]) => ![paths.ENTITY, paths.OWNERSHIP, paths.PSA, paths.MAPPING, paths.ROUTE].includes(p as never)));
    expect(changes(cleanSet, current)).toEqual([
      "violation entity-removed: Entity TimeEntry was removed",
      "violation document-removed: Mapping time-to-journal was removed",
      "violation document-removed: Ownership time-entry was removed",
      "violation document-removed: Route time-to-erp was removed",
      "violation document-removed: System psa was removed",
    ]);
  });
});
