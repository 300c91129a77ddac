import { createHash, randomBytes } from "node:crypto";
import type { Db } from "./db.js";

/**
 * API keys that the operator issues with `stevie-stack apikey create`: `stv_` and 43 characters of 256 random bits.
 * The database keeps a SHA-256 hash of each (a leaked table gives no key) and the key's own limit. The API resolves
 * the `x-api-key` header here; a string that cannot be a key never reaches the database.
 */
const KEY_PATTERN = /^stv_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 12;

export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = `stv_${randomBytes(32).toString("base64url")}`;
  return { key, prefix: key.slice(0, PREFIX_LENGTH), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function looksLikeApiKey(raw: string): boolean {
  return KEY_PATTERN.test(raw);
}

export interface ApiKey {
  id: string;
  name: string;
  rateLimitPerHour: number | null;
}

export interface ApiKeyStore {
  /** The live key this header value is, or null (malformed, unknown or revoked). */
  resolve(raw: string): Promise<ApiKey | null>;
}

/**
 * Answers, hits and misses alike, are kept `cacheMs` in this process: a revoked key stops working within that time,
 * and a client repeating an unknown key costs one query per period. At most `maxEntries` are kept (oldest dropped
 * first), so a flood of made-up keys cannot grow the process.
 */
export function createApiKeyStore(
  db: Pick<Db, "query">,
  opts: { cacheMs?: number; maxEntries?: number } = {},
): ApiKeyStore {
  const { cacheMs = 10_000, maxEntries = 10_000 } = opts;
  const cache = new Map<string, { key: ApiKey | null; until: number }>();
  return {
    async resolve(raw) {
      if (!looksLikeApiKey(raw)) return null;
      const hash = hashApiKey(raw);
      const hit = cache.get(hash);
      if (hit && hit.until > Date.now()) return hit.key;
      const r = await db.query<{ id: string; name: string; rate_limit_per_hour: number | null }>(
        "SELECT id::text, name, rate_limit_per_hour FROM api_keys WHERE hash = $1 AND revoked_at IS NULL",
        [hash],
      );
      const row = r.rows[0];
      const key = row ? { id: row.id, name: row.name, rateLimitPerHour: row.rate_limit_per_hour } : null;
      cache.delete(hash);
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(hash, { key, until: Date.now() + cacheMs });
      return key;
    },
  };
}
