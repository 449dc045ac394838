/** The System kind: one application, how to reach it, what it can do and what it tells us. */
import { type Static, Type } from "@sinclair/typebox";
import { Duration, envelope, Name, strictObject, ValueRef } from "./common.ts";
import { JsonSchemaValue } from "./json-schema.ts";

export const SystemRole = Type.Union(
  ["psa", "erp", "billing", "crm", "tax", "hris", "payments", "other"].map((role) => Type.Literal(role)),
  { description: "What the system is for the firm: `psa`, `erp`, `billing`, `crm`, `tax`, `hris`, `payments` or `other`." },
);

export const Auth = strictObject(
  {
    type: Type.Union(
      ["oauth2-client-credentials", "api-key", "basic", "bearer", "none"].map((t) => Type.Literal(t)),
      { description: "How requests authenticate." },
    ),
    tokenUrl: Type.Optional(ValueRef),
    clientId: Type.Optional(ValueRef),
    clientSecret: Type.Optional(ValueRef),
    scopes: Type.Optional(Type.Array(Type.String(), { description: "OAuth 2.0 scopes requested." })),
    header: Type.Optional(Type.String({ description: "The header carrying an API key, for example `X-Api-Key`." })),
    key: Type.Optional(ValueRef),
    username: Type.Optional(ValueRef),
    password: Type.Optional(ValueRef),
    token: Type.Optional(ValueRef),
    tenantHeader: Type.Optional(
      strictObject(
        { name: Type.String(), value: ValueRef },
        "A header naming the tenant on every request, for example Xero's `Xero-Tenant-Id`.",
      ),
    ),
  },
  "How the runtime authenticates to this system. Every credential is a reference, never a value.",
);

export const Quotas = strictObject(
  {
    requestsPerMinute: Type.Integer({ minimum: 1, description: "Sustained request rate the vendor allows." }),
    burst: Type.Optional(Type.Integer({ minimum: 1, description: "Requests allowed at once above the sustained rate." })),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, description: "Requests in flight at once." })),
    requestsPerDay: Type.Optional(Type.Integer({ minimum: 1, description: "Daily request limit, where the vendor sets one." })),
  },
  "The API quotas the vendor enforces; the runtime's rate limiter and concurrency cap are set from them.",
);

export const Idempotency = strictObject(
  {
    mechanism: Type.Union([Type.Literal("key-header"), Type.Literal("upsert"), Type.Literal("none")], {
      description:
        "`key-header`: the API accepts an idempotency key header; `upsert`: the API creates or updates by an external id; `none`: the API has no mechanism and the runtime must check before writing.",
    }),
    header: Type.Optional(Type.String({ description: "The header for `key-header`, for example `Idempotency-Key`." })),
    externalIdField: Type.Optional(
      Type.String({ description: "For `upsert`: the request field that carries our id, for example `Reference`." }),
    ),
  },
  "How this operation avoids applying the same request twice.",
);

/** A query or header parameter of an operation. */
export const RequestParameter = strictObject(
  {
    type: Type.Union(["string", "integer", "number", "boolean", "date"].map((t) => Type.Literal(t)), { description: "The type of its value." }),
    required: Type.Optional(Type.Boolean({ description: "True when every call must give it." })),
    description: Type.Optional(Type.String()),
  },
  "A query or header parameter: its type, and whether every call gives it.",
);

/** What the integration keeps from an operation's answer. */
export const WriteBack = strictObject(
  {
    entity: Type.String({ description: "The entity whose kept record (a `keep` step's) the answer updates." }),
    key: Type.String({
      minLength: 1,
      description: "A JSONata expression over `{ request, answer }` giving the key of the record to update (its identity values joined by `|`).",
    }),
    fields: Type.Record(Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }), Type.String({ minLength: 1 }), {
      description:
        "For each field of the entity this system owns, a JSONata expression over `{ request, answer }` giving its value, for example `{ costPostingId: answer.JournalID }`. An answer that gives nothing for a field is an exception; the request was applied and a retry sends the same idempotency key.",
    }),
    emit: Type.Optional(
      Type.String({
        ...Name,
        description:
          "A canonical event published, with the write-back, each time the answer changes a written-back field: it carries the record's identity fields and the fields written back, so a route (`trigger: { canonical: ... }`) can deliver them to the systems that show them.",
      }),
    ),
  },
  "Fields of a kept record taken from the operation's answer (the ERP's journal id onto the time entry), under the ownership rules: the system must own each field.",
);

