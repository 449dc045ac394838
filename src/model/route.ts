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
    schedule: Type.Optional(Type.String({ description: "A cron expression (five fields, UTC)." })),
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
export type RetryPolicy = Static<typeof RetryPolicy>;
export type RouteDocument = Static<typeof RouteDocument>;
