import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createRedisChatStore } from "./redis-store.js";
import { SESSION_TTL_MS, SessionGoneError } from "./store.js";
import type { ChatTurn } from "./types.js";

const turn = (id: string): ChatTurn => ({
  id,
  role: "user",
  text: `text ${id}`,
  at: "2025-01-01T00:00:00.000Z",
  status: "complete",
});

// Real Redis from the integration services, with the API's key prefix.
describe("Redis chat store", () => {
  const redis = new Redis({ ...inject("services").redis, keyPrefix: "stevie:", maxRetriesPerRequest: 1 });
  const store = createRedisChatStore(redis);
  afterAll(() => redis.disconnect());

  it("stores a session under prefixed keys, every key with a TTL of at most 24 h", async () => {
    const id = randomUUID();
    await store.create({ id, createdAt: "2025-01-01T00:00:00.000Z" });
    await store.append(id, turn("1"), turn("2"));
    const s = await store.get(id);
    expect(s).toMatchObject({ id, createdAt: "2025-01-01T00:00:00.000Z", summary: null, summarisedTurns: 0 });
    expect(s!.turns.map((t) => t.id)).toEqual(["1", "2"]);
    const lock = await store.lock(id, 5_000);
    const raw = new Redis({ ...inject("services").redis, maxRetriesPerRequest: 1 });
    try {
      const keys = await raw.keys(`stevie:chat:{${id}}:*`);
      expect(keys.sort()).toEqual([
        `stevie:chat:{${id}}:lock`,
        `stevie:chat:{${id}}:meta`,
        `stevie:chat:{${id}}:turns`,
      ]);
      for (const k of keys) {
        const ttl = await raw.pttl(k);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(SESSION_TTL_MS);
      }
    } finally {
      raw.disconnect();
      await lock?.release();
    }
  });

  it("folds old turns into the summary atomically", async () => {
    const id = randomUUID();
    await store.create({ id, createdAt: "t" });
    await store.append(id, turn("1"), turn("2"), turn("3"));
    await store.compact(id, "the gist", 2);
    expect(await store.get(id)).toMatchObject({ summary: "the gist", summarisedTurns: 2, turns: [{ id: "3" }] });
  });

  it("refuses to append to a session that does not exist", async () => {
    await expect(store.append(randomUUID(), turn("1"))).rejects.toBeInstanceOf(SessionGoneError);
    expect(await store.get(randomUUID())).toBeNull();
  });

  it("locks a session for one holder; a stale holder cannot release someone else's lock", async () => {
    const id = randomUUID();
    const a = await store.lock(id, 150);
    expect(a).not.toBeNull();
    expect(await store.lock(id, 150)).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    const b = await store.lock(id, 5_000);
    expect(b).not.toBeNull();
    await a!.release();
    expect(await store.lock(id, 5_000)).toBeNull();
    await b!.release();
    expect(await store.lock(id, 5_000)).not.toBeNull();
  });
});
