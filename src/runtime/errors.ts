/**
 * The runtime's named errors, in one place. Each says whether retrying can help (`retryable`) and
 * where the work it interrupted goes (`destination`):
 *
 * | error | retryable | the work goes |
 * | --- | --- | --- |
 * | `ConfigurationError` | no | nowhere: the runtime or store refuses to start, or the call is refused |
 * | `IssueStateError` | no | nowhere: the person's action is refused, the issue stays as it was |
 * | `StoreUnavailableError` | yes | retry: the event is given back and leased again; the caller of an offer offers again |
 * | `NetworkError` | yes | retry with backoff, then the dead-letter queue once the retry policy's attempts run out |
 * | `TokenRequestError` | yes | retry, as a network error (the delivery could not be authenticated) |
 * | `StepFailedError` | no | the route's exception queue, with the reason, for a person |
 * | `PollFailedError` | yes | retry at the next polling interval; the cursor has not moved |
 *
 * A target's answer is not thrown: a delivery attempt classifies it into a settlement (retry, dead
 * letter, exception: see delivery/deliver.ts).
 */

/** Where the work an error interrupted goes. */
export type ErrorDestination = "none" | "retry" | "dead-letter" | "exception-queue";

/** An error of the runtime: whether retrying can help, and where the work goes. */
export abstract class RuntimeError extends Error {
  abstract readonly retryable: boolean;
  abstract readonly destination: ErrorDestination;
}

/** A setting that cannot work, named by its field: `retry.maxAttempts must be a positive integer`. */
export class ConfigurationError extends RuntimeError {
  override name = "ConfigurationError";
  readonly retryable = false;
  readonly destination = "none";
}

/** An action on an issue that does not exist or is no longer open. */
export class IssueStateError extends RuntimeError {
  override name = "IssueStateError";
  readonly retryable = false;
  readonly destination = "none";
}

/**
 * The store could not be reached (its connections were lost, the database refused new ones) for
 * longer than the store keeps retrying, or a connection was lost while a transaction committed, so
 * whether it committed is unknown. Retrying can help: every store call is safe to repeat (accepts
 * are deduplicated by idempotency key, settlements fenced by their lease).
 */
export class StoreUnavailableError extends RuntimeError {
  override name = "StoreUnavailableError";
  readonly retryable = true;
  readonly destination = "retry";
}

/** A network-level failure reaching a target (connection refused, reset, timeout). */
export class NetworkError extends RuntimeError {
  override name = "NetworkError";
  readonly retryable = true;
  readonly destination = "retry";
}

/** An OAuth 2.0 token endpoint did not give a token: the delivery is retried like one that met a network error. */
export class TokenRequestError extends RuntimeError {
  override name = "TokenRequestError";
  readonly retryable = true;
  readonly destination = "retry";
}

/** A route's step failed in a way only a person can fix (invalid record, missing path parameter...). */
export class StepFailedError extends RuntimeError {
  override name = "StepFailedError";
  readonly retryable = false;
  readonly destination = "exception-queue";
}

/**
 * A correction needs what an earlier version posted, and that posting is still being delivered:
 * the event is routed again once it settles. Retrying helps; nothing is sent meanwhile.
 */
export class PostingUnsettledError extends RuntimeError {
  override name = "PostingUnsettledError";
  readonly retryable = true;
  readonly destination = "retry";
}

/** A polling source's read failed (the system answered an error, or is not a polling source). */
export class PollFailedError extends RuntimeError {
  override name = "PollFailedError";
  readonly retryable = true;
  readonly destination = "retry";
}

const BY_NAME: Readonly<Record<string, new (message: string) => RuntimeError>> = {
  ConfigurationError,
  IssueStateError,
  StoreUnavailableError,
  NetworkError,
  TokenRequestError,
  StepFailedError,
  PostingUnsettledError,
  PollFailedError,
};

/** The runtime error named `name` with `message` (an error sent across a thread), or a plain Error. */
export function reviveError(name: string, message: string): Error {
  const Named = BY_NAME[name];
  const error = Named === undefined ? new Error(message) : new Named(message);
  error.name = name;
  return error;
}

/** Whether retrying what failed with `error` can help: false for an error the runtime does not know. */
export function isRetryable(error: unknown): boolean {
  return error instanceof RuntimeError && error.retryable;
}
