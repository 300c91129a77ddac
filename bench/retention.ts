/**
 * `npm run bench:retention`: what deleting an expired recommendation history costs the answers beside it (issue 29).
 * A real PostgreSQL 17 + pgvector container (the stack's own image) with the catalogue and its offline vectors, and
 * BENCH_ROWS (1,000,000) history rows older than api.historyDays. `recommend` (uncached, hybrid) runs back to back for
 * BENCH_SECONDS (30) with the API's batched history writes beside it, first alone, then while the stack's own
 * stevie-history-retention script (compose/images/postgres/history-retention.sh) deletes the expired rows.
 * Prints one table and appends it to docs/performance.md.
 */
import { readFileSync } from "node:fs";
import { run } from "../cli/exec.js";
import { programCache } from "../server/catalog/programs.js";
import { recommend } from "../server/recommend/engine.js";
import { createHistoryWriter } from "../server/recommend/history.js";
import { recommendInput } from "../server/recommend/input.js";
import { type Catalogue, latencyRow, recordResult, withCatalogue } from "./harness.js";
import { markdownTable, nomineeDescriptions } from "./vector.js";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const SCRIPT = readFileSync(new URL("../compose/images/postgres/history-retention.sh", import.meta.url), "utf8");

/** `recommend` back to back until `until()` says stop (at least `minMs`): each call's total and database share. */
async function measure(deps: Parameters<typeof recommend>[0], texts: string[], until: () => boolean, minMs: number) {
  const total: number[] = [];
  const search: number[] = [];
  const started = performance.now();
  for (let i = 0; !until() || performance.now() - started < minMs; i++) {
    const t = performance.now();
    const r = await recommend(deps, recommendInput.parse({ description: texts[i % texts.length]!, topK: 10 }));
    total.push(performance.now() - t);
    search.push(r.timings.searchMs);
  }
  return { total, search };
}

async function bench({ services, pool, prisma, embedder }: Catalogue): Promise<void> {
  const deps = { pool, embedder, programs: programCache(prisma) };
  const texts = nomineeDescriptions(200);
  await embedder.embed(["warm-up"]);

  process.stderr.write(`writing ${ROWS.toLocaleString()} expired history rows…\n`);
  const results = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ code: `ABC-DEF-${i}`, score: 0.5 })));
  for (let done = 0; done < ROWS; done += 100_000) {
    await pool.query(
      `INSERT INTO recommendations (created_at, description_hash, profile, model, mode, results, latency_ms)
       SELECT now() - interval '100 days' - g * interval '1 second', md5(g::text), '{}', 'use-lite-512', 'hybrid', $1, 30
       FROM generate_series($2::int, $3::int) g`,
      [results, done + 1, Math.min(ROWS, done + 100_000)],
    );
  }
  await pool.query("VACUUM ANALYZE recommendations");

  // The API's history writes beside the answers: one batch of ~25 rows every 250 ms (100 answers a second).
  const history = createHistoryWriter(pool);
  const writes = setInterval(() => {
    for (let i = 0; i < 25; i++)
      history.record({
        requestId: null,
        descriptionHash: "bench",
        profile: {},
        model: "use-lite-512",
        mode: "hybrid",
        results: [],
        latencyMs: 30,
      });
  }, 250);

  process.stderr.write(`recommend for ${SECONDS} s alone…\n`);
  const alone = await measure(deps, texts, () => true, SECONDS * 1000);
  process.stderr.write("recommend while the retention script deletes the expired rows…\n");
  let purge: { seconds: number; out: string } | undefined;
  const t0 = performance.now();
  const purging = run("docker", ["exec", "-i", "-u", "postgres", `${services.project}-postgres`, "sh", "-s"], {
    input: SCRIPT,
    timeoutMs: 30 * 60_000,
  }).then((r) => (purge = { seconds: (performance.now() - t0) / 1000, out: r.stdout.trim() }));
  const during = await measure(deps, texts, () => purge !== undefined, 0);
  await purging;
  clearInterval(writes);
  await history.close();
  const left = (
    await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM recommendations WHERE created_at < now() - interval '90 days'",
    )
  ).rows[0]!.n;

  const table = markdownTable([
    ["recommend (uncached, hybrid)", "n", "p50 ms", "p95 ms", "p99 ms", "note"],
    latencyRow("alone", alone.total, "back to back, history writes beside"),
    latencyRow("while the history is purged", during.total, "stevie-history-retention running"),
    latencyRow("  database share, alone", alone.search),
    latencyRow("  database share, while purged", during.search),
  ]);
  recordResult(
    `History retention: ${ROWS.toLocaleString()} expired rows deleted beside recommend`,
    table,
    `The purge took ${purge!.seconds.toFixed(1)} s (${purge!.out}); expired rows left: ${left}.`,
  );
}

await withCatalogue(bench);
