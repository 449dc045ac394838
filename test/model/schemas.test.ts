import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { KIND_NAMES, SCHEMAS_DIR, schemaFileName } from "../../src/model/index.ts";
import { publishedSchemas } from "../../src/model/kinds.ts";
import { standaloneValidatorsSource } from "../../src/model/standalone-validators.ts";

describe("published schemas", () => {
  it("match the model exactly, so editors and the compiler see what the types say (run `npm run schemas` after a model change)", () => {
    for (const { kind, schema } of publishedSchemas()) {
      const file = fileURLToPath(new URL(schemaFileName(kind), SCHEMAS_DIR));
      expect(readFileSync(file, "utf8"), `${file} is stale`).toBe(`${JSON.stringify(schema, null, 2)}\n`);
    }
  });

  it("are compiled into the committed validator module exactly as `npm run schemas` writes it", () => {
    const file = fileURLToPath(new URL("../../src/compiler/validate/schema-validators.generated.js", import.meta.url));
    expect(readFileSync(file, "utf8") === standaloneValidatorsSource(), `${file} is stale`).toBe(true);
  });

  it("are draft-07 and cover every kind", () => {
    const kinds = publishedSchemas().map((s) => s.kind);
    expect(kinds).toEqual([...KIND_NAMES, "config"]);
    for (const { schema } of publishedSchemas()) expect(schema["$schema"]).toBe("http://json-schema.org/draft-07/schema#");
  });
});
