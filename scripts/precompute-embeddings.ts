// Embeds the bundled catalogue with the offline model once, for the API image (dist/server-bundle/embeddings/).
// The result is cached under .cache/ by the hash of every source text, so a build only pays for it when the
// catalogue (or the text we embed) changed. On a clean checkout (CI) it does pay: the batches go to one thread per
// CPU, through the bundled worker (run scripts/bundle-server.mjs first).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { Piscina } from "piscina";
import { categorySourceText, sourceHash } from "../server/catalog/embed.js";
import { loadCatalog } from "../server/catalog/load.js";
import { encodeVector } from "../server/catalog/precomputed.js";
import { DEFAULT_BATCH_SIZE, OFFLINE_DIMENSION, OFFLINE_MODEL, prepareForModel } from "../server/embeddings/offline.js";
import { chunk } from "../server/embeddings/types.js";

const catalog = loadCatalog();
const programName = new Map(catalog.programs.map((p) => [p.code, p.name]));
const texts = catalog.categories.map((c) =>
  categorySourceText({
    name: c.name,
    description: c.description,
    keywords: c.keywords,
    programName: programName.get(c.programCode)!,
  }),
);
const hashes = texts.map((t) => sourceHash(OFFLINE_MODEL, t));
const key = createHash("sha256").update(hashes.join("\n")).digest("hex").slice(0, 16);
const cached = `.cache/embeddings/${OFFLINE_MODEL}-${key}.json`;
const target = `dist/server-bundle/embeddings/${OFFLINE_MODEL}.json`;
await mkdir(".cache/embeddings", { recursive: true });
await mkdir("dist/server-bundle/embeddings", { recursive: true });

if (!existsSync(cached)) {
  const started = Date.now();
  process.stderr.write(`embedding ${texts.length} categories with ${OFFLINE_MODEL} (once per catalogue change)…\n`);
  // The same batches the API's embedder would make of the whole list (by length, DEFAULT_BATCH_SIZE each), so the
  // vectors do not depend on how many threads computed them.
  const order = texts
    .map((_, i) => i)
    .sort((a, b) => prepareForModel(texts[a]!).length - prepareForModel(texts[b]!).length);
  const threads = availableParallelism();
  const pool = new Piscina({
    filename: resolve("dist/server-bundle/embed-worker.mjs"),
    minThreads: threads,
    maxThreads: threads,
  });
  const vectors = new Array<number[]>(texts.length);
  await Promise.all(
    chunk(order, DEFAULT_BATCH_SIZE).map(async (batch) => {
      const rows = (await pool.run(batch.map((i) => texts[i]!))) as number[][];
      batch.forEach((i, k) => (vectors[i] = rows[k]!));
    }),
  );
  await pool.destroy();
  const file = {
    model: OFFLINE_MODEL,
    dimension: OFFLINE_DIMENSION,
    vectors: Object.fromEntries(hashes.map((h, i) => [h, encodeVector(vectors[i]!)])),
  };
  await writeFile(`${cached}.tmp`, JSON.stringify(file));
  await copyFile(`${cached}.tmp`, cached);
  process.stderr.write(`embedded in ${((Date.now() - started) / 1000).toFixed(1)} s on ${threads} threads\n`);
}
await copyFile(cached, target);
