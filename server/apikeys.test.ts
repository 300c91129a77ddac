import { describe, expect, it } from "vitest";
import { hashApiKey, looksLikeApiKey, newApiKey } from "./apikeys.js";

describe("API keys", () => {
  it("are 256 random bits behind a short prefix, stored as a SHA-256 hash", () => {
    const a = newApiKey();
    const b = newApiKey();
    expect(a.key).toMatch(/^stv_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.prefix).toBe(a.key.slice(0, 12));
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.key.slice(4, 20));
  });

  it("turns away what cannot be a key before any lookup", () => {
    expect(looksLikeApiKey(newApiKey().key)).toBe(true);
    for (const bad of [
      "",
      "stv_",
      "stv_invented",
      `stv_${"a".repeat(42)}`,
      `stv_${"a".repeat(44)}`,
      `STV_${"a".repeat(43)}`,
      `stv_${"a".repeat(42)}\u0000`,
      "' OR 1=1 --",
    ]) {
      expect(looksLikeApiKey(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
