import type { Redis } from "ioredis";
import type pg from "pg";
import type { Registry } from "prom-client";
import type { ResilientEmbedder } from "../embeddings/resilient.js";
import type { Embedder } from "../embeddings/types.js";
import type { Logger } from "../logger.js";
import { createRateLimiter, registerRateLimitMetrics, type RateLimiter } from "../ratelimit/limiter.js";
import { createSessionStore, type SessionStore } from "../sessions/sessions.js";
import { createCache } from "./cache.js";
import { cachedEmbedQuery } from "./embeddings.js";
import { createCatalogGeneration } from "./generation.js";
import { registerCacheMetrics, registerQueryMetrics } from "./metrics.js";
import { createResponseCache, type ResponseCache } from "./responses.js";

/** The parts of the API's Deps that live in Redis, built once per process (main.ts, `stevie-stack dev`, tests). */
export interface RedisDeps {
  /**
   * Query embeddings through the Redis cache, with the model that made them (RecommendDeps.embedQuery). With a
   * resilient embedder, each model has its own cache entries and a cached OpenAI vector is still served while the
   * circuit is open; new texts then fall back to the offline model.
   */
  embedQuery: (text: string) => Promise<{ model: string; vector: number[] }>;
  /** Response cache for recommend and catalogue reads, keyed by the catalogue generation. */
  responses: ResponseCache;
  sessions: SessionStore;
  /** Calls per client (its address, or its API key) per window: every call counts, each of a batch too. */
  rateLimiter: RateLimiter;
  /** New sessions and chats per client per window: each one holds memory in Redis for a day. */
  creationLimiter: RateLimiter;
}

export interface RedisDepsOptions {
  redis: Redis;
  /** For the catalogue generation (catalog_state). */
  db: Pick<pg.Pool, "query">;
  /** The embedder for queries when there is no resilient one (offline mode). */
  embedder: Embedder;
  /** OpenAI behind the breaker with the offline fallback (createOpenAIServices().resilient), when configured. */
  resilient?: Pick<ResilientEmbedder, "wrapQueries">;
  log?: Logger;
  /** Registers the cache and rate-limit metrics here (once per registry). */
  registry?: Registry;
  /** Response-cache TTL, 300–900 s (default 600). */
  responseTtlSeconds?: number;
  /** Requests per client per window (default 1000). */
  rateLimit?: number;
  /** Rate-limit window (default 3600 s). */
  rateLimitWindowSeconds?: number;
  /** New sessions and chats per client per window (default 60). */
  creationLimit?: number;
  /** Longest wait for one cache call before computing uncached (default 50 ms). */
  cacheTimeoutMs?: number;
  /** How often each process re-reads the catalogue generation (default 5 s). */
  generationRefreshMs?: number;
  /**
   * The longest embedding work a query may wait behind (default 50 ms): past it, a query that is not cached is
   * answered without its vector and embedded in the background (issue 28).
   */
  embedBudgetMs?: number;
}

export function createRedisDeps(o: RedisDepsOptions): RedisDeps {
  const cacheMetrics = o.registry ? registerCacheMetrics(o.registry) : undefined;
  const rlMetrics = o.registry ? registerRateLimitMetrics(o.registry) : undefined;
  const log = o.log?.child({ component: "redis" });
  const common = { metrics: cacheMetrics, log, timeoutMs: o.cacheTimeoutMs };
  const embeddingCache = createCache(o.redis, { name: "embedding", ...common });
  const queries = o.registry ? registerQueryMetrics(o.registry) : undefined;
  const cachedFor = (e: Embedder) =>
    cachedEmbedQuery(e, embeddingCache, {
      budgetMs: o.embedBudgetMs ?? 50,
      onOutcome: (outcome) => queries?.inc({ outcome }),
    });
  const plain = cachedFor(o.embedder);
  return {
    embedQuery: o.resilient
      ? o.resilient.wrapQueries(cachedFor)
      : async (text) => ({ model: o.embedder.model, vector: await plain(text) }),
    responses: createResponseCache({
      cache: createCache(o.redis, { name: "response", ...common }),
      generation: createCatalogGeneration(o.db, { refreshMs: o.generationRefreshMs }),
      ttlSeconds: o.responseTtlSeconds,
    }),
    sessions: createSessionStore(o.redis),
    rateLimiter: createRateLimiter(o.redis, {
      name: "api",
      limit: o.rateLimit ?? 1000,
      windowSeconds: o.rateLimitWindowSeconds,
      metrics: rlMetrics,
      log,
    }),
    creationLimiter: createRateLimiter(o.redis, {
      name: "create",
      unit: "new sessions",
      limit: o.creationLimit ?? 60,
      windowSeconds: o.rateLimitWindowSeconds,
      metrics: rlMetrics,
      log,
    }),
  };
}
