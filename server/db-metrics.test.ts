import type pg from "pg";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { instrumentPool, isConnectionError } from "./db-metrics.js";

function fakePool(fail?: Error & { code?: string }) {
  return {
    totalCount: 7,
    idleCount: 3,
    waitingCount: 2,
    options: { max: 50 },
    query: (sql: string) => (fail ? Promise.reject(fail) : Promise.resolve({ rows: [{ sql }] })),
  };
}

describe("database metrics", () => {
  it("times queries by outcome, counts connection failures and reports the pool", async () => {
    const registry = new Registry();
    const pool = fakePool();
    instrumentPool(pool as unknown as pg.Pool, registry);
    await expect(pool.query("SELECT 1")).resolves.toEqual({ rows: [{ sql: "SELECT 1" }] });
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const broken = fakePool(refused);
    const reg2 = new Registry();
    instrumentPool(broken as unknown as pg.Pool, reg2);
    await expect(broken.query("SELECT 1")).rejects.toBe(refused);

    const text = await registry.metrics();
    expect(text).toMatch(/stevie_db_query_duration_seconds_count\{outcome="ok"\} 1/);
    expect(text).toMatch(/stevie_db_pool_connections\{state="in_use"\} 4/);
    expect(text).toMatch(/stevie_db_pool_connections\{state="waiting"\} 2/);
    expect(text).toMatch(/stevie_db_pool_max 50/);
    const text2 = await reg2.metrics();
    expect(text2).toMatch(/stevie_db_query_duration_seconds_count\{outcome="error"\} 1/);
    expect(text2).toMatch(/stevie_db_connection_errors_total 1/);
  });

  it("tells a lost connection from a failed query", () => {
    expect(isConnectionError(Object.assign(new Error("x"), { code: "57P01" }))).toBe(true);
    expect(isConnectionError(new Error("timeout exceeded when trying to connect"))).toBe(true);
    // A write on a socket the peer closed, and pg's client after such an error; Prisma's codes for the same.
    expect(isConnectionError(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }))).toBe(true);
    expect(isConnectionError(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
    for (const code of ["P1001", "P1017"])
      expect(isConnectionError(Object.assign(new Error("x"), { code })), code).toBe(true);
    expect(isConnectionError(Object.assign(new Error("unique"), { code: "P2002" }))).toBe(false);
    expect(isConnectionError(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
  });
});
