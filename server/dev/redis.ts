import { Redis } from "ioredis";
import type { Logger } from "../logger.js";

/**
 * Redis for `stevie-stack dev`. Redis only speeds the API up, so dev runs without one unless given a URL.
 *
 * Without a URL the client is created and immediately closed, so it is in ioredis' terminal "end" state: every
 * command (the readiness PING included) rejects at once with "Connection is closed." and no socket is ever opened.
 * A lazy client that is merely never connected (lazyConnect + enableOfflineQueue: false) is not the same: ioredis
 * connects a "wait"-state client on its first command, so the first readiness check would dial 127.0.0.1:6379, and
 * then keep reconnecting with "Unhandled error event" noise (or silently use whatever Redis a developer happens to
 * run there). Readiness then reports Redis "down" and the status "degraded", which is the designed behaviour.
 */
export function createDevRedis(url: string | undefined, log: Logger): Redis {
  if (!url) {
    const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false, keyPrefix: "stevie:" });
    redis.disconnect(); // "wait" -> "end" without touching the network
    return redis;
  }
  const redis = new Redis(url, {
    keyPrefix: "stevie:",
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on("error", (err: Error) => log.warn({ component: "dev", err: err.message }, "redis connection problem"));
  redis.connect().catch(() => undefined); // readiness reports it; the client keeps retrying
  return redis;
}
