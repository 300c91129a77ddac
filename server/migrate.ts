import { runner } from "node-pg-migrate";
import type { ClientConfig } from "pg";
import type { Logger } from "./logger.js";

/**
 * Versioned SQL migrations (prisma/migrations/*.sql) applied by node-pg-migrate: the one mechanism used by the
 * tests, `stevie-stack dev` and the stack's migrate job. It holds a PostgreSQL advisory lock while it runs, so
 * two processes never migrate at once, and records what ran in the `pgmigrations` table.
 */
export const MIGRATIONS_TABLE = "pgmigrations";

export async function runMigrations(connection: ClientConfig, dir: string, log: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl: connection,
    dir,
    direction: "up",
    migrationsTable: MIGRATIONS_TABLE,
    checkOrder: true,
    log: (msg: string) => log.debug({ component: "migrate" }, msg),
  });
  return applied.map((m) => m.name);
}
