/** The Route kind: an event-driven workflow, its keys, its steps and its failure policies. */
import { type Static, Type } from "@sinclair/typebox";
import { stepKindSchemas } from "../steps/schemas.ts";
import { Duration, envelope, FieldPath, Name, QualifiedName, strictObject, Team } from "./common.ts";
import { STEP_ACTIONS } from "./constants.ts";

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

export const Step = Type.Recursive(
  (self) =>
    strictObject(
      {
        id: Type.Optional(Name),
        description: Type.Optional(Type.String()),
        when: Type.Optional(Type.String({ description: "A JSONata condition; the step is skipped when it is false." })),
        ...stepKindSchemas(self),
      },
      `A step: exactly one of ${STEP_ACTIONS.join(", ")}.`,
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

/**
 * A versioned source record: a record the source sends again, changed, under a version that
 * grows (an edit after approval). What was posted per identity and target is kept; an older
 * version than the one posted (stale) or the posted one again (a duplicate) is ignored and audited.
 */
export const Versioning = strictObject(
  {
    identity: Type.Array(FieldPath, { minItems: 1, description: "The payload fields that identify the record across its versions (for example `timeEntryId`)." }),
    version: FieldPath,
    void: Type.Optional(
      strictObject(
        { event: QualifiedName },
        "The source's event (`system.event`) that voids the record; the route is triggered by it too. Its payload carries the identity and version fields; it runs the reversals of what was posted and nothing else, and the record stays voided: a later stale version is ignored.",
      ),
    ),
  },
  "The record's identity and version (`version`: the payload field holding an integer, a number or a date-time, so that versions order): later versions are compared with what was posted for the same identity.",
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
    versioning: Type.Optional(Versioning),
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
export type Versioning = Static<typeof Versioning>;
