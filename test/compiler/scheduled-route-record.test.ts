/**
 * A scheduled route's run starts from the record `{ route, scheduledAt }`: its idempotency key
 * (the instant, so a restart does not run it twice) and the paths its steps read are checked
 * against it, located, with did-you-mean.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { writeFixture } from "../runtime/fixture.ts";

const route = (key: string, when = "") => `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: nightly-close, version: 1.0.0, team: finance-ops }
spec:
  trigger: { schedule: "0 2 * * *" }
  idempotencyKey: [${key}]
  steps:
    - { id: close, ${when}validate: TimeEntry }
  policies:
    deadLetter: { queue: close-dlq }
    exceptions: { queue: close-exceptions, owner: finance-ops }
`;

async function diagnose(text: string) {
  const result = await runCli(["validate", "specs", "--format", "json"], writeFixture({ "specs/nightly.yaml": text }));
  const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: { code: string; severity: string; file: string; line: number; column: number; message: string }[] };
  return diagnostics.filter((d) => d.severity === "error");
}

describe("the record of a scheduled run", () => {
  it("accepts a route keyed by the instant its schedule names", async () => {
    expect(await diagnose(route("scheduledAt", 'when: \'route = "nightly-close"\', '))).toEqual([]);
  });

  it("reports an idempotency key the scheduled run does not have, at the key, with a suggestion", async () => {
    expect(await diagnose(route("scheduledOn"))).toEqual([
      expect.objectContaining({ code: "unknown-field", file: "specs/nightly.yaml", message: "'scheduledOn' is not a field of a scheduled run; did you mean 'scheduledAt'?", line: 6, column: 20 }),
    ]);
  });
});
