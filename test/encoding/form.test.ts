import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeForm, formPairs } from "../../src/encoding/form.ts";
import { encodeRequestBody, expandPath, MissingPathParameterError } from "../../src/encoding/request.ts";

describe("formPairs", () => {
  it("writes an object's fields as bracketed keys, the way Chargebee reads billing_address[first_name]", () => {
    expect(formPairs({ id: "c-1", billing_address: { first_name: "Ann", country: "GB" }, auto_collection: "off" })).toEqual([
      ["id", "c-1"],
      ["billing_address[first_name]", "Ann"],
      ["billing_address[country]", "GB"],
      ["auto_collection", "off"],
    ]);
  });

  it("puts a list item's index after its field by default, as in item_prices[item_price_id][0]", () => {
    expect(
      formPairs({
        item_prices: [
          { item_price_id: "consulting-GBP", unit_price: 15000 },
          { item_price_id: "travel-GBP", unit_price: 2500 },
        ],
      }),
    ).toEqual([
      ["item_prices[item_price_id][0]", "consulting-GBP"],
      ["item_prices[unit_price][0]", "15000"],
      ["item_prices[item_price_id][1]", "travel-GBP"],
      ["item_prices[unit_price][1]", "2500"],
    ]);
  });

  it("writes a list of objects and the same data as columns (Chargebee's charges[amount][0]) identically", () => {
    const rows = formPairs({ charges: [{ amount: 100, description: "Design" }, { amount: 250, description: "Build" }] });
    const columns = formPairs({ charges: { amount: [100, 250], description: ["Design", "Build"] } });
    expect(new Set(rows.map(([k, v]) => `${k}=${v}`))).toEqual(new Set(columns.map(([k, v]) => `${k}=${v}`)));
    expect(columns).toEqual([
      ["charges[amount][0]", "100"],
      ["charges[amount][1]", "250"],
      ["charges[description][0]", "Design"],
      ["charges[description][1]", "Build"],
    ]);
  });

  it("puts the index first when asked", () => {
    expect(formPairs({ lines: [{ amount: "1.50" }] }, { arrayStyle: "index-first" })).toEqual([["lines[0][amount]", "1.50"]]);
  });

  it("writes booleans and numbers as text and leaves out null, undefined and empty lists", () => {
    expect(formPairs({ a: true, b: 0, c: null, d: undefined, e: [], f: {}, g: 12.5, h: [1, null, 3] })).toEqual([
      ["a", "true"],
      ["b", "0"],
      ["g", "12.5"],
      ["h[0]", "1"],
      ["h[2]", "3"],
    ]);
  });

  it("refuses values a form cannot carry", () => {
    expect(() => formPairs({ amount: Number.NaN })).toThrow("a form value must be a finite number, not NaN");
    expect(() => formPairs({ when: () => 1 })).toThrow("a form value must be a string, number, boolean, object or list, not function at when");
  });
});

describe("encodeForm", () => {
  it("escapes brackets, ampersands and spaces as the WHATWG form serialisation does", () => {
    expect(encodeForm({ billing_address: { company: "Rowe & Co Ltd" } })).toBe("billing_address%5Bcompany%5D=Rowe+%26+Co+Ltd");
  });

  it("decodes back to its pairs, whatever the strings (law: URLSearchParams(encodeForm(x)) = formPairs(x))", () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    const body = fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1 }), leaf, { maxKeys: 3 })), {
      maxKeys: 5,
    });
    fc.assert(
      fc.property(body, (value) => {
        expect([...new URLSearchParams(encodeForm(value)).entries()]).toEqual(formPairs(value));
      }),
      { numRuns: 200 },
    );
  });
});

describe("encodeRequestBody", () => {
  it("encodes JSON and form bodies with their content types", () => {
    expect(encodeRequestBody({ Name: "Kitchen" }, "json")).toEqual({ contentType: "application/json", body: '{"Name":"Kitchen"}' });
    expect(encodeRequestBody({ id: "c 1" }, "form")).toEqual({ contentType: "application/x-www-form-urlencoded", body: "id=c+1" });
  });

  it("refuses a form body that is not an object of fields", () => {
    expect(() => encodeRequestBody([1], "form")).toThrow("a form-encoded body must be an object of fields, not a list");
  });
});

describe("expandPath", () => {
  it("fills path parameters, each kept to one segment", () => {
    expect(expandPath("/Projects/{projectId}/Time", { projectId: "a/b c" })).toBe("/Projects/a%2Fb%20c/Time");
    expect(expandPath("/invoices/{invoice-id}/record_payment", { "invoice-id": 42 })).toBe("/invoices/42/record_payment");
  });

  it("names the parameter a request lacks", () => {
    expect(() => expandPath("/Projects/{projectId}", {})).toThrow(new MissingPathParameterError("projectId", "/Projects/{projectId}"));
    expect(() => expandPath("/Projects/{projectId}", {})).toThrow("the path /Projects/{projectId} needs 'projectId', which the request does not have");
  });
});
