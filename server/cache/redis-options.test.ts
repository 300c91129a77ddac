import { describe, expect, it } from "vitest";
import { parseSentinels, redisConfigFrom, redisOptionsFrom } from "../redis.js";

// Unit tests of server/redis.ts (kept here with the cache's tests).
describe("redisOptionsFrom", () => {
  it("builds a single-node client from REDIS_HOST/PORT/PASSWORD, failing fast", () => {
    const o = redisOptionsFrom({ REDIS_HOST: "redis", REDIS_PORT: 6380, REDIS_PASSWORD: "pw" });
    expect(o).toMatchObject({
      host: "redis",
      port: 6380,
      password: "pw",
      keyPrefix: "stevie:",
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    expect(o.connectTimeout).toBeLessThanOrEqual(2_000);
    expect(o.commandTimeout).toBeGreaterThan(0);
    expect(o.sentinels).toBeUndefined();
    expect(o.retryStrategy?.(1)).toBe(200);
    expect(o.retryStrategy?.(100)).toBe(2_000);
  });

  it("defaults to 127.0.0.1:6379 and treats an empty password as none", () => {
    expect(redisOptionsFrom({ REDIS_PASSWORD: "" })).toMatchObject({
      host: "127.0.0.1",
      port: 6379,
      password: undefined,
    });
    expect(redisOptionsFrom({ REDIS_PORT: "6390" }).port).toBe(6390);
  });

  it("talks TLS to Redis and to the Sentinels when given a CA, and plaintext only without one", () => {
    const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const sentinel = { REDIS_SENTINELS: "10.0.0.21:26379", REDIS_MASTER_NAME: "stevie", REDIS_TLS_CA: ca };
    expect(redisOptionsFrom(sentinel)).toMatchObject({
      tls: { ca },
      sentinelTLS: { ca },
      enableTLSForSentinelMode: true,
    });
    expect(redisOptionsFrom({ REDIS_HOST: "redis", REDIS_TLS_CA: ca })).toMatchObject({ tls: { ca } });
    const plain = redisOptionsFrom({ ...sentinel, REDIS_TLS_CA: " " });
    expect([plain.tls, plain.sentinelTLS, plain.enableTLSForSentinelMode]).toEqual([undefined, undefined, undefined]);
  });

  it("uses Sentinel when REDIS_SENTINELS is set, with the same fail-fast options", () => {
    const o = redisOptionsFrom({
      REDIS_HOST: "ignored",
      REDIS_SENTINELS: "s1:26379, s2:26380,s3",
      REDIS_MASTER_NAME: "stevie",
      REDIS_PASSWORD: "pw",
      REDIS_SENTINEL_PASSWORD: "spw",
    });
    expect(o).toMatchObject({
      sentinels: [
        { host: "s1", port: 26379 },
        { host: "s2", port: 26380 },
        { host: "s3", port: 26379 },
      ],
      name: "stevie",
      role: "master",
      password: "pw",
      sentinelPassword: "spw",
      keyPrefix: "stevie:",
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      failoverDetector: true,
    });
    expect(o.host).toBeUndefined();
    expect(o.reconnectOnError?.(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(o.reconnectOnError?.(new Error("ERR other"))).toBe(false);
  });

  it("says what is wrong with a Sentinel configuration", () => {
    expect(() => redisOptionsFrom({ REDIS_SENTINELS: "s1:26379" })).toThrow(/REDIS_MASTER_NAME is required/);
    expect(() => redisOptionsFrom({ REDIS_SENTINELS: "s1:port", REDIS_MASTER_NAME: "m" })).toThrow(
      /"s1:port" is not host:port/,
    );
    expect(() => redisOptionsFrom({ REDIS_SENTINELS: "s1:70000", REDIS_MASTER_NAME: "m" })).toThrow(/not host:port/);
    expect(() => parseSentinels(" , ")).toThrow(/empty/);
    expect(() => redisConfigFrom({ REDIS_PORT: "abc" })).toThrow(/REDIS_PORT must be a port number/);
  });

  it("parses IPv6 Sentinel addresses", () => {
    expect(parseSentinels("[::1]:26379,[fd00::2]")).toEqual([
      { host: "::1", port: 26379 },
      { host: "fd00::2", port: 26379 },
    ]);
  });

  it("accepts the parsed Env as it is (main.ts passes it)", () => {
    const env = { PORT: 3000, REDIS_HOST: "redis", REDIS_PORT: 6379, REDIS_PASSWORD: undefined, LOG_LEVEL: "info" };
    expect(redisOptionsFrom(env)).toMatchObject({ host: "redis", port: 6379 });
  });
});
