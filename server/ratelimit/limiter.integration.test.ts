import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { initTRPC } from "@trpc/server";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Context } from "../context.js";
import { createRedis } from "../redis.js";
import { createCallerFactory, publicProcedure, router } from "../trpc.js";
import { RateLimitError, createRateLimiter, registerRateLimitMetrics, type RateLimiter } from "./limiter.js";
import { rateLimitMiddleware, rateLimitResponseMeta } from "./trpc.js";
import { keysWithoutTtl, startEvictingRedis } from "../../test/setup/redis.js";

const s = inject("services");
const run = randomBytes(4).toString("hex");
const redis = createRedis({ host: s.redis.host, port: s.redis.port, password: s.redis.password });
const raw = new Redis({ ...s.redis, lazyConnect: true });
const registry = new Registry();
const metrics = registerRateLimitMetrics(registry);

const evicting = { redis: undefined as unknown as Redis, stop: async (): Promise<void> => undefined };

beforeAll(async () => {
  await Promise.all([redis.connect(), raw.connect()]);
  const e = await startEvictingRedis(`stevietest-ratelimit`);
  evicting.redis = createRedis({ host: e.host, port: e.port });
  evicting.stop = e.stop;
  await evicting.redis.connect();
}, 60_000);
afterAll(async () => {
  redis.disconnect();
  raw.disconnect();
  evicting.redis?.disconnect();
  await evicting.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function refusal(p: Promise<unknown>): Promise<RateLimitError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RateLimitError) return err;
    throw err;
  }
  throw new Error("expected a rate-limit refusal");
}

describe("sliding-window rate limit (real Redis)", () => {
  it("allows N per hour, then refuses with TOO_MANY_REQUESTS and a Retry-After within the window", async () => {
    const limiter = createRateLimiter(redis, { name: `t${run}-api`, limit: 5, windowSeconds: 3600, metrics });
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) remaining.push((await limiter.enforce("key-A")).remaining);
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    const err = await refusal(limiter.enforce("key-A"));
    expect(err.code).toBe("TOO_MANY_REQUESTS");
    expect(err.limit).toBe(5);
    // Sliding-window counter: at most window × (1 + 1/limit) after being refused.
    expect(err.retryAfterSeconds).toBeGreaterThan(0);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(Math.ceil(3600 * (1 + 1 / 5)));
    expect(err.message).toMatch(/^rate limit of 5 requests per hour reached; retry in \d+ s$/);

    // Another key is counted on its own.
    expect((await limiter.check("key-B")).allowed).toBe(true);
    expect((await limiter.check("key-A")).allowed).toBe(false);

    const m = await metrics.decisions.get();
    const by = Object.fromEntries(
      m.values.filter((v) => v.labels.limiter === `t${run}-api`).map((v) => [String(v.labels.result), v.value]),
    );
    expect(by).toEqual({ allowed: 6, limited: 2 });
  });

  it("keeps two small fields per client, each expiring within two windows, and no client key in Redis", async () => {
    const limiter = createRateLimiter(redis, { name: `t${run}-api`, limit: 5, windowSeconds: 3600 });
    const key = `stevie:${limiter.key}`;
    const field = limiter.fieldOf("key-A");
    expect(field).not.toContain("key-A");
    expect(await raw.type(key)).toBe("hash");
    const fields = Object.keys(await raw.hgetall(key)).filter((f) => f.startsWith(`${field}:`));
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.length).toBeLessThanOrEqual(2);
    // The hash has no TTL of its own (eviction cannot take it); each field expires on its own.
    expect(await raw.pttl(key)).toBe(-1);
    const ttls = (await raw.call("HPTTL", key, "FIELDS", String(fields.length), ...fields)) as number[];
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThan(3600_000);
      expect(ttl).toBeLessThanOrEqual(2 * 3600_000);
    }
    const bytes = fields.reduce((n, f) => n + f.length, 0) + 16 * fields.length;
    expect(bytes).toBeLessThan(1024);
  });

  it("keeps its counts when Redis evicts under memory pressure (volatile-lru drops cached answers, never the counters)", async () => {
    // A Redis of its own, from the stack's image and with the stack's eviction policy, filled far past its ceiling.
    const limiter = createRateLimiter(evicting.redis, { name: `t${run}-evict`, limit: 3, windowSeconds: 3600 });
    for (let i = 0; i < 3; i++) expect((await limiter.check("victim")).allowed).toBe(true);
    const value = "x".repeat(10_000);
    for (let batch = 0; batch < 40; batch++) {
      const p = evicting.redis.pipeline();
      for (let i = 0; i < 100; i++) p.set(`cache:${batch}:${i}`, value, "EX", 600);
      await p.exec();
    }
    const info = await evicting.redis.info("stats");
    expect(Number(/evicted_keys:(\d+)/.exec(info)?.[1])).toBeGreaterThan(1000);
    expect((await limiter.check("victim")).allowed).toBe(false);
  });

  it("lets a refused client in again as the window slides (refusals are not counted)", async () => {
    const limiter = createRateLimiter(redis, { name: `t${run}-slide`, limit: 3, windowSeconds: 2 });
    for (let i = 0; i < 3; i++) expect((await limiter.check("k")).allowed).toBe(true);
    const refused = await limiter.check("k");
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(Math.ceil(2 * (1 + 1 / 3)));
    for (let i = 0; i < 5; i++) expect((await limiter.check("k")).allowed).toBe(false); // knocking does not extend the wait
    await sleep(refused.retryAfterSeconds * 1000 + 50);
    expect((await limiter.check("k")).allowed).toBe(true);
  });

  it("counts concurrent requests atomically across clients (two connections, like two replicas)", async () => {
    const other = createRedis({ host: s.redis.host, port: s.redis.port, password: s.redis.password });
    await other.connect();
    try {
      const a = createRateLimiter(redis, { name: `t${run}-race`, limit: 20, windowSeconds: 3600 });
      const b = createRateLimiter(other, { name: `t${run}-race`, limit: 20, windowSeconds: 3600 });
      const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).check("shared")));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    } finally {
      other.disconnect();
    }
  });

  it("refuses bad settings", () => {
    expect(() => createRateLimiter(redis, { name: "x", limit: 0 })).toThrow(/positive integer/);
    expect(() => createRateLimiter(redis, { name: "x", limit: 5, windowSeconds: 0.5 })).toThrow(/windowSeconds/);
  });
});

