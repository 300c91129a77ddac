import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * The API's configuration, parsed once at start-up. Secrets may be given directly or as *_FILE paths
 * (Docker secrets); the file form wins and the value never appears in logs or errors.
 */
const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /**
   * The network Prometheus scrapes from (CIDR): /metrics answers only connections that arrived on an address of it
   * (the stack's data network) or on loopback (`docker exec`), so nginx and the host, on the edge network, get a 404.
   * Unset: every connection.
   */
  METRICS_NETWORK: z.cidrv4().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  STEVIE_ENV: z.enum(["dev", "staging", "prod"]).default("prod"),
  STEVIE_VERSION: z.string().default("dev"),
  PGHOST: z.string().default("127.0.0.1"),
  PGPORT: z.coerce.number().int().default(5432),
  PGUSER: z.string().default("stevie"),
  PGDATABASE: z.string().default("stevie"),
  PGPASSWORD: z.string().optional(),
  /** The CA to check PostgreSQL's certificate against: set, the API talks TLS only and checks the host name too. */
  PGSSLROOTCERT: z.string().optional(),
  PG_POOL_MIN: z.coerce.number().int().min(0).default(2),
  PG_POOL_MAX: z.coerce.number().int().min(1).default(20),
  /** A query without an answer this long fails and its connection is dropped (0: no bound, for migrations). */
  PG_QUERY_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
  REDIS_HOST: z.string().default("127.0.0.1"),
  REDIS_PORT: z.coerce.number().int().default(6379),
  REDIS_PASSWORD: z.string().optional(),
  /** "host:port,host:port": reach Redis through Sentinel (then REDIS_MASTER_NAME is required). */
  REDIS_SENTINELS: z.string().optional(),
  REDIS_MASTER_NAME: z.string().optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  /** The CA (PEM; REDIS_TLS_CA_FILE names a file) to check Redis's and the Sentinels' certificates against: set, the
   * API talks TLS only to both, and checks each one's address. */
  REDIS_TLS_CA: z.string().optional(),
  STEVIE_RESPONSE_CACHE_TTL_S: z.coerce.number().int().min(300).max(900).default(600),
  /** Application rate limit per client address or API key, per window: calls (each of a batch counts). */
  STEVIE_RATE_LIMIT: z.coerce.number().int().min(1).default(1000),
  STEVIE_RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(3600),
  /** New sessions and chats per client address or API key, per window. */
  STEVIE_CREATE_LIMIT: z.coerce.number().int().min(1).default(60),
  /** The most calls one batched request may carry; more is a 400 that names this limit. */
  STEVIE_MAX_BATCH: z.coerce.number().int().min(1).max(100).default(10),
  /** The longest embedding work a query waits behind before it is answered degraded (full-text alone), in ms. */
  STEVIE_EMBED_BUDGET_MS: z.coerce.number().int().min(0).max(60_000).default(50),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_CHAT_MODEL: z.string().default("gpt-4o-mini"),
  OPENAI_EMBEDDING_MODEL: z.string().default("text-embedding-3-small"),
  OPENAI_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(1).default(1536),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  OPENAI_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
  OPENAI_BREAKER_RESET_MS: z.coerce.number().int().min(1000).default(30_000),
  /** JSON: USD per 1M tokens by model, e.g. {"gpt-4o-mini":{"prompt":0.15,"completion":0.6}}. */
  OPENAI_PRICES: z.string().optional(),
  /** Where the offline model's files are (the API image ships them beside the bundle). */
  STEVIE_EMBEDDINGS_MODEL_DIR: z.string().optional(),
  /** Directory of catalogue vectors computed at build time, one MODEL.json each (scripts/precompute-embeddings.ts). */
  STEVIE_PRECOMPUTED_EMBEDDINGS: z.string().optional(),
  STEVIE_MIGRATIONS_DIR: z.string().default("prisma/migrations"),
  STEVIE_CATALOG_PATH: z.string().default("server/catalog/data/catalog.json"),
  /** A main thread that stands still this long exits (the restart policy replaces the replica); 0: never. */
  STEVIE_LOOP_STALL_MS: z.coerce.number().int().min(0).default(10_000),
  /** Seconds to keep serving in-flight requests after SIGTERM before closing pools. */
  SHUTDOWN_GRACE_S: z.coerce.number().min(0).default(20),
  /** Milliseconds to keep answering (each response closing its connection) after SIGTERM before refusing connections. */
  SHUTDOWN_LINGER_MS: z.coerce.number().int().min(0).default(3000),
});

export type Env = z.output<typeof schema>;

/** Replace each NAME_FILE variable by NAME, read from the file. */
export function resolveFileVars(raw: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...raw };
  for (const [key, path] of Object.entries(raw)) {
    if (!key.endsWith("_FILE") || !path) continue;
    const name = key.slice(0, -"_FILE".length);
    try {
      out[name] = readFileSync(path, "utf8").trim();
    } catch (err) {
      throw new Error(
        `${key} points to ${path}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    delete out[key];
  }
  return out;
}

export function parseEnv(raw: NodeJS.ProcessEnv = process.env): Env {
  const r = schema.safeParse(resolveFileVars(raw));
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join("\n")}`);
  }
  return r.data;
}
