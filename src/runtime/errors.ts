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
