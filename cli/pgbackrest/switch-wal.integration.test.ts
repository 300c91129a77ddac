import { describe, expect, inject, it } from "vitest";
import { run } from "../exec.js";
import { SWITCH_WAL_SQL } from "./restore.js";

/**
 * The WAL segment a restore waits to see archived (restore.ts, flushArchive), on the stack's PostgreSQL image. A
 * switch with nothing written since the previous one switches nothing; the segment named must then be a closed one,
 * not the open one (which is archived only once it fills: every restore used to wait out its minute for it).
 */
const services = inject("services");
const psql = async (sql: string) =>
  (
    await run("docker", [
      "exec",
      "-u",
      "postgres",
      `${services.project}-postgres`,
      "psql",
      "-h",
      "/run/postgresql",
      "-d",
      "postgres",
      "-XAtqc",
      sql,
    ])
  ).stdout.trim();

describe("the WAL switch a restore waits on", () => {
  it("names a closed segment, also right after another switch (nothing written since)", async () => {
    for (let i = 0; i < 3; i++) {
      await psql("SELECT pg_switch_wal()");
      const named = await psql(SWITCH_WAL_SQL);
      const open = await psql("SELECT pg_walfile_name(pg_current_wal_lsn())");
      expect(named).toMatch(/^[0-9A-F]{24}$/);
      expect(named < open, `named ${named}, open ${open}`).toBe(true);
    }
  });
});
