import { programCache } from "./catalog/programs.js";
import { createDb, createPrisma } from "./db.js";
import { createEmbedder } from "./embeddings/index.js";
import { parseEnv } from "./env.js";
import { createApiServer } from "./http.js";
import { createLogger } from "./logger.js";
import { createMetrics } from "./metrics.js";
import { createRedis } from "./redis.js";

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv();
  } catch (err) {
    process.stderr.write(`stevie-api: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const log = createLogger(env.LOG_LEVEL, { version: env.STEVIE_VERSION });
  const db = createDb(env);
  const prisma = createPrisma(db);
  const redis = createRedis(env);
  redis.on("error", (err: Error) => log.warn({ err: err.message }, "redis connection problem"));
  redis.connect().catch(() => undefined); // readiness reports it; the client keeps retrying
  const embedder = createEmbedder({ openaiApiKey: env.OPENAI_API_KEY, openaiBaseUrl: env.OPENAI_BASE_URL, modelDir: env.STEVIE_EMBEDDINGS_MODEL_DIR });
  // Load the model before taking traffic: readiness stays "down" until the first embedding works.
  const warm = embedder.embed(["warm-up"]).then(() => log.info({ model: embedder.model }, "embeddings ready"));
  warm.catch((err: Error) => log.error({ err: err.message, model: embedder.model }, "embeddings failed to load"));
  const metrics = createMetrics();
  const deps = { db, prisma, redis, embedder, programs: programCache(prisma), log, version: env.STEVIE_VERSION, now: () => new Date() };
  const api = createApiServer(deps, metrics, () => warm);

  api.server.listen(env.PORT, env.HOST, () => log.info({ port: env.PORT, env: env.STEVIE_ENV, model: embedder.model }, "api listening"));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "draining");
    await api.drain(env.SHUTDOWN_GRACE_S * 1000);
    await Promise.allSettled([prisma.$disconnect(), db.end(), redis.quit(), embedder.close?.()]);
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

void main();