export const Operation = strictObject(
  {
    description: Type.Optional(Type.String()),
    method: Type.Union(["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => Type.Literal(m)), {
      description: "The HTTP method.",
    }),
    path: Type.String({ pattern: "^/", description: "The path below the base URL; `{name}` marks a path parameter." }),
    effect: Type.Union(["read", "create", "update", "upsert", "delete"].map((e) => Type.Literal(e)), {
      description: "What calling it does to the system's data. Anything but `read` is a side effect.",
    }),
    entity: Type.Optional(Type.String({ description: "The canonical entity this operation reads or writes." })),
    request: Type.Optional(Type.String({ description: "The name of the request body's schema in `schemas`." })),
    response: Type.Optional(Type.String({ description: "The name of the response body's schema in `schemas`." })),
    encoding: Type.Optional(
      Type.Union([Type.Literal("json"), Type.Literal("form")], {
        description: "How the request body is encoded: `json` (default) or `form` (`application/x-www-form-urlencoded`).",
      }),
    ),
    idempotency: Type.Optional(Idempotency),
    timeout: Type.Optional(Duration),
    writeBack: Type.Optional(WriteBack),
    parameters: Type.Optional(
      strictObject(
        {
          query: Type.Optional(Type.Record(Type.String({ minLength: 1 }), RequestParameter, { description: "Query string parameters, by name." })),
          headers: Type.Optional(Type.Record(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" }), RequestParameter, { description: "Request headers, by name." })),
        },
        "The query and header parameters the operation takes besides its path parameters; a deliver step gives their values.",
      ),
    ),
  },
  "One API operation the integration calls.",
);

export const Signature = strictObject(
  {
    scheme: Type.Union([Type.Literal("hmac-sha256"), Type.Literal("hmac-sha256-timestamped")], {
      description: "`hmac-sha256` over the raw body; `hmac-sha256-timestamped` signs `timestamp.body` and checks the age.",
    }),
    header: Type.String({ description: "The header carrying the signature, for example `x-xero-signature`." }),
    encoding: Type.Union([Type.Literal("base64"), Type.Literal("hex")], { description: "How the digest is written." }),
    secret: ValueRef,
    timestampHeader: Type.Optional(Type.String()),
    tolerance: Type.Optional(Duration),
  },
  "How the sender signs webhook deliveries.",
);

/** How a webhook's sender authenticates: HTTP basic or bearer credentials by reference, or a reasoned `none`. */
export const WebhookAuthentication = strictObject(
  {
    basic: Type.Optional(
      strictObject(
        { username: ValueRef, password: ValueRef },
        "HTTP basic credentials the sender sends in `Authorization: Basic …`, as Chargebee does; both are references.",
      ),
    ),
    bearer: Type.Optional(strictObject({ token: ValueRef }, "A token the sender sends in `Authorization: Bearer …`, by reference.")),
    none: Type.Optional(
      strictObject(
        {
          reason: Type.String({
            minLength: 1,
            description: "Why no credentials are needed, for example that only a trusted network can reach this path.",
          }),
        },
        "No authentication, on purpose: the reason says why the network is trusted. Refused together with a signature.",
      ),
    ),
  },
  "How a webhook's sender proves who it is, besides or instead of a signature: exactly one of `basic`, `bearer` or `none`.",
);

export const Event = strictObject(
  {
    description: Type.Optional(Type.String()),
    delivery: Type.Union([Type.Literal("webhook"), Type.Literal("polling")], {
      description: "`webhook`: the system calls us; `polling`: we ask it on a schedule with a cursor.",
    }),
    payload: Type.String({ description: "The name of the payload's schema in `schemas`." }),
    entity: Type.Optional(Type.String({ description: "The canonical entity the event is about." })),
    webhook: Type.Optional(
      strictObject(
        { path: Type.String({ pattern: "^/" }), signature: Type.Optional(Signature), authentication: Type.Optional(WebhookAuthentication) },
        "Where the webhook arrives, how it is signed and how its sender authenticates. A webhook with neither a signature nor authentication is a lint error.",
      ),
    ),
    polling: Type.Optional(
      strictObject(
        {
          operation: Type.String({ description: "The `read` operation that lists changes." }),
          interval: Duration,
          cursor: Type.String({ description: "The payload field whose greatest value is the next cursor." }),
          cursorParam: Type.Optional(Type.String({ description: "The query parameter the cursor is sent in." })),
        },
        "How the runtime polls for this event.",
      ),
    ),
  },
  "An event the system emits.",
);

export const SystemSpec = strictObject(
  {
    role: SystemRole,
    baseUrl: ValueRef,
    auth: Auth,
    quotas: Type.Optional(Quotas),
    timeout: Type.Optional(Duration),
    classification: Type.Optional(
      Type.Array(Type.Union(["public", "internal", "confidential", "pii"].map((c) => Type.Literal(c))), {
        description: "The data classifications this system is cleared to receive.",
      }),
    ),
    openapi: Type.Optional(
      strictObject(
        {
          document: Type.String({ description: "Path of the vendor's OpenAPI document, relative to this file." }),
          operations: Type.Array(Type.String(), { description: "The operationIds used from it." }),
        },
        "A vendor OpenAPI document this system's schemas and operations come from.",
      ),
    ),
    schemas: Type.Optional(Type.Record(Name, JsonSchemaValue, { description: "The system's native shapes, by name." })),
    operations: Type.Optional(Type.Record(Name, Operation, { description: "The operations the integration calls, by name." })),
    events: Type.Optional(Type.Record(Name, Event, { description: "The events the system emits, by name." })),
  },
  "A system: its role, how to reach and authenticate to it, its quotas, operations, events and native schemas.",
);

export const SystemDocument = envelope("System", SystemSpec, "A System spec document.");

export type SystemSpec = Static<typeof SystemSpec>;
export type Operation = Static<typeof Operation>;
export type SystemEvent = Static<typeof Event>;
export type Auth = Static<typeof Auth>;
export type WebhookAuthentication = Static<typeof WebhookAuthentication>;
export type SystemDocument = Static<typeof SystemDocument>;
