import { createHash } from "node:crypto";
import { TRPCError } from "@trpc/server";
import type { Redis } from "ioredis";
import { Counter, type Registry } from "prom-client";
import { timebox } from "../cache/timebox.js";
import { throttledWarn, type Logger } from "../logger.js";

/**
 * Application rate limits per client (its address, or an operator-issued API key), on top of nginx's per-IP limit:
 * at most `limit` calls in any sliding window of `windowSeconds` (the spec: one hour).
 *
 * Algorithm: the sliding-window counter (as in Cloudflare's and Redis' write-ups). Each client has the counts of the
 * current and the previous fixed window; the calls of the last `window` are estimated as previous × (share of the
 * previous window still inside the sliding window) + current. That keeps the state at two integers per client (well
 * under the spec's 1 KB) where an exact log keeps one entry per call, and it has no fixed-window burst (2 × limit
 * around a window boundary). One Lua script reads, decides and counts atomically, with Redis' own clock (replicas'
 * clocks don't matter). Refused calls are not counted, so a client that keeps knocking is let in again as its window
 * slides.
 *
 * Where the counts live: one hash per limiter, a field per client and window, each field expiring on its own two
 * windows after its last accepted call (hash-field expiry, Redis 7.4+). The hash itself has no TTL, so Redis'
 * `volatile-lru` eviction, which makes room by dropping cached answers, can never drop the counters: filling the cache
 * must not reset anyone's limit (issue 22).
 *
 * Retry-After is when the estimate will have slid back under the limit, assuming the client stops meanwhile: at
 * most window × (1 + 1/limit) after being refused (e.g. 3,636 s for 100/hour at worst, usually less).
 */

const SLIDING_WINDOW_LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local client = ARGV[4]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local idx = math.floor(now / window)
local elapsed = now - idx * window
local curField = client .. ':' .. idx
local cur = tonumber(redis.call('HGET', KEYS[1], curField) or '0')
local prev = tonumber(redis.call('HGET', KEYS[1], client .. ':' .. (idx - 1)) or '0')
local used = prev * (window - elapsed) / window + cur
if used + cost > limit then
  local wait
  if cur + cost > limit then
    wait = (window - elapsed) + math.ceil(window * (1 - (limit - cost) / cur))
  else
    wait = math.ceil(window * (1 - (limit - cost - cur) / prev)) - elapsed
  end
  if wait < 1 then wait = 1 end
  return {0, 0, wait}
