import type { ComposeService } from "../compose-types.js";
import { MAX_API_REPLICAS } from "../../config/schema.js";
import { REDIS_MASTER_NAME } from "../topology.js";
import { EGRESS_NETWORK } from "../s3.js";
import { OPENAI_SECRET } from "../openai.js";
import { baseService, DROPS_TO_USER, fileHashLabel, health, openaiEnabled, type StackContext } from "./common.js";

export const API_PORT = 3000;

/**
 * Each replica's share of PostgreSQL's connections. Of max_connections (300), Patroni, the exporter, pgBackRest,
 * migrations and the CLI hold about 15; a tenth of the rest stays spare, and 255 are split between the most replicas
 * the config allows (20) plus the one a rolling update starts beside them: 12 each, so `scale api=20` can never run the
 * database out of connections. Fixed, not from the current count: a scale must not restart every replica.
 */
export const API_POOL_MAX = Math.floor(255 / (MAX_API_REPLICAS + 1));

/**
 * The container's health check: one HTTP/1.0 request from bash (the status line must say 200). Not
 * `node -e fetch(...)`: starting a second Node every 5 s per replica made each probe cost about twice the CPU, the
 * `docker exec` around it included (measured; see docs/performance.md). Readiness here; liveness on Swarm, which
 * replaces an unhealthy task (swarm.ts).
 */
export const apiProbe = (path: "/api/health/ready" | "/api/health/live") => [
  "CMD",
  "bash",
  "-c",
  `exec 3<>/dev/tcp/127.0.0.1/${API_PORT} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && head -c 12 <&3 | grep -q ' 200'`,
];

/** What the API and its one-shot jobs share: database, cache, secrets and where the image keeps its data files. */
function apiEnvironment(ctx: StackContext): Record<string, string> {
  return {
    STEVIE_ENV: ctx.config.environment,
    STEVIE_VERSION: ctx.version,
    LOG_LEVEL: ctx.config.api.logLevel ?? (ctx.config.environment === "dev" ? "debug" : "info"),
    // Through HAProxy: 5432 is always the Patroni leader. (5433 reaches the replicas; the API does not use it yet.)
    PGHOST: "haproxy",
    PGPORT: "5432",
    PG_POOL_MIN: "2",
    PG_POOL_MAX: String(API_POOL_MAX),
    // Which of the two login roles (see cli/stack/credentials.ts), beside its password.
    PGUSER_FILE: "/run/secrets/postgres_user",
    PGDATABASE: "stevie",
    PGPASSWORD_FILE: "/run/secrets/postgres_password",
    // TLS to PostgreSQL, checked against the stack's CA and the host name (verify-full).
    PGSSLROOTCERT: "/run/secrets/stack_ca",
    // Only through Sentinel, by address (see topology.ts); the Sentinels share the Redis password.
    REDIS_SENTINELS: ctx.topology.sentinels.map((s) => `${s.ip}:26379`).join(","),
    REDIS_MASTER_NAME,
    REDIS_PASSWORD_FILE: "/run/secrets/redis_password",
    REDIS_SENTINEL_PASSWORD_FILE: "/run/secrets/redis_password",
    // TLS to Redis and the Sentinels, checked against the stack's CA and each one's address.
    REDIS_TLS_CA_FILE: "/run/secrets/stack_ca",
    SESSION_KEY_FILE: "/run/secrets/session_key",
    STEVIE_MIGRATIONS_DIR: "/app/migrations",
    STEVIE_CATALOG_PATH: "/app/catalog.json",
    STEVIE_EMBEDDINGS_MODEL_DIR: "/app/models/use-lite-512",
    STEVIE_PRECOMPUTED_EMBEDDINGS: "/app/embeddings",
    STEVIE_RATE_LIMIT: String(ctx.config.api.rateLimitPerHour),
    STEVIE_RATE_LIMIT_WINDOW_S: "3600",
    STEVIE_CREATE_LIMIT: String(ctx.config.api.sessionsPerHour),
    STEVIE_MAX_BATCH: String(ctx.config.api.maxBatchSize),
    STEVIE_EMBED_BUDGET_MS: String(ctx.config.api.embedBudgetMs),
    STEVIE_RESPONSE_CACHE_TTL_S: String(ctx.config.api.responseCacheSeconds),
    ...openaiEnvironment(ctx),
  };
}

