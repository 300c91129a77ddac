import { createHash } from "node:crypto";
import type { Cache, GetOrComputeOptions } from "./cache.js";
import type { CatalogGeneration } from "./generation.js";

export const RESPONSE_TTL_SECONDS = { min: 300, default: 600, max: 900 } as const;

/** JSON with object keys sorted at every level, so equal inputs give equal text whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });
}

/**
 * Response-cache key: the procedure in clear (so `redis-cli --scan --pattern 'stevie:cache:response:recommend*'`
 * finds them), then a hash of procedure, input and catalogue generation. Pass the *parsed* input (defaults filled
 * in) so `{description}` and `{description, topK: 10}` share an entry, and put anything else the answer depends
 * on in `procedure` (e.g. `recommend@use-lite-512`).
 */
export function responseCacheKey(procedure: string, input: unknown, generation: string): string {
  const hash = createHash("sha256")
    .update(stableJson([procedure, input ?? null, generation]))
    .digest("base64url");
  return `${procedure}:${hash}`;
}

export interface ResponseCache {
  readonly ttlSeconds: number;
  /**
   * `fn()`'s result, cached under (procedure, input, catalogue generation). Never fails because of Redis or the
   * generation query. `opts.store` may keep a result out of the cache (e.g. one computed with a fallback model).
   */
  wrap<T>(procedure: string, input: unknown, fn: () => Promise<T>, opts?: GetOrComputeOptions<T>): Promise<T>;
}

export function createResponseCache(opts: {
  cache: Cache;
  generation: CatalogGeneration;
  ttlSeconds?: number;
}): ResponseCache {
  const ttlSeconds = opts.ttlSeconds ?? RESPONSE_TTL_SECONDS.default;
  if (!(ttlSeconds >= RESPONSE_TTL_SECONDS.min && ttlSeconds <= RESPONSE_TTL_SECONDS.max)) {
    throw new RangeError(
      `the response-cache TTL must be ${RESPONSE_TTL_SECONDS.min}–${RESPONSE_TTL_SECONDS.max} s, got ${ttlSeconds}`,
    );
  }
  return {
    ttlSeconds,
    async wrap(procedure, input, fn, o) {
      let generation: string;
      try {
        generation = await opts.generation.current();
      } catch {
        return fn(); // no generation, no safe key: answer uncached (the procedure will meet the same database)
      }
      return opts.cache.getOrCompute(responseCacheKey(procedure, input, generation), ttlSeconds, fn, o);
    },
  };
}
