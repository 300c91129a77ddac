import { createHash } from "node:crypto";
import type pg from "pg";
import type { Embedder } from "../embeddings/types.js";

/** The text a category is embedded from: its name, what it rewards, and its search terms. */
export function categorySourceText(c: {
  name: string;
  description: string;
  keywords: string[];
  programName: string;
}): string {
  return `${c.name}. ${c.description} Keywords: ${c.keywords.join(", ")}. Program: ${c.programName}.`;
}

export function sourceHash(model: string, text: string): string {
  return createHash("sha256").update(`${model}\0${text}`).digest("hex");
}

export const toVectorLiteral = (v: number[]) => `[${v.join(",")}]`;

export interface EmbedProgress {
  done: number;
  total: number;
}

/**
 * Embed every category that has no vector for this model, or whose text changed since. Each batch is committed
 * on its own, so an interrupted run resumes where it stopped.
 */
export async function embedCatalog(
  pool: pg.Pool,
  embedder: Embedder,
  opts: {
    batchSize?: number;
    onProgress?: (p: EmbedProgress) => void;
    signal?: AbortSignal;
    precomputed?: Map<string, number[]>;
  } = {},
): Promise<EmbedProgress> {
  const rows = await pool.query<{
    id: number;
    name: string;
    description: string;
    keywords: string[];
    program_name: string;
    source_hash: string | null;
  }>(
    `SELECT c.id, c.name, c.description, c.keywords, p.name AS program_name, e.source_hash
       FROM categories c JOIN programs p ON p.id = c.program_id
       LEFT JOIN category_embeddings e ON e.category_id = c.id AND e.model = $1
      ORDER BY c.id`,
    [embedder.model],
  );
  const todo = rows.rows
    .map((r) => {
      const text = categorySourceText({
        name: r.name,
        description: r.description,
        keywords: r.keywords,
        programName: r.program_name,
      });
      return { id: r.id, text, hash: sourceHash(embedder.model, text), current: r.source_hash };
    })
    .filter((r) => r.hash !== r.current);
  const progress = { done: 0, total: todo.length };
  opts.onProgress?.(progress);
  const size = opts.batchSize ?? 64;
  for (let i = 0; i < todo.length; i += size) {
    if (opts.signal?.aborted) break;
    const batch = todo.slice(i, i + size);
    const missing = batch.filter((b) => !opts.precomputed?.has(b.hash));
    const fresh = missing.length
      ? await embedder.embed(
          missing.map((b) => b.text),
          { signal: opts.signal },
        )
      : [];
    const computed = new Map(missing.map((b, j) => [b.hash, fresh[j]!]));
    const vectors = batch.map((b) => opts.precomputed?.get(b.hash) ?? computed.get(b.hash)!);
    await pool.query(
      `INSERT INTO category_embeddings (category_id, model, dimension, embedding, source_text, source_hash)
       SELECT u.id, $1, $2, u.v::vector, u.t, u.h FROM unnest($3::int[], $4::text[], $5::text[], $6::text[]) AS u(id, v, t, h)
       ON CONFLICT (category_id, model) DO UPDATE SET dimension = EXCLUDED.dimension, embedding = EXCLUDED.embedding,
         source_text = EXCLUDED.source_text, source_hash = EXCLUDED.source_hash, created_at = now()`,
      [
        embedder.model,
        embedder.dimension,
        batch.map((b) => b.id),
        vectors.map(toVectorLiteral),
        batch.map((b) => b.text),
        batch.map((b) => b.hash),
      ],
    );
    progress.done += batch.length;
    opts.onProgress?.(progress);
  }
  if (progress.done === progress.total) {
    await pool.query(
      `INSERT INTO catalog_state (key, value) VALUES ($1, now()::text) ON CONFLICT (key) DO UPDATE SET value = now()::text, updated_at = now()`,
      [`embedded:${embedder.model}`],
    );
  }
  return progress;
}
