/** The Route kind: an event-driven workflow, its keys, its steps and its failure policies. */
import { type Static, Type } from "@sinclair/typebox";
import { Duration, envelope, FieldPath, Name, QualifiedName, strictObject, Team } from "./common.ts";

export { STEP_ACTIONS, type StepActionName } from "./constants.ts";

export const Trigger = strictObject(
  {
    event: Type.Optional(QualifiedName),
    canonical: Type.Optional(Type.String({ description: "A canonical event emitted by another route." })),
    schedule: Type.Optional(Type.String({ description: "A cron expression: five fields (minute hour day-of-month month day-of-week, UTC) or @daily, @weekly, @monthly, @hourly." })),
    when: Type.Optional(Type.String({ description: "A JSONata condition; events for which it is false are ignored." })),
  },
  "What starts the route: exactly one of `event` (`system.event`), `canonical` or `schedule`.",
);

const Enrich = strictObject(
  {
    lookup: Type.Union([Type.Literal("xref"), Type.Literal("reference-data")]),
    entity: Type.String(),
    from: Type.Optional(Type.String({ description: "For `xref`: the system whose id the record carries." })),
    to: Type.Optional(Type.String({ description: "For `xref`: the system whose id is wanted." })),
    key: FieldPath,
    as: Name,
  },
  "Adds a looked-up value to the record under `as`.",
);

const Classify = strictObject(
  {
    as: Name,
    rules: Type.Array(
      strictObject({ when: Type.String(), value: Type.String() }, "When the JSONata condition holds, the class is `value`."),
      { minItems: 1 },
    ),
    otherwise: Type.String(),
  },
  "Assigns the record a class (first rule that holds), read by later `when` conditions as `$class.<as>`.",
);

const Require = strictObject(
  {
    entity: Type.String({ description: "The entity that must exist first." }),
    system: Type.String({ description: "The system it must exist in." }),
    key: FieldPath,
    wait: Type.Optional(Duration),
  },
  "Waits until a record this one depends on exists in a system (for example the ERP project), then proceeds.",
);

const Deliver = strictObject(
  {
    operation: QualifiedName,
    mapping: Type.Optional(Type.String({ description: "The mapping that builds the request body." })),
    params: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 1 }), {
        description:
          "The operation's path parameters (`{subscription-id}` in its path), each a JSONata expression over the record at this step, with the same bindings mappings get (`$<enrich as>`, `$class`). Its value must be a non-empty string or a number; it fills the path and is not sent in the body.",
      }),
    ),
  },
  "Calls a system operation with the record (or the mapping's output): one delivery through the outbox.",
);

const Emit = strictObject(
  {
    event: Name,
    entity: Type.Optional(Type.String()),
  },
  "Publishes a canonical event that other routes can trigger on.",
);

export const Step = Type.Recursive(
  (self) =>
    strictObject(
    {
      id: Type.Optional(Name),
      description: Type.Optional(Type.String()),
      when: Type.Optional(Type.String({ description: "A JSONata condition; the step is skipped when it is false." })),
      validate: Type.Optional(Type.String({ description: "The entity the record must be valid against." })),
      map: Type.Optional(Type.String({ description: "The mapping applied to the record." })),
      enrich: Type.Optional(Enrich),
      classify: Type.Optional(Classify),
      branch: Type.Optional(
        Type.Array(
          strictObject(
            {
              when: Type.Optional(Type.String({ description: "A JSONata condition; omit it for the otherwise branch." })),
              steps: Type.Array(self),
            },
            "A branch: the first whose condition holds runs.",
          ),
          { minItems: 1 },
        ),
      ),
      require: Type.Optional(Require),
      deliver: Type.Optional(Deliver),
      emit: Type.Optional(Emit),
    },
    "A step: exactly one of validate, map, enrich, classify, branch, require, deliver, emit.",
  ),
  { $id: "Step" },
);

