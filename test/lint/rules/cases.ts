/**
 * The failing and passing spec sets of each built-in rule's table, as edits of the clean set.
 * Each rule's test file pairs these with the exact findings expected.
 */
import { cleanSet, edit, type SpecFiles } from "../lint-helpers.ts";

const PSA = "specs/systems/psa.yaml";
const ERP = "specs/systems/erp.yaml";
const ENTITY = "specs/entities/time-entry.yaml";
const OWNERSHIP = "specs/ownership/time-entry.yaml";
const MAPPING = "specs/mappings/time-to-journal.yaml";
const ROUTE = "specs/routes/time-to-erp.yaml";

/** File paths of the clean set, for the tables. */
export const paths = { PSA, ERP, ENTITY, OWNERSHIP, MAPPING, ROUTE } as const;

function without(files: SpecFiles, path: string): SpecFiles {
  const out = { ...files };
  delete out[path];
  return out;
}

/** The clean set plus a route carrying TimeEntry changes from the ERP back to the PSA. */
export function withReturnRoute(guard: string): SpecFiles {
  let files = edit(cleanSet, ERP, "  operations:\n", `  events:
    timeChanged:
      delivery: webhook
      payload: Journal
      entity: TimeEntry
      webhook: { path: /hooks/journal }
  operations:
`);
  files = edit(files, PSA, "  events:\n", `  operations:
    updateTime:
      method: PATCH
      path: /time/{id}
      effect: update
      entity: TimeEntry
  events:
`);
  const route = (cleanSet[ROUTE] ?? "")
    .replace("name: time-to-erp", "name: erp-to-psa")
    .replace("event: psa.timeApproved }", `event: erp.timeChanged }${guard}`)
    .replace("idempotencyKey: [timeEntryId]", "idempotencyKey: [reference]")
    .replace("orderingKey: [timeEntryId]", "orderingKey: [reference]")
    .replace("    - map: time-to-journal\n", "")
    .replace("erp.upsertTime", "psa.updateTime, params: { id: reference }");
  return { ...files, "specs/routes/erp-to-psa.yaml": route };
}

