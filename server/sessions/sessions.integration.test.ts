import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRedis } from "../redis.js";
import { SessionError, createSessionStore } from "./sessions.js";
import { keysWithoutTtl } from "../../test/setup/redis.js";
import { trpcCodeOf } from "../../test/setup/trpc.js";

const s = inject("services");
const redis = createRedis({ host: s.redis.host, port: s.redis.port, password: s.redis.password });
const raw = new Redis({ ...s.redis, lazyConnect: true });
const DAY_MS = 24 * 3600_000;

beforeAll(async () => {
  await Promise.all([redis.connect(), raw.connect()]);
});
afterAll(() => {
  redis.disconnect();
  raw.disconnect();
});

describe("anonymous sessions (real Redis)", () => {
  const sessions = createSessionStore(redis);

  it("creates a session with a 24 h TTL, under a key that does not contain its id", async () => {
    const created = await sessions.create({ step: "profile", answers: { country: "KE" } });
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const key = `stevie:${sessions.keyOf(created.id)}`;
    expect(key).not.toContain(created.id);
    const pttl = await raw.pttl(key);
    expect(pttl).toBeGreaterThan(DAY_MS - 10_000);
    expect(pttl).toBeLessThanOrEqual(DAY_MS);
    const got = await sessions.get(created.id);
    expect(got).toEqual(created);
  });

  it("renews the TTL on get, touch and update, and keeps createdAt", async () => {
    const { id, createdAt } = await sessions.create({ n: 1 });
    const key = `stevie:${sessions.keyOf(id)}`;
    await raw.pexpire(key, 5_000); // as if it had been idle for almost a day
    expect((await sessions.get(id))?.data).toEqual({ n: 1 });
    expect(await raw.pttl(key)).toBeGreaterThan(DAY_MS - 10_000);
    await raw.pexpire(key, 5_000);
    expect(await sessions.touch(id)).toBe(true);
    expect(await raw.pttl(key)).toBeGreaterThan(DAY_MS - 10_000);
    await raw.pexpire(key, 5_000);
    const updated = await sessions.update(id, { n: 2, history: ["a", "b"] });
    expect(updated.createdAt).toBe(createdAt);
    expect((await sessions.get(id))?.data).toEqual({ n: 2, history: ["a", "b"] });
    expect(await raw.pttl(key)).toBeGreaterThan(DAY_MS - 10_000);
  });

  it("caps the value at ~5 KB with PAYLOAD_TOO_LARGE, leaving the session as it was", async () => {
    const { id } = await sessions.create({ ok: true });
    const err = await sessions.update(id, { chat: "x".repeat(6_000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).code).toBe("PAYLOAD_TOO_LARGE");
    expect((err as SessionError).message).toMatch(/limit is 5,120/);
    expect((await sessions.get(id))?.data).toEqual({ ok: true });
    expect(await trpcCodeOf(sessions.create({ chat: "x".repeat(6_000) }))).toBe("PAYLOAD_TOO_LARGE");
    expect(await trpcCodeOf(sessions.update(id, { chat: "x".repeat(4_900) }))).toBe("OK");
  });

  it("forgets deleted, expired and made-up sessions", async () => {
    const a = await sessions.create();
    expect(await sessions.delete(a.id)).toBe(true);
    expect(await sessions.get(a.id)).toBeNull();
    expect(await sessions.touch(a.id)).toBe(false);
    expect(await trpcCodeOf(sessions.update(a.id, {}))).toBe("NOT_FOUND");
    expect(await sessions.delete(a.id)).toBe(false);

    const short = createSessionStore(redis, { ttlSeconds: 1 });
    const b = await short.create({ x: 1 });
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await short.get(b.id)).toBeNull();

    expect(await sessions.get("not-a-session-id")).toBeNull();
    expect(await sessions.get("A".repeat(22))).toBeNull();
    expect(await trpcCodeOf(sessions.update("../../etc", {}))).toBe("NOT_FOUND");
  });
});

describe("key hygiene", () => {
  it("leaves no key without a TTL in Redis", async () => {
    const { seen, missing } = await keysWithoutTtl(raw);
    expect(seen).toBeGreaterThan(0);
    expect(missing, `keys without TTL: ${missing.join(", ")}`).toEqual([]);
  });
});