end
redis.call('HINCRBY', KEYS[1], curField, cost)
redis.call('HPEXPIRE', KEYS[1], (idx + 2) * window - now, 'FIELDS', 1, curField)
return {1, math.floor(limit - used - cost), 0}
`;

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the sliding window after this one (0 when refused). */
  remaining: number;
  /** Whole seconds until a request would be accepted; 0 when allowed. */
  retryAfterSeconds: number;
  /** Redis could not be asked (down, slow): the request was let through. */
  failedOpen: boolean;
}

/** Thrown when a client is over its limit: TOO_MANY_REQUESTS (HTTP 429) with the seconds to wait. */
export class RateLimitError extends TRPCError {
  readonly retryAfterSeconds: number;
  readonly limit: number;
  constructor(
    decision: Pick<RateLimitDecision, "retryAfterSeconds" | "limit">,
    windowSeconds: number,
    unit = "requests",
  ) {
    super({
      code: "TOO_MANY_REQUESTS",
      message: `rate limit of ${decision.limit} ${unit} per ${describeWindow(windowSeconds)} reached; retry in ${decision.retryAfterSeconds} s`,
    });
    this.retryAfterSeconds = decision.retryAfterSeconds;
    this.limit = decision.limit;
  }
}

function describeWindow(s: number): string {
  if (s === 3600) return "hour";
  if (s % 3600 === 0) return `${s / 3600} hours`;
  if (s === 60) return "minute";
  return s % 60 === 0 ? `${s / 60} minutes` : `${s} s`;
}

export interface RateLimitMetrics {
  decisions: Counter<"limiter" | "result">;
}

/** `stevie_ratelimit_decisions_total{limiter,result=allowed|limited|failed_open}`; register once per registry. */
export function registerRateLimitMetrics(registry: Registry): RateLimitMetrics {
  return {
    decisions: new Counter({
      name: "stevie_ratelimit_decisions_total",
      help: "Rate-limit decisions, by limiter and result (allowed, limited, failed_open: Redis unavailable, let through)",
      labelNames: ["limiter", "result"],
      registers: [registry],
    }),
  };
}

export interface RateLimiterOptions {
  /** Names the limiter in keys (ratelimit:<name>:…) and metrics, e.g. "api". */
  name: string;
  /** Calls allowed per sliding window (a client may have its own, see check). */
  limit: number;
  /** What is counted, for the refusal's message ("requests", "new sessions"). */
  unit?: string;
  /** The window; the spec's is one hour. */
  windowSeconds?: number;
  /** Longest wait for Redis before letting the request through. */
  timeoutMs?: number;
  metrics?: RateLimitMetrics;
  log?: Pick<Logger, "warn">;
}

export interface RateLimiter {
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: number;
  /** The Redis hash that holds this limiter's counts (before the client's "stevie:" prefix). */
  readonly key: string;
  /** The hash field prefix of a client key (hashed: no address or API key appears in Redis). */
  fieldOf(clientKey: string): string;
  /** Count one call for `clientKey` if it is within the limit (`limit` overrides the default, e.g. an API key's own). Never throws. */
  check(clientKey: string, limit?: number): Promise<RateLimitDecision>;
  /** As check, but throw a RateLimitError (TOO_MANY_REQUESTS) when the client is over its limit. */
  enforce(clientKey: string, limit?: number): Promise<RateLimitDecision>;
}

type Scripted = Redis & {
  stevieSlidingWindow(
    key: string,
    limit: number,
    windowMs: number,
    cost: number,
    client: string,
  ): Promise<[number, number, number]>;
};

export function createRateLimiter(redis: Redis, opts: RateLimiterOptions): RateLimiter {
  const { name, limit, unit, windowSeconds = 3600, timeoutMs = 100, metrics, log } = opts;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`rate limit "${name}": limit must be a positive integer, got ${limit}`);
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1)
    throw new RangeError(`rate limit "${name}": windowSeconds must be a positive integer, got ${windowSeconds}`);
  // defineCommand: EVALSHA with a fallback to EVAL, and ioredis applies the "stevie:" key prefix to KEYS.
  if (!("stevieSlidingWindow" in redis))
    redis.defineCommand("stevieSlidingWindow", { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
  const scripted = redis as Scripted;
  const warn = throttledWarn(log);
  const key = `ratelimit:${name}`;
  const fieldOf = (clientKey: string) => createHash("sha256").update(clientKey).digest("base64url").slice(0, 32);

  async function check(clientKey: string, limitFor = limit): Promise<RateLimitDecision> {
    try {
      const [allowed, remaining, retryMs] = await timebox(
        scripted.stevieSlidingWindow(key, limitFor, windowSeconds * 1000, 1, fieldOf(clientKey)),
        timeoutMs,
        `rate limit ${name}`,
      );
      metrics?.decisions.inc({ limiter: name, result: allowed ? "allowed" : "limited" });
      return {
        allowed: allowed === 1,
        limit: limitFor,
        remaining,
        retryAfterSeconds: Math.ceil(retryMs / 1000),
        failedOpen: false,
      };
    } catch (err) {
      // Fail open: nginx's per-IP limit still stands, and refusing every request because Redis is down is worse.
      metrics?.decisions.inc({ limiter: name, result: "failed_open" });
      warn({ limiter: name, err: (err as Error).message }, "rate limiter unavailable; letting requests through");
      return { allowed: true, limit: limitFor, remaining: limitFor, retryAfterSeconds: 0, failedOpen: true };
    }
  }

  return {
    name,
    limit,
    windowSeconds,
    key,
    fieldOf,
    check,
    async enforce(clientKey, limitFor) {
      const d = await check(clientKey, limitFor);
      if (!d.allowed) throw new RateLimitError(d, windowSeconds, unit);
      return d;
    },
  };
}
