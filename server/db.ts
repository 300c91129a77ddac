import pg from "pg";
import type { Env } from "./env.js";

export type Db = pg.Pool;

export function createDb(env: Env): Db {
  const pool = new pg.Pool({
    host: env.PGHOST,
    port: env.PGPORT,
    user: env.PGUSER,
    database: env.PGDATABASE,
    password: env.PGPASSWORD,
    min: env.PG_POOL_MIN,
    max: env.PG_POOL_MAX,
    connectionTimeoutMillis: 30_000,
    idleTimeoutMillis: 60_000,
    application_name: "stevie-api",
  });
  // An idle client losing its server (failover, restart) must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  return pool;
}
