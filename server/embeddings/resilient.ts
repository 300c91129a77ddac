import type { OpenAIBreaker } from "../openai/breaker.js";
import { noopObserver, type OpenAIObserver } from "../openai/metrics.js";
import { classifyError } from "../openai/retry.js";
import type { Embedder } from "./types.js";

/** Vectors together with the model that produced them: vectors of different models must never be compared. */
export interface ModelVectors {
  model: string;
  dimension: number;
  vectors: number[][];
  /** True when the primary failed or its circuit is open and the fallback answered. */
  fallback: boolean;
}

export interface ResilientEmbedder extends Embedder {
  readonly primary: Embedder;
  readonly fallback: Embedder;
  /** Primary through the breaker; the fallback when the circuit is open or the primary fails. */
  embedWithModel(texts: string[], opts?: { signal?: AbortSignal }): Promise<ModelVectors>;
  /** One query text: what RecommendDeps.embedQuery should be, so the search uses the vectors of `model`. */
  embedQuery(text: string, opts?: { signal?: AbortSignal }): Promise<{ model: string; vector: number[] }>;
  /**
   * embedQuery with each model's queries going through `wrap` (a cache): `wrap(this)` for the primary (its embed()
   * goes through the breaker, and a cached primary vector is still served while the circuit is open), `wrap(fallback)`
   * for the fallback. Cache keys must contain the model, as embeddingCacheKey's do.
   */
  wrapQueries(
    wrap: (embedder: Embedder) => EmbedQueryFn,
  ): (text: string) => Promise<{ model: string; vector: number[] }>;
}

/** A query embedder for one model, e.g. the Redis-cached `cachedEmbedQuery(embedder, cache)`. */
export type EmbedQueryFn = (text: string) => Promise<number[]>;

export interface ResilientEmbedderOptions {
  observer?: OpenAIObserver;
  log?: { warn(obj: object, msg?: string): void };
}

/**
 * Query embeddings that survive an OpenAI outage. `embed()` (the plain Embedder contract, whose vectors are stored
 * under `model`) never falls back: it is the primary through the breaker, so the catalogue is never embedded with a
 * mix of models. Only `embedWithModel` / `embedQuery`, which say which model answered, fall back.
 */
export function createResilientEmbedder(
  primary: Embedder,
  fallback: Embedder,
  breaker: OpenAIBreaker,
  opts: ResilientEmbedderOptions = {},
): ResilientEmbedder {
  const observer = opts.observer ?? noopObserver;

  async function viaFallback(texts: string[], signal: AbortSignal | undefined, reason: string): Promise<ModelVectors> {
    observer.fallback("embeddings");
    opts.log?.warn(
      { model: primary.model, fallbackModel: fallback.model, reason },
      "embedding with the fallback model",
    );
    return {
      model: fallback.model,
      dimension: fallback.dimension,
      vectors: await fallback.embed(texts, { signal }),
      fallback: true,
    };
  }

  async function embedWithModel(texts: string[], { signal }: { signal?: AbortSignal } = {}): Promise<ModelVectors> {
    signal?.throwIfAborted();
    try {
      const vectors = await breaker.run(() => primary.embed(texts, { signal }), "embeddings");
      return { model: primary.model, dimension: primary.dimension, vectors, fallback: false };
    } catch (err) {
      if (signal?.aborted) throw signal.reason ?? err;
      return viaFallback(texts, signal, classifyError(err).kind);
    }
  }

  const self: ResilientEmbedder = {
    model: primary.model,
    dimension: primary.dimension,
    primary,
    fallback,
    embed: (texts, o) => breaker.run(() => primary.embed(texts, o), "embeddings"),
    embedWithModel,
    async embedQuery(text, o) {
      const r = await embedWithModel([text], o);
      return { model: r.model, vector: r.vectors[0]! };
    },
    wrapQueries(wrap) {
      const viaPrimary = wrap(self);
      const viaFallback = wrap(fallback);
      return async (text) => {
        try {
          return { model: primary.model, vector: await viaPrimary(text) };
        } catch (err) {
          observer.fallback("embeddings");
          opts.log?.warn(
            { model: primary.model, fallbackModel: fallback.model, reason: classifyError(err).kind },
            "embedding with the fallback model",
          );
          return { model: fallback.model, vector: await viaFallback(text) };
        }
      };
    },
    async close() {
      await Promise.allSettled([primary.close?.(), fallback.close?.()]);
    },
  };
  return self;
}
