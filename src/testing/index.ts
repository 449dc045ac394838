/**
 * `@syncspec/cli/testing` (`syncspec/testing` in this checkout): helpers for a service's own
 * tests. A fake target system that behaves as vendors' APIs do (faults, idempotency, a ledger of
 * what was posted) with a transport for `createRuntime`, and the CLI run in-process over a spec
 * set written to a temporary folder.
 */
export { createFakeTarget, type FakeTarget, type FakeTargetOptions, fakeTransport, type Fault, type LedgerEntry, requestBody } from "./fake-target.ts";
export { type CliResult, runCli, writeSpecSet } from "./spec-fixtures.ts";
