/** The Mapping kind: a JSONata transform between a system shape and a canonical shape. */
import { type Static, Type } from "@sinclair/typebox";
import { envelope, Name, strictObject } from "./common.ts";

export const Shape = strictObject(
  {
    entity: Type.Optional(Type.String({ description: "A canonical entity." })),
    system: Type.Optional(Type.String({ description: "A system, with `schema`." })),
    schema: Type.Optional(Type.String({ description: "The name of a schema of `system`." })),
  },
  "A shape: either `entity: <Entity>` or `system: <system>` with `schema: <name>`.",
);

export const Lookup = strictObject(
  {
    kind: Type.Union([Type.Literal("reference-data"), Type.Literal("xref")], {
      description: "`reference-data`: records of an entity found by key (rate cards); `xref`: an id of the same record in another system.",
    }),
    entity: Type.String({ description: "The entity looked up." }),
    from: Type.Optional(Type.String({ description: "For `xref`: the system whose id we have." })),
    to: Type.Optional(Type.String({ description: "For `xref`: the system whose id we want." })),
    description: Type.Optional(Type.String()),
  },
  "Reference data or cross-reference ids the expression reads as `$name`.",
);

export const MappingTest = strictObject(
  {
    name: Type.String({ description: "What the example shows." }),
    input: Type.Unknown({ description: "The source record." }),
    lookups: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "Values bound to the lookups." })),
    previous: Type.Optional(
      strictObject(
        {
          body: Type.Unknown({ description: "The request body posted before." }),
          targetId: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: "The id the target gave what was posted." })),
          version: Type.Optional(Type.Union([Type.Number(), Type.String()], { description: "The version that was posted." })),
        },
        "What a correction's mapping reads as `$previous`: what was posted before for the record.",
      ),
    ),
    expect: Type.Unknown({ description: "The target record the mapping must produce." }),
  },
  "An example the mapping must reproduce; `spec test` runs it.",
);

export const MappingSpec = strictObject(
  {
    source: Shape,
    target: Shape,
    lookups: Type.Optional(Type.Record(Name, Lookup, { description: "Lookups, bound as `$name` in the expression." })),
    expression: Type.String({ minLength: 1, description: "The JSONata expression from source to target." }),
    tests: Type.Optional(Type.Array(MappingTest)),
  },
  "A JSONata transform from a source shape to a target shape, with lookups and example tests.",
);

export const MappingDocument = envelope("Mapping", MappingSpec, "A Mapping spec document.");

export type Shape = Static<typeof Shape>;
export type MappingSpec = Static<typeof MappingSpec>;
export type MappingDocument = Static<typeof MappingDocument>;
