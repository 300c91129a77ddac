import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";
import type { Logger } from "../logger.js";

/**
 * A PostgreSQL for development and evaluation without Docker: PGlite (PostgreSQL 17 compiled to WASM, in this
 * process) with pgvector, served over the PostgreSQL wire protocol on 127.0.0.1 by pglite-socket, so the unchanged
 * code paths — node-pg-migrate, `pg.Pool`, Prisma over @prisma/adapter-pg — talk to it as to any server.
 *
 * PGlite is one backend (one session). pglite-socket multiplexes client connections onto it message by message, and
 * holds other connections' messages back while a transaction is open. That is only safe when one connection is in use
 * at a time: a query bigger than one TCP read (the embedding inserts are ~700 kB) arrives in pieces, and another
 * connection's Parse between its pieces replaces the unnamed prepared statement. So:
 * - use `createDevPool` (a pool of ONE connection: concurrent queries queue in the pool, which costs nothing since the
 *   backend runs one query at a time anyway), and
 * - run migrations (their own connection) before that pool is created, or after it is ended.
 * The server accepts a few connections (not one) only so a connection that has just been closed on the client side but
 * not yet reaped by the server does not make the next connect fail with "Too many connections".
 */

export interface DevDatabaseOptions {
  /**
   * Directory to keep the database in across runs, created if missing (the files go to `<dataDir>/pgdata`; a lock file
   * `<dataDir>/dev.lock` keeps a second process out). Default: in memory, gone on close.
   */
  dataDir?: string;
  log: Logger;
  /** TCP port on 127.0.0.1; default 0, a free port chosen by the OS. */
  port?: number;
}

export interface DevDatabase {
  /** Where to connect; give it to `runMigrations` and `createDevPool`. User, database and password are ignored. */
  connection: pg.ClientConfig & { host: string; port: number };
  /** Stop the socket server (dropping its connections) and close the database, flushing it to `dataDir`. */
  close(): Promise<void>;
}

/** Server-side socket slots: see the note at the top. Only one should be in use at any time. */
const SOCKET_SLOTS = 4;

export async function startDevDatabase(opts: DevDatabaseOptions): Promise<DevDatabase> {
  const started = performance.now();
  const dir = opts.dataDir ? resolve(opts.dataDir) : undefined;
  const unlock = dir ? lockDataDir(dir) : () => undefined;
  const dataDir = dir ? join(dir, "pgdata") : undefined;
  let db: PGlite;
  try {
    // Options go in one object: PGlite.create(undefined, options) ignores `options`.
    db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector } });
  } catch (err) {
    unlock();
    throw err;
  }
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: opts.port ?? 0, maxConnections: SOCKET_SLOTS });
  try {
    await server.start();
  } catch (err) {
    await db.close().catch(() => undefined);
    unlock();
    throw err;
  }
  // After start() the server reports the port the OS chose.
  const port = Number(server.getServerConn().split(":").pop());
  if (!Number.isInteger(port) || port <= 0) {
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    unlock();
    throw new Error(`pglite-socket did not report its port (${server.getServerConn()})`);
  }
  opts.log.info(
    { component: "dev-db", port, dataDir: dataDir ?? "memory", ms: Math.round(performance.now() - started) },
    "dev database (PGlite) listening",
  );

  let closing: Promise<void> | undefined;
  return {
    connection: {
      host: "127.0.0.1",
      port,
      user: "postgres",
      database: "postgres",
      password: "postgres",
      application_name: "stevie-dev",
    },
    close() {
      closing ??= (async () => {
        await server
          .stop()
          .catch((err: unknown) =>
            opts.log.warn({ component: "dev-db", err: String(err) }, "stopping the socket server failed"),
          );
        try {
          await db.close();
        } finally {
          unlock();
        }
      })();
      return closing;
    },
  };
}

/**
 * PGlite has no lock of its own: two processes on one directory corrupt it. Take `<dir>/dev.lock` (holding our pid),
 * taking over a lock whose process is gone. Returns the release function.
 */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "dev.lock");
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new Error(
          `the dev database in ${dir} is in use by process ${pid}; stop it first, or use another --data-dir`,
        );
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    rmSync(file, { force: true });
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The pool to use against the dev database: one connection, kept open; every further query waits its turn in the
 * pool (no connection timeout: embedding a large batch holds the main thread for a while).
 */
export function createDevPool(connection: pg.ClientConfig): pg.Pool {
  const pool = new pg.Pool({ ...connection, max: 1, min: 0, idleTimeoutMillis: 0, connectionTimeoutMillis: 0 });
  pool.on("error", () => undefined);
  return pool;
}
