import type { TRPCError } from "@trpc/server";
import type { ResponseMeta } from "@trpc/server/http";
import { RateLimitError, type RateLimiter } from "./limiter.js";

/** Whom a limit counts: `key` names the client (an address, an API key's id); `limit` is its own limit, if it has one. */
export interface RateLimitClient {
  key: string;
  limit?: number;
}

/**
 * A tRPC middleware that counts each call against a limiter for the client `clientOf(ctx)` and refuses it with
 * TOO_MANY_REQUESTS once the client is over its limit. Every call of a batch passes through it, so a batch costs what
 * its calls cost. A call with no client (undefined) is not limited here: nginx's per-IP limit covers it. The limiter
 * may be given directly or read from the context (it is built at start-up with the rest of Deps).
 */
export function rateLimitMiddleware<TCtx>(
  limiter: RateLimiter | ((ctx: TCtx) => RateLimiter | undefined),
  clientOf: (ctx: TCtx) => RateLimitClient | undefined,
) {
  return async function rateLimit<R>(opts: { ctx: TCtx; next: () => Promise<R> }): Promise<R> {
    const client = clientOf(opts.ctx);
    const l = typeof limiter === "function" ? limiter(opts.ctx) : limiter;
    if (client && l) await l.enforce(client.key, client.limit);
    return opts.next();
  };
}

/** The seconds a caller must wait, if `err` is (or wraps) a rate-limit refusal. */
export function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof RateLimitError) return err.retryAfterSeconds;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof RateLimitError ? cause.retryAfterSeconds : undefined;
}

/**
 * For the standalone adapter's `responseMeta` option: a `Retry-After` header when any call of the (possibly batched)
 * request was refused by a rate limit — the longest wait of them. tRPC already answers 429 for TOO_MANY_REQUESTS
 * (207 for a batch with mixed results).
 */
export function rateLimitResponseMeta(opts: { errors: readonly TRPCError[] }): ResponseMeta {
  let wait: number | undefined;
  for (const e of opts.errors) {
    const s = retryAfterOf(e);
    if (s !== undefined) wait = Math.max(wait ?? 0, s);
  }
  return wait === undefined ? {} : { headers: { "retry-after": String(wait) } };
}
