import { createApiKeyStore } from "./apikeys.js";
import { programCache } from "./catalog/programs.js";
import { createRedisDeps } from "./cache/deps.js";
import { createChatDeps } from "./chat/deps.js";
import { createDb, createPrisma } from "./db.js";
import { instrumentPool } from "./db-metrics.js";
import { createThreadedEmbedder } from "./embeddings/threaded.js";
import { parseEnv } from "./env.js";
import { createApiServer } from "./http.js";
import { createLogger } from "./logger.js";
import { createMetrics } from "./metrics.js";
import { createOpenAIServices, parsePriceTable } from "./openai/index.js";
import { createRedis, keepConnected } from "./redis.js";
import { createHistoryWriter } from "./recommend/history.js";
import { startWatchdog } from "./watchdog.js";

async function main(): Promise<void> {
  let env;
  let prices;
  try {
    env = parseEnv();
    prices = parsePriceTable(env.OPENAI_PRICES);
  } catch (err) {
    process.stderr.write(`stevie-api: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const log = createLogger(env.LOG_LEVEL, { version: env.STEVIE_VERSION });
  const db = createDb(env);
  const prisma = createPrisma(db);
  const redis = createRedis(env);
  redis.on("error", (err: Error) => log.warn({ err: err.message }, "redis connection problem"));
  const stopReconnecting = keepConnected(redis, () => log.warn("redis client had ended; connecting again"));
  redis.connect().catch(() => undefined); // readiness reports it; the client keeps retrying
  const metrics = createMetrics();
  instrumentPool(db, metrics.registry);

  // The offline model is always loaded: it is the embedder without a key, and the fallback while OpenAI is unavailable.
  // It runs in a worker thread beside this bundle's main.mjs, so requests that need no new vector never wait for it.
  const offline = createThreadedEmbedder({
    workerFile: new URL("./embed-worker.mjs", import.meta.url),
    modelDir: env.STEVIE_EMBEDDINGS_MODEL_DIR,
  });
  const openai = createOpenAIServices({
    apiKey: env.OPENAI_API_KEY,
    baseURL: env.OPENAI_BASE_URL,
    chatModel: env.OPENAI_CHAT_MODEL,
    embeddingModel: env.OPENAI_EMBEDDING_MODEL,
    embeddingDimensions: env.OPENAI_EMBEDDING_DIMENSIONS,
    timeoutMs: env.OPENAI_TIMEOUT_MS,
    failureThreshold: env.OPENAI_BREAKER_FAILURES,
    resetTimeoutMs: env.OPENAI_BREAKER_RESET_MS,
    prices,
    offline,
    registry: metrics.registry,
    log: log.child({ component: "openai" }),
  });
  const embedder = openai.resilient ?? offline;
  const redisDeps = createRedisDeps({
    redis,
    db,
    embedder: offline,
    resilient: openai.resilient,
    log,
    registry: metrics.registry,
    responseTtlSeconds: env.STEVIE_RESPONSE_CACHE_TTL_S,
    rateLimit: env.STEVIE_RATE_LIMIT,
    rateLimitWindowSeconds: env.STEVIE_RATE_LIMIT_WINDOW_S,
    creationLimit: env.STEVIE_CREATE_LIMIT,
    embedBudgetMs: env.STEVIE_EMBED_BUDGET_MS,
  });
  const embedQuery = redisDeps.embedQuery;
  // Readiness waits for the offline model: OpenAI being down is degraded service, not "not ready".
  const warm = offline.embed(["warm-up"]).then(() => log.info({ model: embedder.model }, "embeddings ready"));
  warm.catch((err: Error) => log.error({ err: err.message, model: offline.model }, "embeddings failed to load"));

  const programs = programCache(prisma);
  const chat = createChatDeps({
    redis,
    pool: db,
    embedder,
    programs,
    embedQuery,
    openai: openai.chat,
    openaiMetrics: openai.metrics,
    registry: metrics.registry,
    log: log.child({ component: "chat" }),
  });
  const history = createHistoryWriter(db, { log, registry: metrics.registry });
  const deps = {
    ...redisDeps,
    db,
    prisma,
    redis,
    embedder,
    chat,
    programs,
    history,
    log,
    version: env.STEVIE_VERSION,
    now: () => new Date(),
  };
  const api = createApiServer(deps, metrics, () => warm, {
    maxBatch: env.STEVIE_MAX_BATCH,
    metricsNetwork: env.METRICS_NETWORK,
    apiKeys: createApiKeyStore(db),
  });

  api.server.listen(env.PORT, env.HOST, () =>
    log.info(
      { port: env.PORT, env: env.STEVIE_ENV, model: embedder.model, openai: Boolean(openai.chat) },
      "api listening",
    ),
  );
  // A main thread stuck for STEVIE_LOOP_STALL_MS ends the process (see watchdog.ts).
  startWatchdog({ stallMs: env.STEVIE_LOOP_STALL_MS });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "draining");
    await api.drain(env.SHUTDOWN_GRACE_S * 1000, env.SHUTDOWN_LINGER_MS);
    await history.close();
    stopReconnecting();
    await Promise.allSettled([prisma.$disconnect(), db.end(), redis.quit(), openai.close(), offline.close?.()]);
    log.info("stopped");
    // The log is written asynchronously: wait for what is queued before leaving.
    log.flush(() => process.exit(0));
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

void main();
