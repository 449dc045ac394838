import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  IssueStateError,
  isRetryable,
  NetworkError,
  PollFailedError,
  reviveError,
  RuntimeError,
  StepFailedError,
  StoreUnavailableError,
  TokenRequestError,
} from "../../src/runtime/errors.ts";
import { NetworkError as TransportNetworkError } from "../../src/runtime/delivery/transport.ts";

const table = [
  [ConfigurationError, false, "none"],
  [IssueStateError, false, "none"],
  [StoreUnavailableError, true, "retry"],
  [NetworkError, true, "retry"],
  [TokenRequestError, true, "retry"],
  [StepFailedError, false, "exception-queue"],
  [PollFailedError, true, "retry"],
] as const;

describe("the runtime's errors", () => {
  it.each(table)("%o says whether retrying can help and where the work goes", (Named, retryable, destination) => {
    const error = new Named("what went wrong");
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error.name).toBe(Named.name);
    expect(error.retryable).toBe(retryable);
    expect(error.destination).toBe(destination);
    expect(isRetryable(error)).toBe(retryable);
  });

  it("revives each error sent across a thread as its own class, and an unknown one as a plain Error keeping its name", () => {
    for (const [Named] of table) {
      const revived = reviveError(Named.name, "sent");
      expect(revived).toBeInstanceOf(Named);
      expect(revived.message).toBe("sent");
    }
    const unknown = reviveError("SqliteError", "disk I/O error");
    expect(unknown).not.toBeInstanceOf(RuntimeError);
    expect(unknown.name).toBe("SqliteError");
    expect(isRetryable(unknown)).toBe(false);
  });

  it("keeps the transport's NetworkError the one of the errors module", () => {
    expect(TransportNetworkError).toBe(NetworkError);
  });
});
