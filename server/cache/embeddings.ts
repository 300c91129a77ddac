import { createHash } from "node:crypto";
import { EmbeddingDeferred, normaliseText, type Embedder } from "../embeddings/types.js";
import type { Cache } from "./cache.js";

export const EMBEDDING_TTL_SECONDS = 24 * 60 * 60;
/** Background embeddings of deferred queries at once, per process: about a second of the offline model's work. */
export const MAX_BACKGROUND = 32;

/**
 * Vectors are stored as base64 float32: a quarter of the JSON size (2.7 KB for 512 dimensions instead of ~10 KB) and
 * lossless for our use, since pgvector keeps float4 anyway (the literal we send is parsed to the same float4s).
 */
export function encodeVector(v: readonly number[]): string {
  return Buffer.from(Float32Array.from(v).buffer).toString("base64");
}

/** The vector, or [] for a string that is not one. */
export function decodeVector(s: string): number[] {
  const buf = Buffer.from(s, "base64");
  if (buf.length % 4 !== 0) return [];
  // Copy first: a pooled Buffer's offset need not be a multiple of 4, which Float32Array requires.
  return Array.from(new Float32Array(Uint8Array.from(buf).buffer));
}

/**
 * The text that is embedded and hashed for the key. Always: Unicode NFKC, whitespace runs collapsed, trimmed.
 * `foldCase` also lower-cases it (that is `normaliseText`). Off by default: the offline model is case-sensitive and
 * embedding lower-cased text costs retrieval quality (npm run eval, use-lite-512: vector recall@5 0.703 → 0.664,
 * MRR 0.665 → 0.616), while nominee descriptions that differ only in case are rare, so folding buys few hits.
 */
export function queryTextFor(text: string, opts: { foldCase?: boolean } = {}): string {
  return opts.foldCase ? normaliseText(text) : text.normalize("NFKC").replace(/\s+/gu, " ").trim();
}

/** Cache key of a query text for a model: the model (case-sensitive) and a hash of the text as it is embedded. */
export function embeddingCacheKey(model: string, text: string, opts: { foldCase?: boolean } = {}): string {
  return `${model}:${createHash("sha256").update(queryTextFor(text, opts)).digest("base64url")}`;
}

/**
 * A query embedder backed by the cache, for RecommendDeps.embedQuery. The text it embeds is exactly the text its key
 * is hashed from (queryTextFor), so two texts that share a key also share a vector: the cache is exact. An
 * embedding failure is passed on; a cache failure only costs the embedding.
 */
export function cachedEmbedQuery(
  embedder: Embedder,
  cache: Cache,
  opts: {
    ttlSeconds?: number;
    foldCase?: boolean;
    budgetMs?: number;
    /** Each query's fate: its vector was cached, embedded now, or deferred (over the budget). */
    onOutcome?: (outcome: "cached" | "embedded" | "deferred") => void;
  } = {},
): (text: string) => Promise<number[]> {
  const ttl = opts.ttlSeconds ?? EMBEDDING_TTL_SECONDS;
  let background = 0;
  // Queries admitted under the budget whose text has not reached the embedder yet (a cache lookup comes first):
  // counted as work ahead, so that a burst arriving at once is not admitted whole.
  let admitted = 0;
  return async (text) => {
    const model = embedder.model;
    const key = embeddingCacheKey(model, text, opts);
    const embed = async () => {
      const [vector] = await embedder.embed([queryTextFor(text, opts)]);
      if (!vector || vector.length !== embedder.dimension)
        throw new Error(`embedder ${model} returned no ${embedder.dimension}-dimension vector`);
      return encodeVector(vector);
    };
    // Degrade, never queue (issue 28): over the budget, a text not in the cache is embedded in the background (at most
    // MAX_BACKGROUND at once; more would only lengthen the queue) and the caller answers without its vector now.
    const load = opts.budgetMs === undefined ? undefined : embedder.load?.();
    const backlog = load ? (load.queuedTexts + admitted) * load.msPerText : 0;
    if (opts.budgetMs !== undefined && backlog > opts.budgetMs) {
      const hit = await cache.get<string>(key);
      const vector = typeof hit === "string" ? decodeVector(hit) : [];
      if (vector.length === embedder.dimension) {
        opts.onOutcome?.("cached");
        return vector;
      }
      opts.onOutcome?.("deferred");
      if (background < MAX_BACKGROUND) {
        background++;
        cache
          .getOrCompute(key, ttl, embed)
          .catch(() => undefined)
          .finally(() => background--);
      }
      throw new EmbeddingDeferred(backlog, opts.budgetMs);
    }
    let embedded = false;
    let holding = Boolean(load);
    const release = () => {
      if (holding) admitted--;
      holding = false;
    };
    if (holding) admitted++;
    let encoded: unknown;
    try {
      encoded = await cache.getOrCompute(key, ttl, () => {
        embedded = true;
        release(); // the embedder counts the text from here
        return embed();
      });
    } finally {
      release();
    }
    opts.onOutcome?.(embedded ? "embedded" : "cached");
    const vector = typeof encoded === "string" ? decodeVector(encoded) : [];
    if (vector.length === embedder.dimension) return vector;
    // Only a value written by hand (or by a different build) gets here: drop it and embed.
    await cache.delete(key);
    return decodeVector(await embed());
  };
}
