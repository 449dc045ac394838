/**
 * A delivery's body is sent as the JSON it was stored as, without parsing it again, only where
 * the operation sends it unchanged.
 */
import { describe, expect, it } from "vitest";
import { sendsBodyAsIs } from "../../src/runtime/delivery/deliver.ts";
import type { OperationDefinition } from "../../src/runtime/pipeline.ts";

const operation = (changes: Partial<OperationDefinition> = {}): OperationDefinition =>
  ({ method: "POST", path: "/journals", encoding: "json", idempotency: { mechanism: "key-header", header: "Idempotency-Key" }, ...changes }) as OperationDefinition;

describe("a body sent as it is", () => {
  it("is a JSON body with no path parameter read from it and no external id added to it", () => {
    expect(sendsBodyAsIs(operation())).toBe(true);
    expect(sendsBodyAsIs(operation({ idempotency: { mechanism: "none" } }))).toBe(true);
    expect(sendsBodyAsIs(operation({ encoding: "form" }))).toBe(false);
    expect(sendsBodyAsIs(operation({ path: "/subscriptions/{subscription-id}/charges" }))).toBe(false);
    expect(sendsBodyAsIs(operation({ idempotency: { mechanism: "upsert", externalIdField: "reference" } }))).toBe(false);
    expect(sendsBodyAsIs(operation({ method: "DELETE" }))).toBe(false);
  });
});
