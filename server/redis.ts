import { Redis, type RedisOptions } from "ioredis";

/**
 * Redis for the API: one client for cache, sessions and rate limits. Where Redis runs is configuration only —
 * one node or a Sentinel-managed primary build the same client options, so there is one code path.
 *
 * The client fails fast: no offline queue (a command while disconnected rejects at once instead of waiting for a
 * reconnect), one retry per command, short connect and command timeouts. Callers treat Redis as an accelerator
 * (cache, rate limits fail open) or report it as unavailable (sessions), so a quick error beats a slow success.
 */

export interface RedisAddress {
  host: string;
  port: number;
}

export type RedisTarget = RedisAddress | { sentinels: RedisAddress[]; masterName: string; sentinelPassword?: string };

export type RedisConfig = RedisTarget & {
  password?: string;
  /** Prepended to every key; "stevie:" unless told otherwise. */
  keyPrefix?: string;
  connectTimeoutMs?: number;
  /** A command with no answer after this long rejects (a half-open socket must not hold callers forever). */
  commandTimeoutMs?: number;
  /** The CA (PEM) Redis's and the Sentinels' certificates are checked against: set, every connection is TLS. */
  tlsCa?: string;
};

/** The environment variables the API reads for Redis (a subset of Env; the Sentinel ones are optional). */
export interface RedisEnv {
  REDIS_HOST?: string;
  REDIS_PORT?: number | string;
  REDIS_PASSWORD?: string;
  /** "h1:26379,h2:26379": when set, the primary is found through these Sentinels and REDIS_HOST/PORT are ignored. */
  REDIS_SENTINELS?: string;
  REDIS_MASTER_NAME?: string;
  REDIS_SENTINEL_PASSWORD?: string;
  REDIS_TLS_CA?: string;
}

export const REDIS_KEY_PREFIX = "stevie:";
const DEFAULT_PORT = 6379;
const DEFAULT_SENTINEL_PORT = 26379;

/** "h1:26379, [::1]:26380, h3" → addresses; a missing port is Sentinel's 26379. Throws on a malformed entry. */
export function parseSentinels(list: string): RedisAddress[] {
  const entries = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!entries.length) throw new Error(`REDIS_SENTINELS is empty; expected "host:port,host:port"`);
  return entries.map((entry) => {
    const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(entry);
    const port = m?.[3] === undefined ? DEFAULT_SENTINEL_PORT : Number(m[3]);
    if (!m || port < 1 || port > 65535)
      throw new Error(`REDIS_SENTINELS entry "${entry}" is not host:port (e.g. redis-sentinel-1:26379)`);
    return { host: (m[1] ?? m[2])!, port };
  });
}

/** The configuration the environment describes (pure). */
export function redisConfigFrom(env: RedisEnv): RedisConfig {
  const password = env.REDIS_PASSWORD || undefined;
  const tls = env.REDIS_TLS_CA?.trim() ? { tlsCa: env.REDIS_TLS_CA } : {};
  if (env.REDIS_SENTINELS?.trim()) {
    const masterName = env.REDIS_MASTER_NAME?.trim();
    if (!masterName)
      throw new Error(
        "REDIS_MASTER_NAME is required when REDIS_SENTINELS is set (the name in sentinel.conf's `sentinel monitor`)",
      );
    return {
      sentinels: parseSentinels(env.REDIS_SENTINELS),
      masterName,
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD || undefined,
      password,
      ...tls,
    };
  }
  const port = env.REDIS_PORT === undefined || env.REDIS_PORT === "" ? DEFAULT_PORT : Number(env.REDIS_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`REDIS_PORT must be a port number, found "${env.REDIS_PORT}"`);
  return { host: env.REDIS_HOST || "127.0.0.1", port, password, ...tls };
}

function isSentinel(cfg: RedisTarget): cfg is Extract<RedisTarget, { sentinels: RedisAddress[] }> {
  return "sentinels" in cfg;
}

/** ioredis options for a configuration (pure; unit-tested). */
export function redisOptionsFor(cfg: RedisConfig): RedisOptions {
  const common: RedisOptions = {
    password: cfg.password,
    keyPrefix: cfg.keyPrefix ?? REDIS_KEY_PREFIX,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: cfg.connectTimeoutMs ?? 2_000,
    commandTimeout: cfg.commandTimeoutMs ?? 1_000,
    // Reconnect forever with a short back-off: the client is shared by the whole process.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    // After a failover the old primary answers writes with READONLY: reconnect (through Sentinel) and resend.
    reconnectOnError: (err) => (err.message.startsWith("READONLY") ? 2 : false),
    // Node checks the certificate against the CA and the address or name dialled (Sentinel hands out addresses).
    ...(cfg.tlsCa ? { tls: { ca: cfg.tlsCa } } : {}),
  };
  if (!isSentinel(cfg)) return { ...common, host: cfg.host, port: cfg.port };
  return {
    ...common,
    ...(cfg.tlsCa ? { sentinelTLS: { ca: cfg.tlsCa }, enableTLSForSentinelMode: true } : {}),
    sentinels: cfg.sentinels.map(({ host, port }) => ({ host, port })),
    name: cfg.masterName,
    role: "master",
    sentinelPassword: cfg.sentinelPassword,
    sentinelRetryStrategy: (times) => Math.min(times * 200, 2_000),
    sentinelCommandTimeout: cfg.connectTimeoutMs ?? 2_000,
    // Subscribe to +switch-master on the Sentinels: move to the new primary as soon as it is elected.
    failoverDetector: true,
  };
}

/** ioredis options from environment variables (pure; unit-tested). */
export function redisOptionsFrom(env: RedisEnv): RedisOptions {
  return redisOptionsFor(redisConfigFrom(env));
}

function isConfig(source: RedisEnv | RedisConfig): source is RedisConfig {
  return "sentinels" in source || ("host" in source && "port" in source);
}

/**
 * The API's Redis client, from the parsed environment or an explicit configuration. Lazy: call `connect()`
 * (main.ts does, and ignores the rejection: readiness reports Redis, and the client keeps reconnecting).
 */
export function createRedis(source: RedisEnv | RedisConfig): Redis {
  return new Redis(isConfig(source) ? redisOptionsFor(source) : redisOptionsFrom(source));
}

/**
 * Keep a shared client connected for the life of the process: when it ends (status "end", after which ioredis never
 * dials again), connect it anew after `delayMs`. The returned function stops this, for a deliberate quit.
 *
 * ioredis ends a Sentinel client for good when a failover notice (+switch-master) from its previous connection's
 * failover detector arrives while it is asking a Sentinel where the primary is: the connect is cancelled, and the
 * cancellation is taken as final. It happened in 7 of 12 replica failovers measured here, and every session
 * call of that replica failed until it restarted.
 */
export function keepConnected(redis: Redis, onRestart: () => void = () => undefined, delayMs = 500): () => void {
  let timer: NodeJS.Timeout | undefined;
  const restart = () => {
    timer = setTimeout(() => {
      timer = undefined;
      if (redis.status !== "end") return;
      onRestart();
      redis.connect().catch(() => undefined); // a failed dial goes through the retry strategy again
    }, delayMs);
  };
  redis.on("end", restart);
  return () => {
    redis.off("end", restart);
    clearTimeout(timer);
  };
}
