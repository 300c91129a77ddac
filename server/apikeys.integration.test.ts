import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createApiKeyStore, newApiKey } from "./apikeys.js";

const pool = new pg.Pool({ ...inject("services").pg, max: 2 });
afterAll(() => pool.end());

describe("API key store (real PostgreSQL)", () => {
  it("resolves a live key with its own limit, forgets it once revoked (after its cache time), and never queries for garbage", async () => {
    const { key, prefix, hash } = newApiKey();
    const name = `it-${Date.now()}`;
    await pool.query("INSERT INTO api_keys (name, prefix, hash, rate_limit_per_hour) VALUES ($1, $2, $3, 7)", [
      name,
      prefix,
      hash,
    ]);
    let queries = 0;
    const counted = {
      query: ((...args: Parameters<pg.Pool["query"]>) => (queries++, pool.query(...args))) as pg.Pool["query"],
    };
    const store = createApiKeyStore(counted, { cacheMs: 200 });
    expect(await store.resolve(key)).toMatchObject({ name, rateLimitPerHour: 7 });
    expect(await store.resolve(key)).toMatchObject({ name });
    expect(queries).toBe(1); // the second answer came from the cache
    expect(await store.resolve("stv_invented")).toBeNull();
    expect(await store.resolve(newApiKey().key)).toBeNull();
    expect(queries).toBe(2);

    await pool.query("UPDATE api_keys SET revoked_at = now() WHERE name = $1", [name]);
    await new Promise((r) => setTimeout(r, 250));
    expect(await store.resolve(key)).toBeNull();
    // The name is free again for a new key; a second live key of that name is refused by the database.
    const again = newApiKey();
    await pool.query("INSERT INTO api_keys (name, prefix, hash) VALUES ($1, $2, $3)", [name, again.prefix, again.hash]);
    const third = newApiKey();
    await expect(
      pool.query("INSERT INTO api_keys (name, prefix, hash) VALUES ($1, $2, $3)", [name, third.prefix, third.hash]),
    ).rejects.toThrow(/api_keys_live_name_idx/);
  });

  it("keeps at most maxEntries answers, so made-up keys cannot grow the process", async () => {
    let queries = 0;
    const counted = {
      query: ((...args: Parameters<pg.Pool["query"]>) => (queries++, pool.query(...args))) as pg.Pool["query"],
    };
    const store = createApiKeyStore(counted, { maxEntries: 2 });
    const [a, b, c] = [newApiKey().key, newApiKey().key, newApiKey().key];
    await store.resolve(a);
    await store.resolve(a);
    expect(queries).toBe(1);
    await store.resolve(b);
    await store.resolve(c); // the third answer pushes out the oldest
    await store.resolve(a);
    expect(queries).toBe(4);
  });
});
