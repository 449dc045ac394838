/**
 * The runtime's named errors. Each says whether retrying can help (`retryable`), so the delivery
 * policy never guesses from a message.
 */

/** A setting that cannot work, named by its field: `retry.maxAttempts must be a positive integer`. */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
  readonly retryable = false;
}

/** A target answered in a way that a retry may fix (network error, timeout, 5xx, 429). */
export class TransientDeliveryError extends Error {
  override name = "TransientDeliveryError";
  readonly retryable = true;
  constructor(
    message: string,
    /** Milliseconds the target asked us to wait (`Retry-After`), when it said. */
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A target refused the request as invalid (4xx): a person must look at it. */
export class RejectedDeliveryError extends Error {
  override name = "RejectedDeliveryError";
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The circuit breaker of a system is open: the call was not made. */
export class CircuitOpenError extends Error {
  override name = "CircuitOpenError";
  readonly retryable = true;
  constructor(
    readonly system: string,
    readonly retryAtMs: number,
  ) {
    super(`the circuit to ${system} is open`);
  }
}

/** An action on an issue that is no longer open. */
export class IssueStateError extends Error {
  override name = "IssueStateError";
  readonly retryable = false;
}

/** A webhook request that must not be processed; `status` is the HTTP answer. */
export class IntakeRejectedError extends Error {
  override name = "IntakeRejectedError";
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
