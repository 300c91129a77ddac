import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import pg from "pg";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { imageRef } from "../../cli/stack/services/common.js";
import { waitFor } from "../../cli/wait.js";
import { packageVersion } from "../../cli/package-root.js";
import type { TestStack } from "./stack.js";

/**
 * How tests reach the stack's write endpoint (HAProxy's 5432, the Patroni leader). The data network is internal and
 * has no address on this host (compose.ts INTERNAL), so tests bring a relay of their own: a container on the data
 * network and on Docker's default bridge, which this host does route to, passing bytes to and from `haproxy:5432`.
 * Each side's end ends the other once its bytes are through; a reset resets it. Not one of the stack's containers (no
 * project label): removeRelay before the project's networks go.
 */
const relays = new Map<string, Promise<string>>();
const relayName = (project: string) => `${project}-test-relay`;
const RELAY = `const net = require("node:net");
net.createServer((c) => {
  const u = net.connect(5432, "haproxy");
  c.pipe(u);
  u.pipe(c);
  c.on("error", () => u.destroy());
  u.on("error", () => c.destroy());
}).listen(5432);`;

function haproxyAddress(stack: Pick<TestStack, "project">): Promise<string> {
  let address = relays.get(stack.project);
  if (!address) {
    address = startRelay(stack.project);
    address.catch(() => relays.delete(stack.project));
    relays.set(stack.project, address);
  }
  return address;
}

async function startRelay(project: string): Promise<string> {
  const name = relayName(project);
  const running = await run("docker", ["inspect", "-f", "{{.State.Running}}", name], { reject: false });
  if (running.stdout.trim() !== "true") {
    await removeRelay(project);
    await run("docker", [
      "run",
      "-d",
      "--name",
      name,
      "--network",
      `${project}_data`,
      "--restart",
      "unless-stopped",
      "--entrypoint",
      "node",
      imageRef("api", packageVersion()),
      "-e",
      RELAY,
    ]);
    await run("docker", ["network", "connect", "bridge", name]);
  }
  const id = (await run("docker", ["inspect", "-f", "{{.Id}}", name])).stdout.trim();
  const address = (await docker.containerAddresses(id)).bridge;
  if (!address) throw new Error(`the test relay ${name} has no address on Docker's default bridge`);
  await waitFor(`the test relay ${name} to listen`, () => listening(address, 5432), {
    timeoutMs: 15_000,
    everyMs: 200,
  });
  return address;
}

/** true once something accepts a connection there; undefined (not yet) otherwise. */
const listening = (host: string, port: number) =>
  new Promise<true | undefined>((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(undefined));
  });

/** The relay of `project`, gone (before its data network is removed: a joined container keeps a network). */
export async function removeRelay(project: string): Promise<void> {
  relays.delete(project);
  await run("docker", ["rm", "-f", relayName(project)], { reject: false });
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
