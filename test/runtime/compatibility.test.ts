import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { assertCompiledBy, RUNTIME_VERSION } from "../../src/runtime/compatibility.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { ConfigurationError } from "../../src/runtime/errors.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { specSet } from "../../generated/index.ts";

const packageVersion = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

describe("the runtime's check of the compiler version in generated code", () => {
  it("reads its own version from package.json", () => {
    expect(RUNTIME_VERSION).toBe(packageVersion);
  });

  it("finds the compiler version in the committed generated code", () => {
    expect(specSet.compilerVersion).toBe(packageVersion);
  });

  it("refuses at start a spec set compiled by a newer compiler, naming both versions", async () => {
    const store = await createSqliteStore({ path: ":memory:" });
    try {
      const start = () => createRuntime({ compiled: { ...specSet, compilerVersion: "99.1.0" }, store });
      expect(start).toThrow(ConfigurationError);
      expect(start).toThrow(`the generated code was compiled by syncspec 99.1.0, newer than the installed runtime (syncspec ${packageVersion})`);
    } finally {
      await store.close();
    }
  });

  it("accepts code from the same or an older compiler, and a pre-release of its own version", () => {
    expect(() => assertCompiledBy("0.1.0", "0.1.0")).not.toThrow();
    expect(() => assertCompiledBy("0.0.9", "0.1.0")).not.toThrow();
    expect(() => assertCompiledBy("0.1.0-rc.1", "0.1.0")).not.toThrow();
    expect(() => assertCompiledBy(undefined, "0.1.0")).not.toThrow();
  });

  it("refuses a newer patch, minor or release of a pre-release", () => {
    expect(() => assertCompiledBy("0.1.1", "0.1.0")).toThrow("syncspec 0.1.1");
    expect(() => assertCompiledBy("0.10.0", "0.9.0")).toThrow("syncspec 0.9.0");
    expect(() => assertCompiledBy("1.0.0", "1.0.0-rc.2")).toThrow("syncspec 1.0.0-rc.2");
  });
});
