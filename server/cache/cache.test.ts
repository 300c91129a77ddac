import { describe, expect, it } from "vitest";
import { toCacheJson, ttlMillis } from "./cache.js";
import { decodeVector, embeddingCacheKey, encodeVector, queryTextFor } from "./embeddings.js";
import { generationOf } from "./generation.js";
import { responseCacheKey, stableJson } from "./responses.js";

describe("cache values and TTLs", () => {
  it("refuses any TTL that would leave a key without a sensible expiry", () => {
    expect(ttlMillis(600)).toBe(600_000);
    expect(ttlMillis(0.0001)).toBe(1);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => ttlMillis(bad)).toThrow(RangeError);
  });

  it("refuses values that JSON would silently change", () => {
    expect(toCacheJson({ a: [1, "x", null] })).toBe('{"a":[1,"x",null]}');
    expect(toCacheJson(undefined)).toBeUndefined();
    expect(() => toCacheJson({ at: new Date() })).toThrow(/"at" is a Date/);
    expect(() => toCacheJson([new Map()])).toThrow(/Map/);
    expect(() => toCacheJson(new Set([1]))).toThrow(/the value is a Set/);
    expect(() => toCacheJson({ n: 1n })).toThrow(TypeError);
  });
});

describe("query-embedding cache keys and values", () => {
  it("keys by model and the text as embedded: whitespace and Unicode form always normalised, case only if asked", () => {
    expect(embeddingCacheKey("use-lite-512", "  Apple\tPay\u00a0 ")).toBe(
      embeddingCacheKey("use-lite-512", "Apple Pay"),
    );
    expect(embeddingCacheKey("use-lite-512", "Apple Pay")).not.toBe(embeddingCacheKey("use-lite-512", "apple pay"));
    expect(embeddingCacheKey("use-lite-512", "Apple Pay", { foldCase: true })).toBe(
      embeddingCacheKey("use-lite-512", "apple pay", { foldCase: true }),
    );
    expect(embeddingCacheKey("use-lite-512", "apple pay")).not.toBe(
      embeddingCacheKey("text-embedding-3-small", "apple pay"),
    );
    expect(embeddingCacheKey("m", "x")).toMatch(/^m:[A-Za-z0-9_-]{43}$/);
    expect(queryTextFor(" ﬁne\n\n Print ")).toBe("fine Print"); // NFKC folds the ligature
    expect(queryTextFor(" ﬁne\n\n Print ", { foldCase: true })).toBe("fine print");
  });

  it("round-trips vectors as float32", () => {
    const v = [0.1, -0.25, 1 / 3, 0];
    const back = decodeVector(encodeVector(v));
    expect(back).toHaveLength(4);
    back.forEach((x, i) => expect(x).toBeCloseTo(v[i]!, 7));
    expect(back).toEqual(Array.from(Float32Array.from(v)));
    expect(encodeVector(new Array(512).fill(0.5)).length).toBeLessThan(2_800);
    expect(decodeVector("AAA")).toEqual([]); // 2 bytes: not a float32 vector
  });
});

describe("response-cache keys", () => {
  it("ignores key order and depends on procedure, input and generation", () => {
    const a = responseCacheKey(
      "recommend",
      { description: "x", topK: 5, profile: { country: "us", programs: ["ABA"] } },
      "g1",
    );
    const b = responseCacheKey(
      "recommend",
      { profile: { programs: ["ABA"], country: "us" }, topK: 5, description: "x" },
      "g1",
    );
    expect(a).toBe(b);
    expect(a).toMatch(/^recommend:[A-Za-z0-9_-]{43}$/);
    expect(
      responseCacheKey("recommend", { description: "x", topK: 5, profile: { country: "us", programs: ["ABA"] } }, "g2"),
    ).not.toBe(a);
    expect(
      responseCacheKey(
        "categories.list",
        { description: "x", topK: 5, profile: { country: "us", programs: ["ABA"] } },
        "g1",
      ),
    ).not.toBe(a);
    expect(
      responseCacheKey("recommend", { description: "x", topK: 6, profile: { country: "us", programs: ["ABA"] } }, "g1"),
    ).not.toBe(a);
    expect(responseCacheKey("programs.list", undefined, "g1")).toBe(responseCacheKey("programs.list", null, "g1"));
  });

  it("stableJson sorts keys at every level and keeps array order", () => {
    expect(stableJson({ b: 1, a: { d: [3, 1], c: undefined } })).toBe('{"a":{"d":[3,1]},"b":1}');
  });

  it("the catalogue generation changes with any catalogue-state row", () => {
    const rows = [
      { key: "catalog_changed_at", value: "2026-01-01 10:00:00+00" },
      { key: "embedded:use-lite-512", value: "2026-01-01 10:01:00+00" },
    ];
    const g = generationOf(rows);
    expect(g).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(generationOf([...rows])).toBe(g);
    expect(generationOf([rows[0]!, { ...rows[1]!, value: "2026-01-02 10:01:00+00" }])).not.toBe(g);
    expect(generationOf([rows[0]!])).not.toBe(g);
    expect(generationOf([])).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
