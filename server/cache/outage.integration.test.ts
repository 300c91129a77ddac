import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { run } from "../../cli/exec.js";
import { createRateLimiter, registerRateLimitMetrics } from "../ratelimit/limiter.js";
import { createRedis } from "../redis.js";
import { SessionError, createSessionStore } from "../sessions/sessions.js";
import { createCache } from "./cache.js";
import { createCatalogGeneration } from "./generation.js";
import { registerCacheMetrics } from "./metrics.js";
import { createResponseCache } from "./responses.js";

/**
 * Redis stops in the middle of traffic (the integration services' own Redis container: `docker stop`, then
 * `docker start`): the cache keeps answering (computed), the rate limiter lets requests through and counts it,
 * sessions say SERVICE_UNAVAILABLE, and once Redis is back the same clients use it again.
 */

const s = inject("services");
const container = `${s.project}-redis`;
const tag = randomBytes(4).toString("hex");
const redis = createRedis({ host: s.redis.host, port: s.redis.port, password: s.redis.password });
redis.on("error", () => undefined); // the outage is the point; ioredis would print every reconnect failure
const pool = new pg.Pool({ ...s.pg, max: 2 });
const registry = new Registry();
const cacheMetrics = registerCacheMetrics(registry);
const rlMetrics = registerRateLimitMetrics(registry);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function isRunning(): Promise<boolean> {
  const r = await run("docker", ["inspect", "-f", "{{.State.Running}}", container], { reject: false });
  return r.stdout.trim() === "true";
}

/** Start the container if it is stopped and wait until it answers PING (a fresh client, so no backoff delays it). */
async function ensureRedisUp(timeoutMs = 60_000): Promise<void> {
  if (!(await isRunning())) await run("docker", ["start", container]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({
      ...s.redis,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1_000,
    });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${container} did not answer PING within ${timeoutMs} ms`);
      await sleep(250);
    } finally {
      probe.disconnect();
    }
  }
}

async function waitFor(what: string, ok: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const m = await registry.getSingleMetric(name)!.get();
  return m.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
}

beforeAll(async () => {
  await ensureRedisUp();
  await redis.connect();
});
afterAll(async () => {
  await ensureRedisUp(); // whatever happened, leave the shared Redis running
  redis.disconnect();
  await pool.end();
});

describe("Redis stopped mid-test", () => {
  it("keeps answering without Redis, then uses it again after it restarts", async () => {
    const cache = createCache(redis, { name: `t${tag}-outage`, metrics: cacheMetrics });
    const responses = createResponseCache({ cache, generation: createCatalogGeneration(pool, { refreshMs: 1_000 }) });
    const limiter = createRateLimiter(redis, {
      name: `t${tag}-outage`,
      limit: 2,
      windowSeconds: 3600,
      metrics: rlMetrics,
    });
    const sessions = createSessionStore(redis);

    expect(await cache.getOrCompute("warm", 600, async () => "from compute")).toBe("from compute");
    expect(await cache.getOrCompute("warm", 600, async () => "not called")).toBe("from compute");
    const session = await sessions.create({ step: 1 });
    await limiter.enforce("client");
    await limiter.enforce("client");
    expect((await limiter.check("client")).allowed).toBe(false);

    await run("docker", ["stop", "-t", "2", container]);
    try {
      await waitFor("the client notices Redis is gone", () => redis.status !== "ready");

      // Cache: every call answers, computed, quickly (no offline queue, no waiting for a reconnect).
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        expect(await cache.getOrCompute("warm", 600, async () => `computed ${i}`)).toBe(`computed ${i}`);
        expect(await responses.wrap("recommend", { description: "x", i }, async () => ({ i }))).toEqual({ i });
        times.push(performance.now() - t0);
      }
      expect(Math.max(...times)).toBeLessThan(500);
      times.sort((a, b) => a - b);
      process.stdout.write(
        `[bench] Redis down: cache + response-cache call pair, 20 calls: median ${times[10]!.toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms\n`,
      );
      expect(await cache.get("warm")).toBeUndefined();
      expect(
        await metric("stevie_cache_requests_total", { cache: `t${tag}-outage`, result: "error" }),
      ).toBeGreaterThanOrEqual(40);

      // Rate limiter: fails open (the client over its limit gets in), and says so in the metric.
      const d = await limiter.enforce("client");
      expect(d).toMatchObject({ allowed: true, failedOpen: true });
      for (let i = 0; i < 5; i++) await limiter.enforce("client");
      expect(
        await metric("stevie_ratelimit_decisions_total", { limiter: `t${tag}-outage`, result: "failed_open" }),
      ).toBe(6);

      // Sessions need Redis: a typed SERVICE_UNAVAILABLE, not a hang or a 500.
      const t0 = performance.now();
      const err = await sessions.get(session.id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SessionError);
      expect((err as SessionError).code).toBe("SERVICE_UNAVAILABLE");
      expect(performance.now() - t0).toBeLessThan(500);
      await expect(sessions.create({})).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    } finally {
      await ensureRedisUp();
    }

    // The same client reconnects on its own (retry back-off is at most 2 s) and the cache works again.
    await waitFor("the client reconnects", () => redis.status === "ready", 20_000);
    expect(await cache.getOrCompute("after", 600, async () => "stored again")).toBe("stored again");
    expect(await cache.getOrCompute("after", 600, async () => "not called")).toBe("stored again");
    expect(await redis.pttl(cache.keyOf("after"))).toBeGreaterThan(590_000);
    expect(
      await metric("stevie_cache_requests_total", { cache: `t${tag}-outage`, result: "hit" }),
    ).toBeGreaterThanOrEqual(2);
    const after = await limiter.check(`fresh-${tag}`);
    expect(after).toMatchObject({ allowed: true, failedOpen: false });
  });
});