export const RetryPolicy = strictObject(
  {
    maxAttempts: Type.Integer({ minimum: 1, maximum: 100, description: "Attempts in all, the first included." }),
    backoff: Type.Union([Type.Literal("exponential"), Type.Literal("fixed")]),
    initialDelay: Duration,
    maxDelay: Duration,
    jitter: Type.Optional(Type.Union([Type.Literal("full"), Type.Literal("none")])),
  },
  "How failed deliveries are retried. `Retry-After` from the target always wins over the computed delay.",
);

export const Policies = strictObject(
  {
    retry: Type.Optional(RetryPolicy),
    timeout: Type.Optional(Duration),
    circuitBreaker: Type.Optional(
      strictObject(
        {
          failureThreshold: Type.Integer({ minimum: 1 }),
          resetAfter: Duration,
          halfOpenProbes: Type.Integer({ minimum: 1 }),
        },
        "Stops calling a failing system for `resetAfter`, then lets `halfOpenProbes` requests test it.",
      ),
    ),
    deadLetter: Type.Optional(strictObject({ queue: Name }, "Where events go when retries are exhausted.")),
    exceptions: Type.Optional(
      strictObject(
        { queue: Name, owner: Team, sla: Type.Optional(Duration) },
        "The queue people work for events that need a decision, and the team that owns it.",
      ),
    ),
  },
  "What the route does when things go wrong.",
);

/**
 * A business measure of the route, declared where the work is: how long its events take to reach
 * a delivery (`latency`), how many of its events have not reached it yet (`pending`), or how many
 * of its exceptions are open (`exceptions`, optionally those whose reason mentions a phrase).
 * `spec status`, the dashboard and `/metrics` show what a project declares, by name.
 */
export const Measure = strictObject(
  {
    description: Type.String({ description: "What the measure means to the business, shown beside its value." }),
    latency: Type.Optional(
      strictObject(
        { to: Name },
        "The time from the event's acceptance to the delivery made by step `to`: median and 90th percentile.",
      ),
    ),
    pending: Type.Optional(
      strictObject({ step: Name }, "The route's events whose delivery by step `step` has not been made (yet, or ever)."),
    ),
    exceptions: Type.Optional(
      strictObject(
        { reason: Type.Optional(Type.String({ minLength: 1, description: "Count only exceptions whose reason contains this phrase (any case)." })) },
        "The route's open exceptions.",
      ),
    ),
    objective: Type.Optional(
      Type.Union([Duration, Type.Integer({ minimum: 0 })], {
        description: "The target: a duration the 90th percentile of a latency should stay within, or the most a count should be.",
      }),
    ),
  },
  "A business measure: exactly one of `latency`, `pending` or `exceptions`, with its description.",
);

export const RouteSpec = strictObject(
  {
    trigger: Trigger,
    idempotencyKey: Type.Optional(
      Type.Array(FieldPath, { minItems: 1, description: "The payload fields that identify one business event." }),
    ),
    orderingKey: Type.Optional(
      Type.Array(FieldPath, { minItems: 1, description: "Events with the same values run one at a time, in order." }),
    ),
    steps: Type.Array(Step, { minItems: 1 }),
    policies: Type.Optional(Policies),
    sla: Type.Optional(
      strictObject(
        { within: Duration, description: Type.Optional(Type.String()) },
        "The business promise: each event completes within `within`.",
      ),
    ),
    measures: Type.Optional(Type.Record(Name, Measure, { description: "The route's business measures, by name (for example `time-to-bill`)." })),
    guard: Type.Optional(
      strictObject(
        {
          ignoreOrigin: Type.Array(Type.String(), {
            minItems: 1,
            description: "Changes that originated in these systems are not sent back (breaks a sync loop).",
          }),
        },
        "A loop guard.",
      ),
    ),
  },
  "An event-driven workflow: trigger, keys, steps, policies and SLA.",
);

export const RouteDocument = envelope("Route", RouteSpec, "A Route spec document.");

export type Step = Static<typeof Step>;
export type RouteSpec = Static<typeof RouteSpec>;
export type Measure = Static<typeof Measure>;
export type RetryPolicy = Static<typeof RetryPolicy>;
export type RouteDocument = Static<typeof RouteDocument>;
