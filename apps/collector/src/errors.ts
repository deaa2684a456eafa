/**
 * The OTel Collector's error contract: a permanent error is the sender's fault and is never
 * retried (4xx); a retryable one is ours (overload, store down) and carries Retry-After.
 */
export class PermanentError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

export class RetryableError extends Error {
  constructor(
    readonly status: 429 | 503,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
