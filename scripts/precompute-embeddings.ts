// Embeds the bundled catalogue with the offline model once, for the API image (dist/server-bundle/embeddings/).
// The result is cached under .cache/ by the hash of every source text, so a build only pays for it when the
// catalogue (or the text we embed) changed.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { categorySourceText, sourceHash } from "../server/catalog/embed.js";
import { loadCatalog } from "../server/catalog/load.js";
import { encodeVector } from "../server/catalog/precomputed.js";
import { createOfflineEmbedder, OFFLINE_DIMENSION, OFFLINE_MODEL } from "../server/embeddings/offline.js";

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
  const embedder = createOfflineEmbedder();
  const vectors = await embedder.embed(texts);
  await embedder.close?.();
  const file = {
    model: OFFLINE_MODEL,
    dimension: OFFLINE_DIMENSION,
    vectors: Object.fromEntries(hashes.map((h, i) => [h, encodeVector(vectors[i]!)])),
  };
  await writeFile(`${cached}.tmp`, JSON.stringify(file));
  await copyFile(`${cached}.tmp`, cached);
  process.stderr.write(`embedded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
await copyFile(cached, target);