describe("tRPC middleware and the HTTP Retry-After header", () => {
  it("answers 429 with Retry-After through the standalone adapter's responseMeta", async () => {
    const limiter = createRateLimiter(redis, { name: `t${run}-http`, limit: 3, windowSeconds: 3600 });
    // As the app wires it: the limiter is built at start-up and reaches the middleware through the context.
    type Ctx = { apiKey?: string; rateLimiter: RateLimiter };
    const t = initTRPC.context<Ctx>().create();
    const limited = t.procedure.use(
      rateLimitMiddleware(
        (ctx: Ctx) => ctx.rateLimiter,
        (ctx: Ctx) => (ctx.apiKey ? { key: ctx.apiKey } : undefined),
      ),
    );
    const appRouter = t.router({ hello: limited.query(() => "hi") });
    const server = createHTTPServer({
      router: appRouter,
      createContext: ({ req }) => ({
        rateLimiter: limiter,
        apiKey: typeof req.headers["x-api-key"] === "string" ? req.headers["x-api-key"] : undefined,
      }),
      responseMeta: rateLimitResponseMeta,
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hello`;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(url, { headers: { "x-api-key": "k1" } })).status);
      expect(statuses).toEqual([200, 200, 200]);
      const res = await fetch(url, { headers: { "x-api-key": "k1" } });
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(Math.ceil(3600 * (1 + 1 / 3)));
      const body = (await res.json()) as { error: { data: { code: string } } };
      expect(body.error.data.code).toBe("TOO_MANY_REQUESTS");
      expect((await fetch(url, { headers: { "x-api-key": "k2" } })).status).toBe(200);
      expect((await fetch(url)).status).toBe(200); // no key: left to nginx's per-IP limit
      expect((await fetch(url)).headers.get("retry-after")).toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("attaches to the app's own publicProcedure (typed against Context)", async () => {
    const limiter = createRateLimiter(redis, { name: `t${run}-app`, limit: 1, windowSeconds: 3600 });
    const limitedProcedure = publicProcedure.use(
      rateLimitMiddleware(limiter, (ctx: Context) => (ctx.requestId ? { key: ctx.requestId } : undefined)),
    );
    const r = router({ ping: limitedProcedure.query(({ ctx }) => `pong ${ctx.requestId}`) });
    // No rateLimiter in this context: the app's own per-call limit is left out, only this one counts.
    const caller = createCallerFactory(r)({ requestId: `client-${run}` } as Context);
    expect(await caller.ping()).toBe(`pong client-${run}`);
    await expect(caller.ping()).rejects.toThrow(/rate limit of 1 requests per hour/);
  });
});

describe("key hygiene", () => {
  it("leaves no key without a TTL in Redis", async () => {
    const { seen, missing } = await keysWithoutTtl(raw);
    expect(seen).toBeGreaterThan(0);
    expect(missing, `keys without TTL: ${missing.join(", ")}`).toEqual([]);
  });
});
