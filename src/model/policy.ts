/** The Policy kind: the governance ruleset the linter applies. */
import { type Static, Type } from "@sinclair/typebox";
import { envelope, strictObject } from "./common.ts";

export const Severity = Type.Union(["off", "hint", "info", "warn", "error"].map((s) => Type.Literal(s)), {
  description: "`off`, `hint`, `info`, `warn` or `error`.",
});

const RuleSetting = Type.Union([
  Severity,
  strictObject(
    { severity: Type.Optional(Severity), options: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
    "A rule's severity and options.",
  ),
]);

export const PolicySpec = strictObject(
  {
    extends: Type.Optional(Type.Union([Type.Literal("recommended"), Type.Literal("strict")])),
    rules: Type.Optional(Type.Record(Type.String(), RuleSetting, { description: "Per-rule severity or options." })),
    overrides: Type.Optional(
      Type.Array(
        strictObject(
          { files: Type.Array(Type.String(), { minItems: 1 }), rules: Type.Record(Type.String(), RuleSetting) },
          "Rule settings for the files matching the globs.",
        ),
      ),
    ),
    exceptions: Type.Optional(
      Type.Array(
        strictObject(
          {
            rule: Type.String(),
            target: Type.String({ description: "The document, written `Kind/name`, for example `Route/time-to-revenue`." }),
            reason: Type.String({ minLength: 10, description: "Why the finding is accepted." }),
            expires: Type.Optional(Type.String({ format: "date", description: "After this date the exception is itself a finding." })),
          },
          "An accepted finding, with its reason.",
        ),
      ),
    ),
    customRules: Type.Optional(
      Type.Array(
        strictObject(
          {
            name: Type.String({ pattern: "^[a-z][a-z0-9-]*$" }),
            severity: Type.Optional(Severity),
            description: Type.String(),
            given: Type.Optional(Type.String({ description: "Kind of document the rule looks at, for example `Route`." })),
            assert: Type.Optional(Type.String({ description: "A JSONata predicate over the document; false is a finding." })),
            message: Type.Optional(Type.String()),
            module: Type.Optional(Type.String({ description: "A TypeScript module exporting a rule, relative to this file." })),
          },
          "A rule of the firm's own: a JSONata predicate (`given` + `assert`) or a TypeScript module.",
        ),
      ),
    ),
    breaking: Type.Optional(
      strictObject(
        {
          level: Type.Union(["event-consumers", "adapters", "stored-data"].map((l) => Type.Literal(l)), {
            description: "Who must stay compatible: `event-consumers`, `adapters` (also event consumers), or `stored-data` (all).",
          }),
        },
        "The breaking-change level `spec breaking` enforces.",
      ),
    ),
    naming: Type.Optional(Type.Record(Type.String(), Type.String(), { description: "A name pattern per kind." })),
  },
  "The governance ruleset: built-in rules and severities, overrides, exceptions and custom rules.",
);

export const PolicyDocument = envelope("Policy", PolicySpec, "A Policy spec document.");

export type PolicySpec = Static<typeof PolicySpec>;
export type PolicyDocument = Static<typeof PolicyDocument>;
