/**
 * Vector search measured from one process against a PostgreSQL that holds the catalogue's offline vectors: top-10
 * through the HNSW index, the same top-10 by a sequential scan (with HNSW's recall against it), and the in-process
 * floor, a brute-force cosine scan of every category vector held in this process. Shared by both bench scripts,
 * with the nominee descriptions they send and the table they print.
 */
import { readFileSync } from "node:fs";
import type pg from "pg";
import { toVectorLiteral } from "../server/catalog/embed.js";

export async function timeEach<T>(n: number, fn: (i: number) => Promise<T>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return ms;
}

export interface VectorSearchTimes {
  hnswMs: number[];
  exactMs: number[];
  scanMs: number[];
  /** HNSW's recall@10 against the exact scan, over the same queries. */
  recall: number;
  vectors: number;
}

/** The pool's sessions should set `hnsw.ef_search` as the API's do. */
export async function measureVectorSearch(
  pool: pg.Pool,
  queryVectors: number[][],
  model = "use-lite-512",
): Promise<VectorSearchTimes> {
  const n = queryVectors.length;
  const hnswSql = `SELECT category_id FROM category_embeddings WHERE model = '${model}' ORDER BY embedding::vector(512) <=> $1::vector(512) LIMIT 10`;
  const exactSql = `SELECT category_id FROM category_embeddings WHERE model = $2 ORDER BY embedding <=> $1::vector LIMIT 10`;
  for (let i = 0; i < Math.min(20, n); i++) await pool.query(hnswSql, [toVectorLiteral(queryVectors[i]!)]);
  const hnswIds: number[][] = [];
  const exactIds: number[][] = [];
  const hnswMs = await timeEach(n, async (i) =>
    hnswIds.push(
      (await pool.query<{ category_id: number }>(hnswSql, [toVectorLiteral(queryVectors[i]!)])).rows.map(
        (r) => r.category_id,
      ),
    ),
  );
  const exactMs = await timeEach(n, async (i) =>
    exactIds.push(
      (await pool.query<{ category_id: number }>(exactSql, [toVectorLiteral(queryVectors[i]!), model])).rows.map(
        (r) => r.category_id,
      ),
    ),
  );
  const recall = hnswIds.reduce((s, ids, i) => s + ids.filter((id) => exactIds[i]!.includes(id)).length / 10, 0) / n;

  const all = await pool.query<{ v: string }>("SELECT embedding::text AS v FROM category_embeddings WHERE model = $1", [
    model,
  ]);
  const matrix = all.rows.map((r) => Float32Array.from(JSON.parse(r.v) as number[]));
  const scanMs = await timeEach(n, async (i) => {
    const q = queryVectors[i]!;
    const scores = new Float32Array(matrix.length);
    for (let j = 0; j < matrix.length; j++) {
      const m = matrix[j]!;
      let s = 0;
      for (let k = 0; k < m.length; k++) s += m[k]! * q[k]!;
      scores[j] = s;
    }
    return scores;
  });
  return { hnswMs, exactMs, scanMs, recall, vectors: matrix.length };
}

/** A Markdown table, columns padded to their widest cell; the first row is the header. */
export function markdownTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map(
      (r, i) =>
        `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |${i === 0 ? `\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|` : ""}`,
    )
    .join("\n");
}

/**
 * `n` distinct nominee descriptions: the eval set's, varied by an ending and numbered. `tag` goes into each one, so
 * that a run's descriptions were never seen (nor cached) by an earlier run.
 */
export function nomineeDescriptions(n: number, tag = ""): string[] {
  const nominees = JSON.parse(readFileSync("test/eval/nominees.json", "utf8")) as { description: string }[];
  const endings = [
    "",
    " We did this in under a year.",
    " Our customers noticed first.",
    " It changed how our industry works.",
    " The team was small but determined.",
    " Most of it was built in-house.",
  ];
  return Array.from(
    { length: n },
    (_, i) =>
      `${nominees[i % nominees.length]!.description}${endings[Math.floor(i / nominees.length) % endings.length]} (${tag}#${i})`,
  );
}
