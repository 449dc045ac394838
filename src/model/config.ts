/**
 * The project file, `syncspec.yaml`, found by walking up from the working directory (like
 * buf.yaml): where the specs are, where output goes, which Policy document governs them.
 */
import { type Static, Type } from "@sinclair/typebox";
import { strictObject } from "./common.ts";

export { CONFIG_FILE_NAME } from "./constants.ts";

export const ProjectConfig = strictObject(
  {
    specs: Type.Array(Type.String(), {
      minItems: 1,
      description: "Folders (searched recursively) or files holding the spec set, relative to this file.",
    }),
    out: Type.Optional(Type.String({ description: "Where `spec compile` writes generated code (default `generated`)." })),
    target: Type.Optional(
      Type.Union([Type.Literal("ts"), Type.Literal("js+dts")], {
        description:
          "How `spec compile` writes generated code: TypeScript modules (`ts`, the default), or JavaScript with declaration files (`js+dts`) that plain Node runs and a NodeNext tsconfig type-checks.",
      }),
    ),
    policy: Type.Optional(Type.String({ description: "The name of the Policy document that governs the set." })),
    exclude: Type.Optional(Type.Array(Type.String(), { description: "Globs of files under `specs` to leave out." })),
    limits: Type.Optional(
      strictObject(
        {
          maxFileBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
          maxDepth: Type.Optional(Type.Integer({ minimum: 4, maximum: 1000 })),
        },
        "Limits on what a spec file may be (defaults: 4 MiB, nesting 64).",
      ),
    ),
  },
  "The syncspec project file.",
  { $id: "https://syncspec.dev/schemas/v1/config.schema.json", title: "syncspec.yaml" },
);

export type ProjectConfig = Static<typeof ProjectConfig>;
