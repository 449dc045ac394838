/** A misspelt statement keyword gets one located error naming the keyword it is closest to there, and no follow-on errors. */
import { describe, expect, it } from "vitest";
import { createSourceFile, lineAndColumn } from "../../src/compiler/diagnostics/source-file.ts";
import { readDsl } from "../../src/compiler/parse/dsl/parse-dsl.ts";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

/** `line:column code: message` for each diagnostic. */
function diagnose(text: string): string[] {
  const file = createSourceFile("bad.sync", text);
  return readDsl(file).diagnostics.map((d) => {
    const { line, column } = lineAndColumn(file, d.location?.start ?? 0);
    return `${line}:${column} ${d.code}: ${d.message}`;
  });
}

const STEPS = "validate, map, enrich, classify, branch, require, deliver, reject, emit, keep or step";
const ROUTE = "on, when, key, order, steps, retry, timeout, breaker, dead-letter, exceptions, sla or guard";

describe("misspelt keywords in the DSL", () => {
  it("reports each misspelt step keyword once, labelled or not, with the steps that may come there", () => {
    const text = `route r {
  on psa.x
  steps {
    post-cost: delivr erp.postCostJournal using time-entry-to-erp-cost-journal
    enrhich resource with reference-data Resource by resourceId
    mapp apply-rate-card
    validate TimeEntry
  }
}
`;
    expect(diagnose(text)).toEqual([
      `4:16 dsl-unknown-keyword: unknown keyword 'delivr'; did you mean 'deliver'? (here: ${STEPS})`,
      `5:5 dsl-unknown-keyword: unknown keyword 'enrhich'; did you mean 'enrich'? (here: ${STEPS})`,
      `6:5 dsl-unknown-keyword: unknown keyword 'mapp'; did you mean 'map'? (here: ${STEPS})`,
    ]);
  });

  it("reports a misspelt route statement that the parser stumbles over after it, and nothing after", () => {
    expect(diagnose("route r {\n  on psa.x\n  retyr 10 times exponential 2s..30m jitter full\n  timeout 2m\n}\n")).toEqual([
      `3:3 dsl-unknown-keyword: unknown keyword 'retyr'; did you mean 'retry'? (here: ${ROUTE})`,
    ]);
  });

  it("still reports a real syntax error later in the document, which the misspelt word's recovery would hide", () => {
    const text = "route r {\n  on psa.x\n  retyr 10 times exponential 2s..30m jitter full\n  timeout 2m\n  steps {\n    map m\n    deliver erp.x using using m\n  }\n}\n";
    const found = diagnose(text);
    expect(found[0]).toBe(`3:3 dsl-unknown-keyword: unknown keyword 'retyr'; did you mean 'retry'? (here: ${ROUTE})`);
    // The doubled `using` on line 7 is the author's own mistake: reported where it is.
    expect(found[1]).toMatch(/^7:25 dsl-syntax: expected a name but found the keyword 'using'/);
    // Without the misspelling, the same errors are reported at the same places.
    expect(diagnose(text.replace("retyr", "retry"))).toEqual(found.slice(1));
  });

  it("reports a misspelt route statement that would otherwise read as an entry", () => {
    expect(diagnose('route r {\n  on psa.x\n  timout 2m\n  description "d"\n}\n')).toEqual([
      `3:3 dsl-unknown-keyword: unknown keyword 'timout'; did you mean 'timeout'? (here: ${ROUTE})`,
    ]);
  });

  it("reports a misspelt document keyword with the kinds", () => {
    expect(diagnose("rout r {\n  on psa.x\n}\n")).toEqual([
      "1:1 dsl-unknown-keyword: unknown keyword 'rout'; did you mean 'route'? (here: route, mapping, ownership, system, entity, reconciliation or policy)",
    ]);
  });

  it("reports a misspelt rule of a classify step and arm of a branch, without the errors recovery leaves", () => {
    const text = `route r {
  steps {
    classify billing {
      whn {{ chargeType = "time" }} then billable
      otherwise internal
    }
    branch {
      wehn {{ $class.billing = "billable" }} {
        map x
      }
    }
  }
}
`;
    expect(diagnose(text)).toEqual([
      "4:7 dsl-unknown-keyword: unknown keyword 'whn'; did you mean 'when'? (here: when or otherwise)",
      "8:7 dsl-unknown-keyword: unknown keyword 'wehn'; did you mean 'when'? (here: when or otherwise)",
    ]);
  });

  it("reports a misspelt modifier or clause keyword after a whole statement on its line", () => {
    expect(diagnose('route r {\n  sla 1d noet "x"\n  steps {\n    map x whn {{ a }}\n    deliver erp.x usng m\n  }\n}\n')).toEqual([
      `2:10 dsl-unknown-keyword: unknown keyword 'noet'; did you mean 'note'? (here: note, ${ROUTE})`,
      `4:11 dsl-unknown-keyword: unknown keyword 'whn'; did you mean 'when'? (here: when, note, ${STEPS})`,
      `5:19 dsl-unknown-keyword: unknown keyword 'usng'; did you mean 'using'? (here: using, with, correct, when, note, ${STEPS})`,
    ]);
  });

  it("reports a misspelt mapping statement, and takes the mapping's own keys as entries", () => {
    expect(diagnose("mapping m {\n  form psa.TimeEntry\n  to TimeEntry\n}\n")).toEqual([
      "2:3 dsl-unknown-keyword: unknown keyword 'form'; did you mean 'from'? (here: from, to, lookup or test)",
    ]);
    const entries = "mapping m {\n  from psa.TimeEntry\n  to TimeEntry\n  lookups { rates { kind reference-data, entity RateCard } }\n  tests []\n  expression {{ $ }}\n}\n";
    expect(diagnose(entries)).toEqual([]);
  });

  it("keeps the errors of the next document", () => {
    expect(diagnose("route r {\n  timout 2m\n}\nroute q {\n  on\n}\n")).toEqual([
      `2:3 dsl-unknown-keyword: unknown keyword 'timout'; did you mean 'timeout'? (here: ${ROUTE})`,
      "6:1 dsl-syntax: expected 'canonical', 'schedule', a name or a quoted string but found '}'",
    ]);
  });

  it("is the only finding of spec validate for the document, located in the .sync file", async () => {
    const dir = writeSpecSet({ "route.sync": "route r {\n  on psa.x\n  timout 2m\n  steps {\n    mapp x\n  }\n}\n" });
    const result = await runCli(["validate", ".", "--format", "json"], dir);
    const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: { code: string; file: string; line: number; column: number }[] };
    expect(diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([
      ["dsl-unknown-keyword", "route.sync", 3, 3],
      ["dsl-unknown-keyword", "route.sync", 5, 5],
    ]);
    expect(result.code).toBe(1);
  });
});
