import { Counter, Histogram, type Registry } from "prom-client";

export interface CacheMetrics {
  /** One per cache lookup: hit, miss, or error (Redis down, slow or unreadable value: the caller computed). */
  requests: Counter<"cache" | "result">;
  /** Redis round trips of the cache, by operation (get, set). */
  duration: Histogram<"op">;
}

/** Register the cache's metrics on `registry` (once per registry). */
export function registerCacheMetrics(registry: Registry): CacheMetrics {
  return {
    requests: new Counter({
      name: "stevie_cache_requests_total",
      help: "Cache lookups, by cache and result (hit, miss, error)",
      labelNames: ["cache", "result"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "stevie_cache_operation_duration_seconds",
      help: "Duration of the cache's Redis operations, by operation",
      labelNames: ["op"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers: [registry],
    }),
  };
}
