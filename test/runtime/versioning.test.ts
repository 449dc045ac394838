/** How an event's version stands against what its route posted to each target: stale, duplicate, or to be posted. */
import { describe, expect, it } from "vitest";
import type { PipelineDefinition } from "../../src/runtime/pipeline.ts";
import type { LookupCache } from "../../src/runtime/step-run.ts";
import type { Posting, RecordVersion } from "../../src/runtime/store/store.ts";
import { ignoredVersion, revisionOf } from "../../src/runtime/versioning.ts";

/** Lookups whose postings are the versions given per system. */
function posted(versions: Record<string, RecordVersion>): LookupCache {
  const posting = async (route: string, identity: string, system: string): Promise<Posting | undefined> =>
    versions[system] === undefined ? undefined : { route, identity, system, version: versions[system], body: {}, targetId: null, postedAt: 0 };
  const unused = () => Promise.reject(new Error("not read here"));
  return { posting, postingDelivery: unused, xref: unused, referenceData: unused, record: unused, records: unused };
}

const revision = (version: RecordVersion) => ({ identity: "T001", version });

describe("the standing of a version", () => {
  it("posts a first version, and a newer one", async () => {
    expect(await ignoredVersion(posted({}), "r", ["erp", "billing"], revision(1))).toBeUndefined();
    expect(await ignoredVersion(posted({ erp: 1, billing: 1 }), "r", ["erp", "billing"], revision(2))).toBeUndefined();
  });

  it("ignores a version older than any target's posting as stale", async () => {
    expect(await ignoredVersion(posted({ erp: 1, billing: 3 }), "r", ["erp", "billing"], revision(2))).toEqual({
      reason: "stale version 2 of T001: version 3 was already posted to billing",
      ignored: { standing: "stale", identity: "T001", version: 2, posted: 3 },
    });
  });

  it("counts only the targets the record reached when it tells a duplicate", async () => {
    // billing is reached only by a branch this record never takes: erp alone holds its postings.
    expect(await ignoredVersion(posted({ erp: 2 }), "r", ["erp", "billing"], revision(2))).toMatchObject({ ignored: { standing: "duplicate" } });
    // A target that holds an older version still needs this one.
    expect(await ignoredVersion(posted({ erp: 2, billing: 1 }), "r", ["erp", "billing"], revision(2))).toBeUndefined();
  });

  it("orders date-time versions by instant, not as text", async () => {
    // 09:00 at +01:00 is 08:00Z: earlier than the posted 08:30Z, though it reads later as text.
    const earlier = "2026-03-10T09:00:00+01:00";
    expect(await ignoredVersion(posted({ erp: "2026-03-10T08:30:00Z" }), "r", ["erp"], revision(earlier))).toMatchObject({ ignored: { standing: "stale" } });
  });

  it("reads the identity and version from the record, and says what is wrong with them", () => {
    const pipeline = { versioning: { identity: ["data.timeEntryId"], version: "data.version" } } as unknown as PipelineDefinition;
    expect(revisionOf(pipeline, { data: { timeEntryId: "T1", version: 2 } })).toEqual({ identity: "T1", version: 2 });
    expect(revisionOf(pipeline, { data: { version: 2 } })).toEqual({ problem: "the record lacks its identity field(s) data.timeEntryId" });
    expect(revisionOf(pipeline, { data: { timeEntryId: "T1", version: true } })).toEqual({
      problem: "the record's version (field data.version) is true: a version must be a number or a date-time",
    });
    expect(revisionOf({ versioning: undefined } as unknown as PipelineDefinition, {})).toBeUndefined();
  });
});
