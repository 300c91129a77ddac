import type pg from "pg";
import { embedCatalog, type EmbedProgress } from "../catalog/embed.js";
import { loadPrecomputed } from "../catalog/precomputed.js";
import { loadCatalog } from "../catalog/load.js";
import { seedCatalog, type SeedReport } from "../catalog/seed.js";
import type { Embedder } from "../embeddings/types.js";
import type { Logger } from "../logger.js";
import { runMigrations } from "../migrate.js";
import { createDevPool, startDevDatabase, type DevDatabase } from "./database.js";

export interface PrepareOptions {
  /** Persistent database directory; default in memory. With a directory, a restart re-embeds nothing that is current. */
  dataDir?: string;
  migrationsDir: string;
  /** Catalogue JSON; default the bundled one (`loadCatalog()`'s default). */
  catalogFile?: string;
  embedder: Embedder;
  /** Catalogue vectors computed at build time (dist/server-bundle/embeddings/MODEL.json), used where still current. */
  precomputedFile?: string;
  log: Logger;
  signal?: AbortSignal;
}

export interface PreparedDatabase {
  database: DevDatabase;
  /** The one-connection pool (see database.ts); the caller ends it before `database.close()`. */
  pool: pg.Pool;
  migrations: string[];
  seed: SeedReport;
  embedded: EmbedProgress;
  /** Milliseconds per step. */
  timings: { database: number; migrate: number; seed: number; embed: number };
}

/** Start the dev database, migrate it, load the catalogue and embed whatever is missing or stale. */
export async function prepareDevDatabase(opts: PrepareOptions): Promise<PreparedDatabase> {
  const { log } = opts;
  const t0 = performance.now();
  const database = await startDevDatabase({ dataDir: opts.dataDir, log });
  let pool: pg.Pool | undefined;
  try {
    const t1 = performance.now();
    // Migrations use a connection of their own: run them before the pool opens its one connection.
    const migrations = await runMigrations(database.connection, opts.migrationsDir, log);
    log.info(
      { component: "dev", applied: migrations },
      migrations.length ? `applied ${migrations.length} migration(s)` : "database schema is current",
    );
    const t2 = performance.now();
    pool = createDevPool(database.connection);
    const catalog = opts.catalogFile ? loadCatalog(opts.catalogFile) : loadCatalog();
    const seed = await seedCatalog(pool, catalog);
    log.info(
      {
        component: "dev",
        version: seed.version,
        added: seed.added.length,
        updated: seed.updated.length,
        removed: seed.removed.length,
        unchanged: seed.unchanged,
      },
      `catalogue ${seed.version}: ${catalog.categories.length} categories (${seed.added.length} added, ${seed.updated.length} updated, ${seed.removed.length} removed)`,
    );
    const t3 = performance.now();
    let lastLogged = 0;
    const embedded = await embedCatalog(pool, opts.embedder, {
      signal: opts.signal,
      precomputed: loadPrecomputed(opts.precomputedFile, opts.embedder.model, opts.embedder.dimension),
      onProgress: (p) => {
        if (p.total === 0)
          return log.info(
            { component: "dev", model: opts.embedder.model },
            "category embeddings are current (nothing to embed)",
          );
        const now = performance.now();
        if (p.done === 0 || p.done === p.total || now - lastLogged > 3_000) {
          lastLogged = now;
          log.info(
            { component: "dev", model: opts.embedder.model, done: p.done, total: p.total },
            `embedding categories: ${p.done}/${p.total}`,
          );
        }
      },
    });
    opts.signal?.throwIfAborted();
    const t4 = performance.now();
    const ms = (a: number, b: number) => Math.round(b - a);
    return {
      database,
      pool,
      migrations,
      seed,
      embedded,
      timings: { database: ms(t0, t1), migrate: ms(t1, t2), seed: ms(t2, t3), embed: ms(t3, t4) },
    };
  } catch (err) {
    await pool?.end().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw err;
  }
}
