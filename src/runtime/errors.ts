/**
 * The runtime's named errors. Each says whether retrying can help (`retryable`). Delivery failures
 * are not thrown: a delivery attempt returns a settlement (see delivery/deliver.ts), and a
 * network failure is a `NetworkError` (delivery/transport.ts).
 */

/** A setting that cannot work, named by its field: `retry.maxAttempts must be a positive integer`. */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
  readonly retryable = false;
}

/** An action on an issue that does not exist or is no longer open. */
export class IssueStateError extends Error {
  override name = "IssueStateError";
  readonly retryable = false;
}

/**
 * The store could not be reached (its connections were lost, the database refused new ones) for
 * longer than the store keeps retrying, or a connection was lost while a transaction committed, so
 * whether it committed is unknown. Retrying can help: every store call is safe to repeat (accepts
 * are deduplicated by idempotency key, settlements fenced by their lease).
 */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
  readonly retryable = true;
}