/** With a key: the models, the service, and the key as a file. Without: nothing, and the offline model answers. */
function openaiEnvironment(ctx: StackContext): Record<string, string> {
  if (!openaiEnabled(ctx)) return {};
  const o = ctx.config.openai;
  return {
    OPENAI_API_KEY_FILE: `/run/secrets/${OPENAI_SECRET}`,
    OPENAI_EMBEDDING_MODEL: o.embeddingModel,
    OPENAI_EMBEDDING_DIMENSIONS: String(o.embeddingDimensions),
    OPENAI_CHAT_MODEL: o.chatModel,
    ...(o.baseUrl ? { OPENAI_BASE_URL: o.baseUrl } : {}),
  };
}

const APP_SECRETS = ["postgres_user", "postgres_password", "stack_ca", "redis_password", "session_key"];
const appSecrets = (ctx: StackContext) => [...APP_SECRETS, ...(openaiEnabled(ctx) ? [OPENAI_SECRET] : [])];
/** A new key replaces the containers that read it (the label carries a hash of it, never the key). */
const openaiLabel = (ctx: StackContext, labels: Record<string, string> | undefined) =>
  openaiEnabled(ctx) ? { labels: { ...labels, ...fileHashLabel(ctx, "openai") } } : {};

/** The entrypoint reads the secrets as root and drops to the `stevie` user; nothing but /tmp is written. */
const hardening = { read_only: true, tmpfs: ["/tmp"], cap_add: DROPS_TO_USER };

/**
 * The one-shot job that applies migrations, loads the catalogue and embeds it, against the write endpoint.
 * API replicas start only after it has completed successfully; node-pg-migrate's advisory lock makes a second
 * concurrent run wait rather than migrate twice.
 */
export function migrateService(ctx: StackContext): ComposeService {
  const base = baseService(ctx, "migrate", "api", ctx.sizing.api);
  return {
    ...base,
    ...openaiLabel(ctx, base.labels),
    restart: "no",
    command: ["node", "/app/tasks.mjs", "migrate"],
    environment: apiEnvironment(ctx),
    // With a key it embeds the catalogue through OpenAI too, so it needs a way out.
    networks: ["data", ...(openaiEnabled(ctx) ? [EGRESS_NETWORK] : [])],
    secrets: appSecrets(ctx),
    depends_on: { haproxy: { condition: "service_healthy" } },
    init: true,
    ...hardening,
  };
}

export function apiService(ctx: StackContext): ComposeService {
  const base = baseService(
    ctx,
    "api",
    "api",
    ctx.sizing.api,
    health(apiProbe("/api/health/ready"), { interval: "5s", start_period: "60s" }),
  );
  return {
    ...base,
    ...openaiLabel(ctx, base.labels),
    deploy: { ...base.deploy!, replicas: ctx.config.api.replicas },
    // /metrics for Prometheus, on the data network; not on edge, where nginx and the host are.
    environment: { ...apiEnvironment(ctx), PORT: String(API_PORT), METRICS_NETWORK: ctx.topology.subnet },
    networks: ["edge", "data"],
    secrets: appSecrets(ctx),
    depends_on: {
      migrate: { condition: "service_completed_successfully" },
      haproxy: { condition: "service_healthy" },
      ...Object.fromEntries(ctx.topology.sentinels.map((s) => [s.service, { condition: "service_healthy" as const }])),
    },
    init: true,
    // Long enough for nginx to stop sending and in-flight requests (chat: up to 120 s) to finish.
    stop_grace_period: "30s",
    ...hardening,
  };
}
