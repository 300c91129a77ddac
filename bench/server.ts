/**
 * `npm run bench:server`: the recommendation path measured inside one process against a real
 * PostgreSQL 17 + pgvector container (the stack's own image) holding the catalogue and its offline vectors.
 * Prints one table and appends it to docs/performance.md. Bounded: a fixed number of iterations per row.
 *
 *   embed            offline model, one nominee description (the cost that grows with the text)
 *   vector HNSW      top-10 over all categories through the partial HNSW index
 *   vector exact     the same top-10 by a sequential scan (what filtered queries use)
 *   in-process scan  brute-force cosine over every category vector held in memory (the floor)
 *   recommend        the whole procedure body, uncached, hybrid (embed + two searches + details)
 *   after embedding  of that, the time from the end of the embedding to the result (the database's share)
 *   recommend, cached  through the Redis response cache (what a repeated request costs)
 *   repeated mix     1,000 requests, 95 % repeats of earlier descriptions: hit ratio of the response cache
 *   cache get        one Redis cache read (~10 KB value)
 */
import { programCache } from "../server/catalog/programs.js";
import { recommend } from "../server/recommend/engine.js";
import { recommendInput } from "../server/recommend/input.js";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { createRedisDeps } from "../server/cache/deps.js";
import { createCache } from "../server/cache/cache.js";
import { type Catalogue, latencyRow as row, recordResult, withCatalogue } from "./harness.js";
import { markdownTable, measureVectorSearch, nomineeDescriptions, timeEach } from "./vector.js";

const N = Number(process.env.BENCH_N ?? 200);

async function measure({ services, pool, prisma, embedder }: Catalogue): Promise<void> {
  const texts = nomineeDescriptions(N);
  await embedder.embed(["warm-up"]);

  const embedMs = await timeEach(N, (i) => embedder.embed([texts[i]!]));
  const queryVectors = await embedder.embed(texts.slice(0, N));
  const vector = await measureVectorSearch(pool, queryVectors);
  const { hnswMs, exactMs, scanMs, recall } = vector;

  const deps = { pool, embedder, programs: programCache(prisma) };
  const inputs = texts.map((description) => recommendInput.parse({ description, topK: 10 }));
  const afterEmbedMs: number[] = [];
  const recMs = await timeEach(N, async (i) => afterEmbedMs.push((await recommend(deps, inputs[i]!)).timings.searchMs));
  // The API's own Redis layer, over the real Redis: response cache and query-embedding cache.
  const redis = new Redis({ ...services.redis, keyPrefix: "stevie:", maxRetriesPerRequest: 1 });
  const registry = new Registry();
  const redisDeps = createRedisDeps({ redis, db: pool, embedder, registry });
  const viaCache = (i: number) =>
    redisDeps.responses.wrap(`recommend@${embedder.model}`, inputs[i]!, () =>
      recommend({ ...deps, embedQuery: redisDeps.embedQuery }, inputs[i]!),
    );
  for (let i = 0; i < N; i++) await viaCache(i);
  const cachedMs = await timeEach(N, viaCache);
  await redis.flushdb();
  const mix: number[] = [];
  for (let i = 0; i < 1000; i++) mix.push(i < 50 || Math.random() < 0.05 ? 1000 + i : Math.floor(Math.random() * 50));
  const mixInputs = new Map<number, ReturnType<typeof recommendInput.parse>>();
  const inputOf = (k: number) =>
    mixInputs.get(k) ??
    mixInputs.set(k, recommendInput.parse({ description: `${texts[k % N]!} [${k}]`, topK: 10 })).get(k)!;
  // prom-client hands out its live value objects: read them into numbers before and after.
  const responseLookups = async (result: string) =>
    (await registry.getSingleMetric("stevie_cache_requests_total")!.get()).values
      .filter((v) => v.labels.cache === "response" && v.labels.result === result)
      .reduce((s, v) => s + v.value, 0);
  const [hitsBefore, missesBefore] = [await responseLookups("hit"), await responseLookups("miss")];
  const mixMs = await timeEach(mix.length, (i) =>
    redisDeps.responses.wrap(`recommend@${embedder.model}`, inputOf(mix[i]!), () =>
      recommend({ ...deps, embedQuery: redisDeps.embedQuery }, inputOf(mix[i]!)),
    ),
  );
  const hits = (await responseLookups("hit")) - hitsBefore;
  const misses = (await responseLookups("miss")) - missesBefore;
  const probe = createCache(redis, { name: "bench" });
  const payload = { text: "x".repeat(10_000) };
  await probe.getOrCompute("probe", 60, async () => payload);
  const getMs = await timeEach(2000, () => probe.getOrCompute("probe", 60, async () => payload));
  redis.disconnect();

  const rows = [
    ["measure", "n", "p50 ms", "p95 ms", "p99 ms", "note"],
    row("embed (offline, one description)", embedMs, `${embedder.model}`),
    row("vector top-10, HNSW", hnswMs, `recall@10 vs exact ${recall.toFixed(3)}`),
    row("vector top-10, exact scan", exactMs, `${vector.vectors} vectors`),
    row("in-process brute-force scan", scanMs, "floor: dot products in JS"),
    row("recommend, uncached (hybrid)", recMs, "embed + vector + full-text + details"),
    row("  of which after the embedding", afterEmbedMs, "full-text sent before embedding; then one statement"),
    row("recommend, cached (Redis)", cachedMs, "response cache hit"),
    row(
      "recommend, 95 % repeated mix",
      mixMs,
      `response-cache hit ratio ${(hits / Math.max(1, hits + misses)).toFixed(3)}`,
    ),
    row("cache get, ~10 KB value", getMs, "one Redis read + JSON parse"),
  ];
  recordResult("Server-side recommendation path", markdownTable(rows));
}

await withCatalogue(measure, { options: "-c hnsw.ef_search=100" });
