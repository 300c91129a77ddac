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

/**
 * Query embeddings by outcome (issue 28): cached, embedded now, or deferred because the embedding work ahead was over
 * the budget (the answer went out without a vector, marked degraded). Every outcome's series exists from the start.
 */
export function registerQueryMetrics(registry: Registry): Counter<"outcome"> {
  const counter = new Counter({
    name: "stevie_query_embeddings_total",
    help: "Query embeddings by outcome: cached, embedded, deferred (answered degraded, embedded in the background)",
    labelNames: ["outcome"],
    registers: [registry],
  });
  for (const outcome of ["cached", "embedded", "deferred"]) counter.inc({ outcome }, 0);
  return counter;
}
