import type { Prisma } from "../db.js";
import type { ProgramRef } from "../recommend/engine.js";

/**
 * Programs rarely change: keep them in memory, reloaded at most every `ttlMs`. A reload that fails (the database
 * briefly out of reach) keeps serving the programs already loaded and tries again on the next call.
 */
export function programCache(prisma: Prisma, ttlMs = 60_000): () => Promise<Map<string, ProgramRef>> {
  let cached: { at: number; map: Map<string, ProgramRef> } | undefined;
  let loading: Promise<Map<string, ProgramRef>> | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.map;
    loading ??= prisma.program
      .findMany({ select: { id: true, code: true, name: true }, orderBy: { id: "asc" } })
      .then((rows) => {
        const map = new Map(rows.map((r) => [r.code, r]));
        cached = { at: Date.now(), map };
        return map;
      })
      .catch((err: unknown) => {
        if (cached) return cached.map;
        throw err;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };
}
