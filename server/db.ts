import { readFileSync } from "node:fs";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.js";
import type { Env } from "./env.js";
import { isConnectionError } from "./db-metrics.js";

export type Db = pg.Pool;
export type Prisma = PrismaClient;

export function connectionConfig(env: Env): pg.ClientConfig {
  return {
    host: env.PGHOST,
    port: env.PGPORT,
    user: env.PGUSER,
    database: env.PGDATABASE,
    password: env.PGPASSWORD,
    // verify-full: the server's certificate must chain to this CA and name the host we connect to.
    ...(env.PGSSLROOTCERT ? { ssl: { ca: readFileSync(env.PGSSLROOTCERT, "utf8"), rejectUnauthorized: true } } : {}),
    application_name: "stevie-api",
    // HNSW's default candidate list (40) gives recall@10 ~0.977 against exact search here; 100 gives >= 0.98.
    options: "-c hnsw.ef_search=100",
  };
}

export function createDb(env: Env): Db {
  const pool = new pg.Pool({
    ...connectionConfig(env),
    min: env.PG_POOL_MIN,
    max: env.PG_POOL_MAX,
    // A connection or a query that gets no answer fails in bounded time: HAProxy gives up on a member within 2 + 2 s
    // and a failover takes seconds, so 5 s to connect is margin enough; TCP keepalives notice a peer that went silent.
    connectionTimeoutMillis: 5_000,
    ...(env.PG_QUERY_TIMEOUT_MS > 0 ? { query_timeout: env.PG_QUERY_TIMEOUT_MS } : {}),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    idleTimeoutMillis: 60_000,
  });
  // An idle client losing its server (failover, restart) must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  // A checked-out client can lose its server between queries too (HAProxy cuts the old leader's sessions); pg emits
  // that as an 'error' event on the client, which would crash the process without a listener. The query in flight,
  // if any, still fails with the error, and the client is discarded when released.
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}

/** Operations that only read: safe to run again. */
const READS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "count",
  "aggregate",
  "groupBy",
]);
/** Long enough for HAProxy's replacement to take connections again, short beside a client's patience. */
export const READ_RETRY_DELAY_MS = 300;

/**
 * The typed client, over the same pool as the hand-written vector and full-text queries. A read whose connection was
 * lost under it (HAProxy recreated, the leader gone: isConnectionError) runs once more, after READ_RETRY_DELAY_MS, on
 * another connection (the pool has discarded the broken one); a write is never repeated, since it may have committed.
 */
export function createPrisma(pool: Db): Prisma {
  const client = new PrismaClient({ adapter: new PrismaPg(pool) }).$extends({
    query: {
      async $allOperations({ operation, args, query }) {
        try {
          return await query(args);
        } catch (err) {
          if (!READS.has(operation) || !(err instanceof Error) || !isConnectionError(err)) throw err;
          await new Promise((r) => setTimeout(r, READ_RETRY_DELAY_MS));
          return query(args);
        }
      },
    },
  });
  // The extension changes no model's signature, only the client's type name.
  return client as unknown as Prisma;
}
