import { describe, expect, it } from "vitest";
import { scanJsonata } from "../../src/compiler/check/jsonata-slips.ts";
import { nameHint } from "../../src/compiler/diagnostics/suggest.ts";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const systems = {
  "psa.yaml": `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: psa }
spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: bearer, token: { secret: psa-token } }
  schemas:
    TimeEntry: { type: object, properties: { timeEntryId: { type: string }, hours: { type: string }, billable: { type: boolean } } }
`,
  "erp.yaml": `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: erp }
spec:
  role: erp
  baseUrl: { env: ERP_URL }
  auth: { type: bearer, token: { secret: erp-token } }
  schemas:
    Journal: { type: object, properties: { reference: { type: string }, narration: { type: string } } }
`,
};

/** A mapping whose expression is `expression`, on line 8 of mapping.yaml from column 5. */
function mapping(expression: string): string {
  return `apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: time-to-journal }
spec:
  source: { system: psa, schema: TimeEntry }
  target: { system: erp, schema: Journal }
  expression: |
    ${expression}
`;
}

interface Found {
  code: string;
  line: number;
  column: number;
  endColumn: number;
  message: string;
}

async function diagnose(expression: string): Promise<Found[]> {
  const result = await runCli(["validate", ".", "--format", "json"], writeSpecSet({ ...systems, "mapping.yaml": mapping(expression) }));
  const report = JSON.parse(result.stdout) as { diagnostics: Found[] };
  return report.diagnostics.map(({ code, line, column, endColumn, message }) => ({ code, line, column, endColumn, message }));
}

describe("JSONata slips from JavaScript", () => {
  it.each([
    ['{ "reference": timeEntryId, "narration": billable && hours }', "&&", 55, "JSONata writes 'and' where JavaScript writes '&&' ('&' joins strings)"],
    ['{ "reference": timeEntryId, "narration": billable || hours }', "||", 55, "JSONata writes 'or' where JavaScript writes '||'"],
    ['{ "reference": timeEntryId, "narration": hours == "8" ? "day" : "part" }', "==", 52, "JSONata compares with '=', not '=='"],
    ['{ "reference": timeEntryId, "narration": hours === "8" ? "day" : "part" }', "===", 52, "JSONata compares with '=', not '==='"],
    ['{ "reference": timeEntryId, "narration": !billable ? "free" : "billed" }', "!", 46, "JSONata negates with $not(...), not '!'"],
  ])("points at %j's %s with the JSONata spelling", async (expression, op, column, hint) => {
    const found = await diagnose(expression);
    expect(found).toEqual([
      expect.objectContaining({ code: "invalid-jsonata", line: 8, column, endColumn: column + op.length }),
    ]);
    expect(found[0]?.message).toMatch(new RegExp(`^JSONata syntax error: .*; ${hint.replace(/[()$.|&?]/g, "\\$&")}$`));
  });

  it("accepts != and the JSONata spellings", async () => {
    expect(await diagnose('{ "reference": timeEntryId, "narration": hours != "8" and billable or $not(billable) ? "a" : "b" }')).toEqual([]);
  });

  it("ignores operators inside strings, names and comments", () => {
    expect(scanJsonata('"a && b" & `x || y` & /* a == b */ \'!\'').slips).toEqual([]);
    expect(scanJsonata("a && b").slips).toEqual([{ start: 2, end: 4, hint: expect.stringContaining("'and'") }]);
  });
});

describe("a Policy's custom rule written with a JavaScript operator", () => {
  it("says how JSONata spells it", async () => {
    const policy = `apiVersion: syncspec.dev/v1
kind: Policy
metadata: { name: governance }
spec:
  customRules:
    - name: mapping-has-tests
      description: Every mapping carries an example test.
      given: Mapping
      assert: $exists(spec.tests) && $count(spec.tests) > 0
`;
    const result = await runCli(["lint", ".", "--format", "json"], writeSpecSet({ ...systems, "mapping.yaml": mapping('{ "reference": timeEntryId }'), "policy.yaml": policy }));
    const found = (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics.filter((d) => d.code === "custom-rule-error");
    expect(found).toEqual([expect.objectContaining({ line: 9, message: expect.stringMatching(/^custom rule 'mapping-has-tests': assert does not parse: .*; JSONata writes 'and' where JavaScript writes '&&'/) })]);
    expect(result.code).toBe(1);
  });
});

describe("an unterminated JSONata string", () => {
  it("is located at its opening quote, not at the end of the expression", async () => {
    const expression = '{ "reference": timeEntryId, "narration": "Labour " & hours & " h }';
    const found = await diagnose(expression);
    const quote = expression.lastIndexOf('" h') + 5;
    expect(found).toEqual([{ code: "invalid-jsonata", line: 8, column: quote, endColumn: quote + 1, message: expect.stringContaining("(S0101); the string opened here is never closed") }]);
  });

  it("skips closed strings and escaped quotes to find the one left open", () => {
    expect(scanJsonata('"a \\" b" & \'it\' & "open').unterminatedString).toBe(18);
    expect(scanJsonata('"closed" & x').unterminatedString).toBeUndefined();
  });
});

describe("names far from every candidate", () => {
  it("lists the known names when none is close, and suggests when one is", async () => {
    const far = await diagnose('{ "reference": timeEntryId, "narration": description }');
    expect(far).toEqual([
      expect.objectContaining({
        code: "mapping-unknown-path",
        message: "the mapping reads 'description', but 'description' is not a field of psa schema TimeEntry; known names are 'timeEntryId', 'hours', 'billable'",
      }),
    ]);
    const close = await diagnose('{ "reference": timeEntryId, "narration": hour }');
    expect(close[0]?.message).toContain("did you mean 'hours'?");
  });

  it("lists a set target's fields when the key is far from all of them", async () => {
    const found = await diagnose('{ "reference": timeEntryId, "memo": hours }');
    expect(found).toEqual([
      expect.objectContaining({ code: "mapping-unknown-target", message: "the mapping sets 'memo', which is not a field of erp schema Journal; known names are 'reference', 'narration'" }),
    ]);
  });

  it("lists an unknown key's siblings in a document", async () => {
    const set = { ...systems, "mapping.yaml": mapping('{ "reference": timeEntryId }').replace("  expression:", "  colour: blue\n  expression:") };
    const result = await runCli(["validate", ".", "--format", "json"], writeSpecSet(set));
    const messages = (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics.map((d) => d.message);
    expect(messages).toEqual([expect.stringMatching(/^unknown key 'colour' in .*; known names are 'source', 'target', /)]);
  });

  it("caps the list at a dozen names and says how many more", () => {
    const names = Array.from({ length: 15 }, (_, i) => `field${String.fromCharCode(97 + i)}${i}`);
    expect(nameHint("zzzzzzzzzz", names)).toEqual({ known: `${names.slice(0, 12).map((n) => `'${n}'`).join(", ")} and 3 more` });
    expect(nameHint("fieldb1x", names)).toEqual({ suggestion: "fieldb1" });
    expect(nameHint("x", [])).toEqual({});
  });
});
