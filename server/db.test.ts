import pg from "pg";
import { describe, expect, it } from "vitest";
import { createPrisma, READ_RETRY_DELAY_MS } from "./db.js";
import { isConnectionError } from "./db-metrics.js";

/** A pool whose every query fails as pg fails when HAProxy drops the connection under it; counts the attempts. */
function droppingPool(): { pool: pg.Pool; attempts: () => number } {
  const pool = new pg.Pool({ host: "127.0.0.1", port: 1 });
  let n = 0;
  const drop = () => {
    n++;
    return Promise.reject(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" }));
  };
  Object.assign(pool, { query: drop, connect: drop });
  return { pool, attempts: () => n };
}

describe("the typed client when the database connection is lost under a call", () => {
  it("runs a read once more on another connection, after a pause, and the error it ends with is a connection error (a 503)", async () => {
    const { pool, attempts } = droppingPool();
    const prisma = createPrisma(pool);
    const started = Date.now();
    const err = await prisma.category.findUnique({ where: { code: "ABA-MGMT-012" } }).catch((e: unknown) => e);
    expect(attempts()).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(READ_RETRY_DELAY_MS - 10);
    // Prisma's own error, not pg's, with pg's code or one of its own (P1001, P1017): either is a connection error.
    expect((err as Error).constructor.name).toBe("PrismaClientKnownRequestError");
    expect(isConnectionError(err as Error)).toBe(true);
  });

  it("never repeats a write: it may have committed before the connection went", async () => {
    const { pool, attempts } = droppingPool();
    const prisma = createPrisma(pool);
    const err = await prisma.auditLog
      .create({ data: { actor: "t", action: "a", target: "x", details: {} } })
      .catch((e: unknown) => e);
    expect(attempts()).toBe(1);
    expect(isConnectionError(err as Error)).toBe(true);
  });
});
