import { existsSync } from "node:fs";
import type { AddressInfo, Server } from "node:net";
import { join } from "node:path";
import { programCache } from "../../../server/catalog/programs.js";
import { createRedisDeps } from "../../../server/cache/deps.js";
import { createChatDeps } from "../../../server/chat/deps.js";
import type { Deps } from "../../../server/context.js";
import { createPrisma } from "../../../server/db.js";
import { prepareDevDatabase } from "../../../server/dev/prepare.js";
import { createDevRedis } from "../../../server/dev/redis.js";
import { createOfflineEmbedder } from "../../../server/embeddings/offline.js";
import { ANY_ORIGIN } from "../../../server/cors.js";
import { createApiServer } from "../../../server/http.js";
import { createLogger, type Logger } from "../../../server/logger.js";
import { createMetrics } from "../../../server/metrics.js";
import { createHistoryWriter } from "../../../server/recommend/history.js";
import { UserError } from "../../errors.js";
import { packageRoot, packageVersion } from "../../package-root.js";

/**
 * `stevie-stack dev`: the real API on localhost with no Docker and no keys. PostgreSQL is PGlite (in this process,
 * served on a free 127.0.0.1 port), embeddings are the offline model, Redis is absent unless REDIS_URL is set (the
 * API then reports itself "degraded", as designed). With --data-dir the database survives restarts, so only new or
 * changed categories are embedded again.
 */

export interface DevOptions {
  /** HTTP port; default DEV_PORT, or a free one when that is taken. 0 picks a free port (see the returned url). */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Keep the database here across runs; default in memory. */
  dataDir?: string;
  /** Default: JSON logs at $LOG_LEVEL (info). */
  log?: Logger;
  /** redis://… to use a real Redis; default $REDIS_URL, else none. */
  redisUrl?: string;
  /** Defaults: the package's prisma/migrations and bundled catalogue. */
  migrationsDir?: string;
  catalogFile?: string;
  /** Directory of the offline model (default: as the API resolves it). */
  modelDir?: string;
  /**
   * Origins whose pages may call the API (exact, lower-case), or ["*"]; default any origin: dev serves the machine
   * it runs on, and the API takes no credentials a page could leak.
   */
  corsOrigins?: string[];
}

export interface DevServer {
  url: string;
  /** The API's dependencies (for tests and tools). */
  deps: Deps;
  /** Milliseconds from the call to listening, and per preparation step. */
  startup: { totalMs: number; database: number; migrate: number; seed: number; embed: number };
  /** Stop HTTP (letting in-flight requests finish), then close the pool, the model and the database. */
  close(): Promise<void>;
}

function defaultPaths(): { migrationsDir: string; catalogFile: string | undefined } {
  const root = packageRoot();
  const migrationsDir = [join(root, "prisma", "migrations"), join(root, "dist", "server-bundle", "migrations")].find(
    (d) => existsSync(d),
  );
  if (!migrationsDir) throw new UserError(`no migrations found under ${root}`, "reinstall stevie-stack");
  // From sources loadCatalog() finds the file itself; from dist/ the catalogue sits in the server bundle.
  const catalogFile = [
    join(root, "server", "catalog", "data", "catalog.json"),
    join(root, "dist", "server-bundle", "catalog.json"),
  ].find((f) => existsSync(f));
  return { migrationsDir, catalogFile };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(
        err.code === "EADDRINUSE"
          ? new UserError(`port ${port} on ${host} is already in use`, "pick another with --port")
          : err,
      );
    };
    const onListening = () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/**
 * dev's default port: not 3000, 5173 or 8080, which the web app being developed (Next.js, Vite, …) likely has.
 * When it is taken and no --port was given, dev takes a free one and says which.
 */
export const DEV_PORT = 8790;

/** Listen on the port asked for (taken: an error), else on DEV_PORT, else (taken) on a free one. */
export async function listenDev(
  server: Server,
  host: string,
  port: number | undefined,
  log: Pick<Logger, "warn">,
): Promise<AddressInfo> {
  if (port !== undefined) return listen(server, port, host);
  return listen(server, DEV_PORT, host).catch((err: unknown) => {
    if (!(err instanceof UserError)) throw err;
    log.warn({ component: "dev", port: DEV_PORT }, `port ${DEV_PORT} is taken; listening on a free one instead`);
    return listen(server, 0, host);
  });
}

