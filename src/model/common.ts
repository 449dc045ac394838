/**
 * Building blocks shared by every kind: names, versions, durations, references to values kept
 * outside the spec (environment variables, secrets), and the document envelope.
 *
 * The model is written once, as TypeBox schemas: the JSON Schema files in schemas/ are printed
 * from these values and the TypeScript types are `Static<>` of the same values, so the two cannot
 * drift. The schemas are draft-07 (see the README for why).
 */
import { type TObject, type TProperties, type TSchema, Type } from "@sinclair/typebox";

import { API_VERSION } from "./constants.ts";

export { API_VERSION };

/** An object schema that refuses unknown keys, so a misspelt key is an error at its own line. */
export function strictObject<T extends TProperties>(properties: T, description: string, extra: object = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, description, ...extra });
}

/** A name that can become a TypeScript identifier or file name after derivation. */
export const Name = Type.String({
  pattern: "^[A-Za-z][A-Za-z0-9_-]{0,79}$",
  description: "A name: a letter, then letters, digits, `-` or `_` (at most 80 characters).",
});

/** A reference to a system member, written `system.member` (for example `erp.createJournal`). */
export const QualifiedName = Type.String({
  pattern: "^[A-Za-z][A-Za-z0-9_-]*\\.[A-Za-z][A-Za-z0-9_-]*$",
  description: "A member of a system, written `system.member`, for example `erp.createJournal`.",
});

/** A dotted path into a record, for example `project.id` or `lines.amount`. */
export const FieldPath = Type.String({
  pattern: "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$",
  description: "A field path: field names joined by dots, for example `project.id`.",
});

/** Semantic version, major.minor.patch with optional pre-release and build. */
export const SemVer = Type.String({
  pattern:
    "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$",
  description: "A semantic version, for example `1.4.0`. A breaking change needs a new major version (a new minor version while it is 0.x).",
});

/** A duration such as `250ms`, `30s`, `5m`, `4h` or `2d`. */
export const Duration = Type.String({
  pattern: "^[0-9]+(ms|s|m|h|d)$",
  description: "A duration: a whole number and a unit (`ms`, `s`, `m`, `h`, `d`), for example `30s` or `4h`.",
});

/** A decimal number written as a string, so no value is ever a binary float. */
export const DecimalString = Type.String({
  pattern: "^-?[0-9]+(\\.[0-9]+)?$",
  description: "A decimal number written as a string, for example `\"0.01\"`.",
});

/** Where a value comes from at run time: an environment variable or a named secret. */
export const ValueRef = Type.Union(
  [
    strictObject(
      {
        env: Type.String({ pattern: "^[A-Z_][A-Z0-9_]*$", description: "The environment variable that holds the value." }),
        default: Type.Optional(Type.String({ description: "The value used when the variable is unset. Never a secret." })),
      },
      "A value read from an environment variable when the runtime starts.",
    ),
    strictObject(
      {
        secret: Type.String({
          pattern: "^[A-Za-z][A-Za-z0-9_./-]*$",
          description: "The name of the secret in the runtime's secret provider (by default the environment).",
        }),
      },
      "A secret resolved at run time. Secrets are never written in a spec.",
    ),
  ],
  { description: "A reference to a value kept outside the spec: `{ env: NAME }` or `{ secret: NAME }`." },
);

/** The team that owns a document or stewards data; free text checked by naming rules. */
export const Team = Type.String({
  pattern: "^[a-z][a-z0-9-]*$",
  description: "A team, in kebab-case, for example `finance-ops`.",
});

/** Who wrote a document and what it is for. */
export const Metadata = strictObject(
  {
    name: Name,
    version: Type.Optional(SemVer),
    team: Type.Optional(Team),
    description: Type.Optional(Type.String({ description: "What this document declares, for people." })),
    labels: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: "Free-form labels, for example `workflow: time-to-revenue`." }),
    ),
    deprecated: Type.Optional(Type.Boolean({ description: "True when consumers should move off this document." })),
  },
  "Who owns this document, its version and what it is for.",
);

/** Wraps a kind's `spec` schema in the common envelope. */
export function envelope<K extends string, S extends TSchema>(kind: K, spec: S, description: string) {
  return strictObject(
    {
      apiVersion: Type.Literal(API_VERSION, { description: `Always \`${API_VERSION}\`.` }),
      kind: Type.Literal(kind, { description: `Always \`${kind}\`.` }),
      metadata: Metadata,
      spec,
    },
    description,
    { $id: `https://syncspec.dev/schemas/v1/${kind.toLowerCase()}.schema.json`, title: kind },
  );
}
