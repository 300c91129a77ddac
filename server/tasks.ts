import { loadCatalog } from "./catalog/load.js";
import { embedCatalog } from "./catalog/embed.js";
import { loadPrecomputed } from "./catalog/precomputed.js";
import { seedCatalog } from "./catalog/seed.js";
import { connectionConfig, createDb } from "./db.js";
import { join } from "node:path";
import { createEmbedder } from "./embeddings/index.js";
import { createOfflineEmbedder } from "./embeddings/offline.js";
import { classifyError } from "./openai/retry.js";
import type { Embedder } from "./embeddings/types.js";
import { parseEnv } from "./env.js";
import { createLogger } from "./logger.js";
import { runMigrations } from "./migrate.js";

/**
 * One-shot jobs run inside the stack (the `migrate` service, and `stevie-stack catalog ...` through
 * `docker compose run`): they reach the database on the internal network, which the host cannot.
 *   migrate                 apply migrations, load the bundled catalogue if it changed, embed what is missing
 *   catalog-import FILE     validate and load a catalogue file, print what changed (--dry-run: change nothing)
 *   catalog-embed           (re)embed categories whose vectors are missing or stale, resumably
 */
async function main(argv: string[]): Promise<number> {
  const env = parseEnv();
  const log = createLogger(env.LOG_LEVEL, { component: "tasks" });
  // Migrations may build an index for minutes: no query bound here.
  const pool = createDb({ ...env, PG_POOL_MIN: 0, PG_POOL_MAX: 4, PG_QUERY_TIMEOUT_MS: 0 });
  const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  try {
    const [task, ...rest] = argv;
    // The offline model's vectors always exist (they are what the API falls back to while OpenAI is unavailable);
    // with a key, the OpenAI model's too. Each model's vectors are complete on their own and never mixed.
    const embed = async () => {
      const embedders: Embedder[] = [createOfflineEmbedder({ modelDir: env.STEVIE_EMBEDDINGS_MODEL_DIR })];
      if (env.OPENAI_API_KEY)
        embedders.push(
          createEmbedder({
            openaiApiKey: env.OPENAI_API_KEY,
            openaiBaseUrl: env.OPENAI_BASE_URL,
            openaiModel: env.OPENAI_EMBEDDING_MODEL,
            openaiDimension: env.OPENAI_EMBEDDING_DIMENSIONS,
          }),
        );
      const total = { done: 0, total: 0 };
      for (const embedder of embedders) {
        let last = 0;
        const file = env.STEVIE_PRECOMPUTED_EMBEDDINGS
          ? join(env.STEVIE_PRECOMPUTED_EMBEDDINGS, `${embedder.model}.json`)
          : undefined;
        const p = await embedCatalog(pool, embedder, {
          precomputed: loadPrecomputed(file, embedder.model, embedder.dimension),
          onProgress: ({ done, total: n }) => {
            if (done === n || done - last >= 256) {
              last = done;
              out({ event: "embed-progress", model: embedder.model, done, total: n });
            }
          },
        });
        // Nothing to embed says nothing about the key: one small call does. A key OpenAI refuses fails the job (and
        // so the install or the key change, which puts the previous key back); OpenAI out of reach does not.
        if (embedder !== embedders[0] && p.total === 0) await checkKey(embedder);
        await embedder.close?.();
        total.done += p.done;
        total.total += p.total;
      }
      return total;
    };
    const checkKey = async (embedder: Embedder) => {
      try {
        await embedder.embed(["key check"]);
      } catch (err) {
        const { kind, status } = classifyError(err);
        if (kind === "auth")
          throw new Error(`OpenAI refused the API key (HTTP ${status ?? "?"}) for ${embedder.model}`);
        out({
          event: "warning",
          message: `OpenAI could not be reached to check the key (${kind}); the API falls back to the offline model while it cannot`,
        });
      }
    };
    switch (task) {
      case "migrate": {
        const applied = await runMigrations(connectionConfig(env), env.STEVIE_MIGRATIONS_DIR, log);
        out({ event: "migrated", applied });
        const report = await seedCatalog(pool, loadCatalog(env.STEVIE_CATALOG_PATH));
        out({
          event: "catalog",
          version: report.version,
          added: report.added.length,
          updated: report.updated.length,
          removed: report.removed.length,
          unchanged: report.unchanged,
        });
        out({ event: "embedded", ...(await embed()) });
        return 0;
      }
      case "catalog-import": {
        const file = rest.find((a) => !a.startsWith("--"));
        if (!file) throw new Error("usage: catalog-import FILE [--dry-run]");
        const report = await seedCatalog(pool, loadCatalog(file), { dryRun: rest.includes("--dry-run") });
        out({ event: "catalog-import", dryRun: rest.includes("--dry-run"), ...report });
        return 0;
      }
      case "catalog-embed":
        out({ event: "embedded", ...(await embed()) });
        return 0;
      default:
        process.stderr.write(`unknown task ${task ?? "(none)"}; expected migrate, catalog-import or catalog-embed\n`);
        return 2;
    }
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`${JSON.stringify({ event: "error", message: e.message })}\n`);
    return 1;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

process.exitCode = await main(process.argv.slice(2));
