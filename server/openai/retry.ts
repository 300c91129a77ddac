import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Retries for every OpenAI call (embeddings and chat): up to `maxRetries` more attempts after the first, exponential
 * backoff with jitter, Retry-After honoured on 429/503 (but never waited out when longer than `maxRetryAfterMs`),
 * and the caller's AbortSignal stops both the request and the wait. The SDK's own retries stay off (maxRetries: 0):
 * they sleep through any Retry-After, and not abortably.
 */

/** Why an OpenAI call failed, as reported in metrics and logs. */
export type OpenAIErrorKind =
  | "timeout"
  | "connection"
  | "rate_limit"
  | "quota"
  | "server"
  | "auth"
  | "bad_request"
  | "circuit_open"
  | "stream_interrupted"
  | "invalid_response"
  | "aborted"
  | "other";

/** A failed OpenAI call. The message never contains the API key. */
export class OpenAIRequestError extends Error {
  readonly kind: OpenAIErrorKind;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly requestId: string | undefined;
  constructor(message: string, o: { kind: OpenAIErrorKind; status?: number; attempts?: number; requestId?: string }) {
    super(message);
    this.name = "OpenAIRequestError";
    this.kind = o.kind;
    this.status = o.status;
    this.attempts = o.attempts ?? 1;
    this.requestId = o.requestId;
  }
}

/** A stream that stalled (kind "timeout") or ended without a finish reason ("stream_interrupted"); retryable. */
export class StreamError extends Error {
  constructor(
    message: string,
    readonly kind: "timeout" | "stream_interrupted",
  ) {
    super(message);
    this.name = "StreamError";
  }
}

export interface ErrorClass {
  kind: OpenAIErrorKind;
  status: number | undefined;
  /** Worth another attempt (timeouts, connection errors, 408/409/429/5xx). */
  retryable: boolean;
}

export function classifyError(err: unknown): ErrorClass {
  if (err instanceof OpenAIRequestError) return { kind: err.kind, status: err.status, retryable: false };
  if (err instanceof APIUserAbortError) return { kind: "aborted", status: undefined, retryable: false };
  if (err instanceof APIConnectionTimeoutError) return { kind: "timeout", status: undefined, retryable: true };
  if (err instanceof APIConnectionError) return { kind: "connection", status: undefined, retryable: true };
  if (err instanceof APIError && err.status !== undefined) {
    const { status } = err;
    if (status === 429 && err.code === "insufficient_quota") return { kind: "quota", status, retryable: false }; // retrying cannot help
    if (status === 429) return { kind: "rate_limit", status, retryable: true };
    if (status === 408) return { kind: "timeout", status, retryable: true };
    if (status === 409 || status >= 500) return { kind: "server", status, retryable: true };
    if (status === 401 || status === 403) return { kind: "auth", status, retryable: false };
    return { kind: "bad_request", status, retryable: false };
  }
  if (err instanceof APIError) return { kind: "stream_interrupted", status: undefined, retryable: true }; // an error event inside a stream
  if (err instanceof StreamError) return { kind: err.kind, status: undefined, retryable: true };
  // undici: "TypeError: terminated" when the response body breaks off (a dropped connection mid-body)
  if (err instanceof TypeError && /terminated|fetch failed|socket/i.test(`${err.message} ${String(err.cause ?? "")}`)) {
    return { kind: "connection", status: undefined, retryable: true };
  }
  if (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError"))
    return { kind: "aborted", status: undefined, retryable: false };
  return { kind: "other", status: undefined, retryable: false };
}

/** Milliseconds from retry-after-ms or Retry-After (seconds or an HTTP date), if present. */
export function parseRetryAfter(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers?.get("retry-after");
  if (!raw) return undefined;
  const s = Number(raw);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** First backoff (default 500 ms), doubled each attempt up to maxDelayMs (default 8 s), minus up to 25% jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest wait we accept from a Retry-After header; a longer one fails the call instead of stalling it (default 60 s). */
  maxRetryAfterMs?: number;
}

export interface RetryOptions extends RetryPolicy {
  signal?: AbortSignal;
  /** Scrubs secrets (the API key) out of error messages. */
  scrub?: (s: string) => string;
  /** Prefix of the final error's message, e.g. "OpenAI embeddings request". */
  what?: string;
  /** Every attempt, when it ends: its duration and, if it failed, why. */
  onAttempt?: (a: { attempt: number; ms: number; error?: ErrorClass }) => void;
  onRetry?: (r: { attempt: number; delayMs: number; error: ErrorClass; message: string }) => void;
  /** Override per error: false stops retrying (e.g. a stream that already sent text to the user). */
  shouldRetry?: (err: unknown, c: ErrorClass) => boolean;
  random?: () => number;
}

export const DEFAULT_RETRY: Required<RetryPolicy> = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** How long to wait before attempt `attempt + 1`, or undefined when the error is not worth retrying. */
export function retryDelay(
  err: unknown,
  c: ErrorClass,
  attempt: number,
  policy: Required<RetryPolicy>,
  random: () => number = Math.random,
): number | undefined {
  if (!c.retryable) return undefined;
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs) * (1 - random() * 0.25);
  const retryAfter = err instanceof APIError ? parseRetryAfter(err.headers) : undefined;
  if (retryAfter === undefined) return backoff;
  return retryAfter <= policy.maxRetryAfterMs ? retryAfter : undefined;
}

/**
 * Run `fn` until it succeeds, the error is not retryable, or the retries are used up. Failures become an
 * OpenAIRequestError (kind, status, attempts, request id; message scrubbed); an abort by the caller rethrows the
 * signal's reason.
 */
export async function withRetry<T>(
  fn: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const policy: Required<RetryPolicy> = {
    maxRetries: opts.maxRetries ?? DEFAULT_RETRY.maxRetries,
    baseDelayMs: opts.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: opts.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    maxRetryAfterMs: opts.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs,
  };
  const { signal, scrub = (s) => s, what = "OpenAI request" } = opts;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    const t0 = performance.now();
    try {
      const out = await fn(attempt, signal);
      opts.onAttempt?.({ attempt, ms: performance.now() - t0 });
      return out;
    } catch (err) {
      if (signal?.aborted) {
        opts.onAttempt?.({
          attempt,
          ms: performance.now() - t0,
          error: { kind: "aborted", status: undefined, retryable: false },
        });
        throw signal.reason ?? err;
      }
      const c = classifyError(err);
      opts.onAttempt?.({ attempt, ms: performance.now() - t0, error: c });
      if (err instanceof OpenAIRequestError) throw err;
      const message = scrub(err instanceof Error ? err.message : String(err));
      const allowed = opts.shouldRetry ? opts.shouldRetry(err, c) : true;
      const delay = allowed ? retryDelay(err, c, attempt, policy, opts.random) : undefined;
      if (attempt > policy.maxRetries || delay === undefined) {
        const requestId = err instanceof APIError ? (err.requestID ?? undefined) : undefined;
        throw new OpenAIRequestError(`${what} failed after ${attempt} attempt(s): ${message}`, {
          kind: c.kind,
          status: c.status,
          attempts: attempt,
          requestId,
        });
      }
      opts.onRetry?.({ attempt, delayMs: delay, error: c, message });
      await sleep(delay, undefined, signal ? { signal } : {}).catch((e: unknown) => {
        throw signal?.reason ?? e;
      });
    }
  }
}

/** A function that replaces every occurrence of `secret` by "[redacted]". */
export function scrubber(secret: string | undefined): (s: string) => string {
  return secret ? (s) => s.split(secret).join("[redacted]") : (s) => s;
}