export const cases = {
  noOwnership: without(cleanSet, OWNERSHIP),
  nestedOwners: edit(
    edit(cleanSet, ENTITY, "    currency: { type: currency }\n", "    currency: { type: currency }\n    rates:\n      type: object\n      fields:\n        bill: { type: decimal }\n"),
    OWNERSHIP,
    "  replicas: [erp]\n",
    "  replicas: [erp]\n  fields:\n    rates: { systemOfRecord: erp }\n    rates.bill: { systemOfRecord: psa }\n",
  ),
  notAHolder: edit(cleanSet, OWNERSHIP, "  create: [psa, erp]\n  replicas: [erp]\n", "  create: [psa]\n"),
  notAHolderCorrected: edit(
    edit(edit(cleanSet, OWNERSHIP, "  create: [psa, erp]\n  replicas: [erp]\n", "  create: [psa]\n"), ROUTE, "  orderingKey: [timeEntryId]\n", "  orderingKey: [timeEntryId]\n  versioning: { identity: [timeEntryId], version: minutes }\n"),
    ROUTE,
    "    - deliver: { operation: erp.upsertTime }\n",
    "    - deliver: { operation: erp.upsertTime, correction: { update: { operation: erp.upsertTime } } }\n",
  ),
  fieldOwnedElsewhere: edit(cleanSet, OWNERSHIP, "  replicas: [erp]\n", "  update: [psa, erp]\n  fields:\n    hours: { systemOfRecord: psa }\n"),
  fieldUpdaterAllowed: edit(cleanSet, OWNERSHIP, "  replicas: [erp]\n", "  update: [psa, erp]\n  fields:\n    hours: { systemOfRecord: psa, update: [erp] }\n"),
  fieldReplicaAllowed: edit(cleanSet, OWNERSHIP, "  replicas: [erp]\n", "  update: [psa, erp]\n  fields:\n    hours: { systemOfRecord: psa, replicas: [erp] }\n"),
  createNotAllowed: edit(cleanSet, OWNERSHIP, "  create: [psa, erp]\n", "  create: [psa]\n"),
  loop: withReturnRoute(""),
  loopGuarded: withReturnRoute("\n  guard: { ignoreOrigin: [psa] }"),
  noIdempotencyKey: edit(cleanSet, ROUTE, "  idempotencyKey: [timeEntryId]\n", ""),
  noRetry: edit(cleanSet, ROUTE, "    retry: { maxAttempts: 5, backoff: exponential, initialDelay: 1s, maxDelay: 1m }\n", ""),
  noTimeout: edit(cleanSet, ROUTE, "    timeout: 30s\n", ""),
  noDeadLetter: edit(cleanSet, ROUTE, "    deadLetter: { queue: time-dlq }\n", ""),
  noExceptions: edit(cleanSet, ROUTE, "    exceptions: { queue: time-exceptions, owner: finance-ops }\n", ""),
  noPolicies: edit(
    cleanSet,
    ROUTE,
    "  policies:\n    retry: { maxAttempts: 5, backoff: exponential, initialDelay: 1s, maxDelay: 1m }\n    timeout: 30s\n    deadLetter: { queue: time-dlq }\n    exceptions: { queue: time-exceptions, owner: finance-ops }\n",
    "",
  ),
  noOrderingKey: edit(cleanSet, ROUTE, "  orderingKey: [timeEntryId]\n", ""),
  authMissingKey: edit(cleanSet, ERP, "    key: { secret: erp/api-key }\n", ""),
  authNone: edit(cleanSet, ERP, "    type: api-key\n    header: X-Api-Key\n    key: { secret: erp/api-key }\n", "    type: none\n"),
  noQuotas: edit(cleanSet, ERP, "  quotas: { requestsPerMinute: 120 }\n", ""),
  secretDefault: edit(cleanSet, ERP, "key: { secret: erp/api-key }", 'key: { env: ERP_API_KEY, default: "sk_live_4eC39HqLyjWDarjtT1zdp7dc" }'),
  secretInText: edit(cleanSet, ERP, "  description: erp for tests.", "  description: erp for tests; sandbox api_key=Zx8vQ2LmN4pR7tKw9bYc"),
  lowEntropyDefault: edit(cleanSet, ERP, "key: { secret: erp/api-key }", 'key: { env: ERP_API_KEY, default: "changeme-changeme" }'),
  httpDefault: edit(cleanSet, ERP, 'default: "https://erp.example.com"', 'default: "http://erp.example.com"'),
  secretBaseUrl: edit(cleanSet, ERP, 'baseUrl: { env: ERP_BASE_URL, default: "https://erp.example.com" }', "baseUrl: { secret: erp/base-url }"),
  noVersion: edit(cleanSet, MAPPING, "  version: 1.0.0\n", ""),
  piiToErp: edit(
    edit(cleanSet, ERP, "        hours: { type: string }\n", "        hours: { type: string }\n        email: { type: string, x-classification: pii }\n"),
    MAPPING,
    '"hours": $string(minutes / 60) }',
    '"hours": $string(minutes / 60), "email": userEmail }',
  ),
  piiReadFromSource: edit(cleanSet, MAPPING, '"hours": $string(minutes / 60) }', '"hours": $string(minutes / 60) & " " & userEmail }'),
  unclassifiedEmail: edit(cleanSet, ENTITY, "    currency: { type: currency }\n", "    currency: { type: currency }\n    approverEmail: { type: string }\n"),
  numberAmount: edit(cleanSet, ENTITY, "billAmount: { type: money, currencyField: currency }", "billAmount: { type: number }"),
  badName: edit(cleanSet, ROUTE, "name: time-to-erp", "name: TimeToErp"),
  noDescription: edit(cleanSet, ROUTE, "  description: time-to-erp for tests.\n", ""),
  noTeam: edit(cleanSet, ROUTE, "  team: integration\n", ""),
} satisfies Record<string, SpecFiles>;

export { cleanSet };
