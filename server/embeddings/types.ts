/**
 * A text-embedding backend. Every vector it returns is L2-normalised, so cosine similarity is a plain dot product.
 * `model` is stored next to each vector: vectors from different models (or dimensions) must never be compared.
 */
export interface Embedder {
  /** e.g. "use-lite-512" or "text-embedding-3-small". */
  readonly model: string;
  /** Length of every vector, e.g. 512 or 1536. */
  readonly dimension: number;
  /** One unit-length vector per text, in input order. An empty array gives []. */
  embed(texts: string[], opts?: { signal?: AbortSignal }): Promise<number[][]>;
  /**
   * The work ahead of a new call: texts queued or running, and what one text costs (a moving average, ms). Only an
   * embedder that runs its calls one after another on this host (the offline model's worker thread) says.
   */
  load?(): { queuedTexts: number; msPerText: number };
  /** Free the model / connections. The embedder must not be used afterwards. */
  close?(): Promise<void>;
}

/**
 * Canonical form of a text, for use as a cache key: Unicode NFKC, lower-case, runs of whitespace collapsed to one
 * space, trimmed. Note the offline model is case-sensitive, so "Apple" and "apple" share a key but not a vector;
 * embed `normaliseText(text)` if the cache must be exact.
 */
export function normaliseText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

/** Scale a vector to unit L2 length. A zero (or non-finite) vector is returned as zeros rather than NaNs. */
export function l2normalise(v: ArrayLike<number>): number[] {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) * (v[i] as number);
  const norm = Math.sqrt(sum);
  const out = new Array<number>(v.length);
  if (!(norm > 0) || !Number.isFinite(norm)) return out.fill(0);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) / norm;
  return out;
}

/** Split `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A query that was not embedded because the work ahead of it would take longer than the caller's budget (issue 28):
 * the caller answers without a vector. The embedding goes on in the background, so the same text is ready next time.
 */
export class EmbeddingDeferred extends Error {
  constructor(
    readonly backlogMs: number,
    readonly budgetMs: number,
  ) {
    super(`the embedding work ahead (~${Math.round(backlogMs)} ms) exceeds the ${budgetMs} ms budget`);
    this.name = "EmbeddingDeferred";
  }
}