/** The API's dependencies over the embedded database: what main.ts wires, with dev's stand-ins. */
function devDeps(
  pool: Parameters<typeof createPrisma>[0],
  redis: ReturnType<typeof createDevRedis>,
  embedder: ReturnType<typeof createOfflineEmbedder>,
  log: Logger,
) {
  const prisma = createPrisma(pool);
  const version = `${packageVersion()}-dev`;
  const programs = programCache(prisma);
  // Dev has no OpenAI key: chat answers are the deterministic, catalogue-built fallback; sessions live in memory.
  const metrics = createMetrics();
  // Without Redis the caches compute every answer, rate limits let everything through and sessions answer 503.
  const redisDeps = createRedisDeps({ redis, db: pool, embedder, log, registry: metrics.registry });
  const chat = createChatDeps({
    pool,
    embedder,
    programs,
    embedQuery: redisDeps.embedQuery,
    log: log.child({ component: "chat" }),
  });
  const history = createHistoryWriter(pool, { log, registry: metrics.registry });
  const deps: Deps = {
    ...redisDeps,
    db: pool,
    prisma,
    redis,
    embedder,
    chat,
    programs,
    history,
    log,
    version,
    now: () => new Date(),
  };
  return { deps, metrics, prisma, history };
}

export async function runDev(opts: DevOptions = {}): Promise<DevServer> {
  const started = performance.now();
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? createLogger(process.env.LOG_LEVEL ?? "info", { env: "dev" });
  const paths = opts.migrationsDir
    ? { migrationsDir: opts.migrationsDir, catalogFile: opts.catalogFile }
    : { ...defaultPaths(), ...(opts.catalogFile ? { catalogFile: opts.catalogFile } : {}) };

  const embedder = createOfflineEmbedder({ modelDir: opts.modelDir });
  // Load the model while the database starts; readiness waits on this, as in main.ts.
  const warm = embedder.embed(["warm-up"]);
  warm.catch(() => undefined);
  let prepared;
  try {
    prepared = await prepareDevDatabase({
      dataDir: opts.dataDir,
      migrationsDir: paths.migrationsDir,
      catalogFile: paths.catalogFile,
      precomputedFile: join(packageRoot(), "dist", "server-bundle", "embeddings", `${embedder.model}.json`),
      embedder,
      log,
    });
    await warm;
  } catch (err) {
    await embedder.close?.().catch(() => undefined);
    throw err;
  }
  const { pool, database } = prepared;
  const redis = createDevRedis(opts.redisUrl ?? process.env.REDIS_URL, log);
  const { deps, metrics, prisma, history } = devDeps(pool, redis, embedder, log);
  const api = createApiServer(deps, metrics, () => warm, { corsOrigins: opts.corsOrigins ?? [ANY_ORIGIN] });

  const release = async () => {
    await history.close();
    await prisma.$disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    redis.disconnect();
    await embedder.close?.().catch(() => undefined);
    await database.close();
  };
  let address: AddressInfo;
  try {
    address = await listenDev(api.server, host, opts.port, log);
  } catch (err) {
    await release();
    throw err;
  }
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  const totalMs = Math.round(performance.now() - started);
  log.info(
    {
      component: "dev",
      url,
      model: embedder.model,
      redis: redis.status === "end" ? "none" : "configured",
      startupMs: totalMs,
      ...prepared.timings,
    },
    `stevie API (dev) listening on ${url}`,
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    deps,
    startup: { totalMs, ...prepared.timings },
    close() {
      closing ??= (async () => {
        await api.drain(2_000);
        await release();
      })();
      return closing;
    },
  };
}

/** Flags of `stevie-stack dev [--port N] [--host ADDR] [--data-dir DIR] [--cors-origin ORIGIN...]` as commander parses them. */
export interface DevFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  corsOrigin?: string[];
}

/**
 * The command's action: start, print where, run until SIGINT/SIGTERM, stop cleanly. Resolves once stopped.
 * `out` prints a human line (the logger prints JSON).
 */
export async function devCommand(
  flags: DevFlags,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<void> {
  const corsOrigins = flags.corsOrigin?.length ? flags.corsOrigin : [ANY_ORIGIN];
  const dev = await runDev({ port: flags.port, host: flags.host, dataDir: flags.dataDir, corsOrigins });
  out(`\nStevie API (dev) is up: ${dev.url}  (${(dev.startup.totalMs / 1000).toFixed(1)} s)`);
  out(`  health:  curl ${dev.url}/api/health/ready`);
  out(`  try:     curl -s -X POST '${dev.url}/api/trpc/recommend?batch=1' -H 'content-type: application/json' \\`);
  out(`             -d '{"0":{"description":"Our app helps small farms sell directly to restaurants"}}'`);
  out(
    `  CORS:    ${corsOrigins.includes(ANY_ORIGIN) ? "pages on any origin may call it (--cors-origin ORIGIN to allow only some)" : corsOrigins.join(", ")}`,
  );
  out(
    flags.dataDir
      ? `  data:    ${flags.dataDir} (kept)`
      : "  data:    in memory (pass --data-dir to keep it and skip re-embedding next time)",
  );
  out("Press Ctrl+C to stop.\n");
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      out("stopping…");
      void dev.close().then(resolve, resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
