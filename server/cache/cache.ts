import type { Redis } from "ioredis";
import { throttledWarn, type Logger } from "../logger.js";
import type { CacheMetrics } from "./metrics.js";
import { timebox } from "./timebox.js";

/**
 * A named cache over Redis with JSON values. Every key is written with a TTL (SET … PX), never without.
 * Redis is only an accelerator here: each Redis call is time-boxed (50 ms by default) and any failure — Redis down,
 * slow, or a value that no longer parses — counts as an error and the caller computes the value itself. A cache
 * call never fails a request; only `compute` can.
 */
export interface Cache {
  readonly name: string;
  /** The Redis key for `key` (before the client's "stevie:" prefix). */
  keyOf(key: string): string;
  /** The cached value, or undefined on a miss or any Redis problem. */
  get<T>(key: string): Promise<T | undefined>;
  /** Store `value` for `ttlSeconds`. False when it was not stored (Redis problem, too big, not JSON). */
  set(key: string, value: unknown, ttlSeconds: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * The cached value, or `compute()`'s result, stored for `ttlSeconds`. Concurrent calls for one key in this process
   * share one lookup and one computation (single flight). A rejection of `compute` is passed on and not cached.
   * Values must survive JSON: a Date, Map or Set is refused (returned but not cached). `opts.store` may veto storing
   * a value (e.g. an answer computed in a degraded mode).
   */
  getOrCompute<T>(
    key: string,
    ttlSeconds: number,
    compute: () => Promise<T>,
    opts?: GetOrComputeOptions<T>,
  ): Promise<T>;
}

export interface GetOrComputeOptions<T> {
  /** Store a computed value only when this says so (default: always). */
  store?: (value: T) => boolean;
}

export interface CacheOptions {
  /** Names the cache in keys (cache:<name>:<key>) and in metrics. */
  name: string;
  /** Longest wait for one Redis call before computing uncached. */
  timeoutMs?: number;
  /** Larger values are not cached (the spec sizes responses at 10–50 KB). */
  maxValueBytes?: number;
  metrics?: CacheMetrics;
  log?: Pick<Logger, "warn">;
}

/** Seconds → whole milliseconds, refusing anything that would write a key without (or with a nonsensical) TTL. */
export function ttlMillis(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0)
    throw new RangeError(`a cache TTL must be a positive number of seconds, got ${ttlSeconds}`);
  return Math.max(1, Math.round(ttlSeconds * 1000));
}

/** JSON for the cache, or a TypeError for values JSON would silently change (Date → string, Map → {}). */
export function toCacheJson(value: unknown): string | undefined {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const original = this[key];
    if (original instanceof Date || original instanceof Map || original instanceof Set) {
      throw new TypeError(
        `${key ? `"${key}"` : "the value"} is a ${original.constructor.name}, which does not survive JSON`,
      );
    }
    return v;
  });
}

/** A miss by the time box keeps Redis's answer coming (`late`): a failed computation may still use it. */
type Lookup = { found: true; value: unknown } | { found: false; late?: Promise<string | null> };

export function createCache(redis: Redis, opts: CacheOptions): Cache {
  const { name, timeoutMs = 50, maxValueBytes = 512 * 1024, metrics, log } = opts;
  const inflight = new Map<string, Promise<unknown>>();
  const throttled = throttledWarn(log);
  const warn = (err: unknown, msg: string) => throttled({ cache: name, err: (err as Error).message }, msg);
  const keyOf = (key: string) => `cache:${name}:${key}`;
  const count = (result: "hit" | "miss" | "error") => metrics?.requests.inc({ cache: name, result });

  async function lookup(key: string): Promise<Lookup> {
    const end = metrics?.duration.startTimer({ op: "get" });
    let raw: string | null;
    const get = redis.get(keyOf(key));
    try {
      raw = await timebox(get, timeoutMs, `cache ${name} get`);
    } catch (err) {
      count("error");
      warn(err, "cache unavailable; computing uncached");
      return { found: false, late: get.catch(() => null) };
    } finally {
      end?.();
    }
    if (raw === null) {
      count("miss");
      return { found: false };
    }
    const value = decode(raw);
    count(value.found ? "hit" : "error");
    return value;
  }

  function decode(raw: string): Lookup {
    try {
      return { found: true, value: JSON.parse(raw) };
    } catch (err) {
      warn(err, "unreadable cache value; recomputing");
      return { found: false };
    }
  }

  async function store(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    let json: string | undefined;
    try {
      json = toCacheJson(value);
    } catch (err) {
      warn(err, "value not cacheable");
      return false;
    }
    if (json === undefined || Buffer.byteLength(json) > maxValueBytes) return false;
    const end = metrics?.duration.startTimer({ op: "set" });
    try {
      await timebox(redis.set(keyOf(key), json, "PX", ttlMs), timeoutMs, `cache ${name} set`);
      return true;
    } catch (err) {
      warn(err, "cache unavailable; value not stored");
      return false;
    } finally {
      end?.();
    }
  }

  return {
    name,
    keyOf,
    async get<T>(key: string) {
      const r = await lookup(key);
      return r.found ? (r.value as T) : undefined;
    },
    set(key, value, ttlSeconds) {
      return store(key, value, ttlMillis(ttlSeconds));
    },
    async delete(key) {
      await timebox(redis.del(keyOf(key)), timeoutMs, `cache ${name} del`).catch((err: unknown) =>
        warn(err, "cache unavailable; key not deleted"),
      );
    },
    async getOrCompute<T>(
      key: string,
      ttlSeconds: number,
      compute: () => Promise<T>,
      o: GetOrComputeOptions<T> = {},
    ): Promise<T> {
      const ttlMs = ttlMillis(ttlSeconds);
      const running = inflight.get(key);
      if (running) return running as Promise<T>;
      const flight = (async () => {
        const hit = await lookup(key);
        if (hit.found) return hit.value as T;
        let value: T;
        try {
          value = await compute();
        } catch (err) {
          // Redis answered after the time box and the computation failed (the database out of reach, say): the
          // cached value, late, beats an error. The command's own timeout (1 s) bounds the wait.
          const late = hit.late && (await hit.late);
          const rescued = late ? decode(late) : undefined;
          if (rescued?.found) return rescued.value as T;
          throw err;
        }
        if (!o.store || o.store(value)) await store(key, value, ttlMs);
        return value;
      })();
      inflight.set(key, flight);
      try {
        return await flight;
      } finally {
        inflight.delete(key);
      }
    },
  };
}
