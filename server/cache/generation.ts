import { createHash } from "node:crypto";
import type pg from "pg";

/**
 * The catalogue generation: a short hash of the catalogue-state rows that change when the catalogue or its
 * embeddings change (`catalog_changed_at`, written by an import that changed something, and `embedded:<model>`,
 * written when a model's vectors are complete). It is part of every response-cache key, so an import on any
 * replica (or by the migrate job) retires every cached response on every replica within `refreshMs`, without
 * Redis pub/sub or deleting keys: the old entries are simply never asked for again and expire.
 */
export interface CatalogGeneration {
  /**
   * The current generation, read from PostgreSQL at most once per refreshMs (concurrent callers share the read). Once
   * one is known, a caller never waits on the database: past refreshMs it gets the known one at once and the read
   * goes on behind it; the callers after that read get its answer.
   */
  current(): Promise<string>;
}

export const GENERATION_SQL = `SELECT key, value FROM catalog_state WHERE key = 'catalog_changed_at' OR key LIKE 'embedded:%' ORDER BY key`;

/** Pure: the generation for a set of catalog_state rows. */
export function generationOf(rows: readonly { key: string; value: string }[]): string {
  const h = createHash("sha256");
  for (const r of rows) h.update(`${r.key}\u0000${r.value}\u0000`);
  return h.digest("base64url").slice(0, 16);
}

export function createCatalogGeneration(
  pool: Pick<pg.Pool, "query">,
  opts: { refreshMs?: number; now?: () => number } = {},
): CatalogGeneration {
  const refreshMs = opts.refreshMs ?? 5_000;
  const now = opts.now ?? Date.now;
  let known: { value: string; at: number } | undefined;
  let loading: Promise<string> | undefined;
  return {
    async current() {
      if (known && now() - known.at < refreshMs) return known.value;
      loading ??= pool
        .query<{ key: string; value: string }>(GENERATION_SQL)
        .then((r) => {
          known = { value: generationOf(r.rows), at: now() };
          return known.value;
        })
        .catch((err: unknown) => {
          // While PostgreSQL is unreachable nothing can be imported either: the last generation stays right.
          if (known) return known.value;
          throw err;
        })
        .finally(() => {
          loading = undefined;
        });
      // A database that does not answer (frozen, cut off) would hold every cached answer for its connect or query
      // timeout, 5-15 s each: measured with HAProxy paused. Only the very first read is waited for.
      return known ? known.value : loading;
    },
  };
}
