import { createDb } from "./db.js";
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
  const redis = createRedis(env);
  redis.on("error", (err: Error) => log.warn({ err: err.message }, "redis connection problem"));
  redis.connect().catch(() => undefined); // readiness reports it; the client keeps retrying
  const metrics = createMetrics();
  const api = createApiServer({ db, redis, log, version: env.STEVIE_VERSION, now: () => new Date() }, metrics);

  api.server.listen(env.PORT, env.HOST, () => log.info({ port: env.PORT, env: env.STEVIE_ENV }, "api listening"));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "draining");
    await api.drain(env.SHUTDOWN_GRACE_S * 1000);
    await Promise.allSettled([db.end(), redis.quit()]);
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

void main();
