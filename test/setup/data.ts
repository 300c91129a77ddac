import { readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import * as docker from "../../cli/docker.js";
import type { TestStack } from "./stack.js";

/**
 * A pg pool to the installed stack's write endpoint (HAProxy's 5432, the Patroni leader), as the application role.
 * The data network is internal, but this host routes to it (tests run as root on the Docker host).
 */
async function haproxyAddress(stack: Pick<TestStack, "project">): Promise<string> {
  const haproxy = (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).find(
    (c) => c.service === "haproxy",
  );
  if (!haproxy) throw new Error("no haproxy container in the test stack");
  return Object.values(await docker.containerAddresses(haproxy.id))[0]!;
}

/** A fresh login through HAProxy from this host, then one query: its first value as text, or "refused: why". */
export async function loginAndAsk(
  stack: TestStack,
  login: { user: string; password: string; ssl?: pg.ClientConfig["ssl"] },
  sql: string,
): Promise<string> {
  const client = new pg.Client({
    host: await haproxyAddress(stack),
    port: 5432,
    database: "stevie",
    ...login,
    connectionTimeoutMillis: 5_000,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return String(Object.values((await client.query(sql)).rows[0] as Record<string, unknown>)[0]);
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One of the stack's generated secrets (secrets/NAME), as the CLI wrote it. */
export async function stackSecret(stack: Pick<TestStack, "dir">, name: string): Promise<string> {
  return (await readFile(join(stack.dir, "secrets", name), "utf8")).trim();
}

/** `options`: server settings for every session, as in libpq (`-c hnsw.ef_search=100`). */
export async function stackPool(
  stack: Pick<TestStack, "dir" | "project">,
  max = 4,
  options?: string,
): Promise<pg.Pool> {
  const host = await haproxyAddress(stack);
  const secret = (name: string) => stackSecret(stack, name);
  // The login role the API uses now (rotate-secrets alternates between two).
  const pool = new pg.Pool({
    host,
    port: 5432,
    user: await secret("postgres_user"),
    database: "stevie",
    password: await secret("postgres_password"),
    max,
    connectionTimeoutMillis: 3_000,
    query_timeout: 5_000,
    ...(options ? { options } : {}),
  });
  pool.on("error", () => undefined);
  return pool;
}

/** A pool plus an empty scratch table `name (seq int PRIMARY KEY, at timestamptz)`; `drop()` removes both. */
export async function probeTable(
  stack: TestStack,
  name: string,
): Promise<{ pool: pg.Pool; drop: () => Promise<void> }> {
  const pool = await stackPool(stack);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${name} (seq int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  await pool.query(`TRUNCATE ${name}`);
  return {
    pool,
    drop: async () => {
      await pool.query(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
      await pool.end();
    },
  };
}
