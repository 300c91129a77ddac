import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../exec.js";
import { packageVersion } from "../package-root.js";
import { REPO_SPACE_COMMAND } from "./backup.js";
import { imageRef } from "../stack/services/common.js";
import { STANZA, backupFailure, lastError, parseDf, parseInfo } from "./parse.js";

/**
 * A full backup volume, for real: the stack's PostgreSQL image (PostgreSQL 17, pgBackRest, our config script) with
 * its repository on a 24 MB tmpfs. One backup fits; then the volume fills up and the next backup fails. What
 * pgBackRest reports is the WAL archive timing out (archiving fails first), so the CLI judges by the volume's free
 * space, read with the same command it runs on the leader. The older set is still listed, unchanged, and restores;
 * once space is freed, backups work again.
 */
const container = `stevietest-fullrepo-${process.pid}`;
const image = imageRef("postgres", packageVersion());
const pg = "/usr/lib/postgresql/17/bin";

async function sh(script: string, user = "postgres") {
  const r = await run("docker", ["exec", "-u", user, container, "sh", "-euc", script], {
    reject: false,
    timeoutMs: 300_000,
  });
  return { code: r.exitCode ?? 1, out: `${r.stdout}\n${r.stderr}` };
}

describe("a full backup volume", () => {
  beforeAll(async () => {
    await run("docker", ["rm", "-f", container], { reject: false });
    await run("docker", [
      "run",
      "-d",
      "--name",
      container,
      "--network",
      "none",
      "--label",
      "io.stevie-stack.project=stevietest-fullrepo",
      "--tmpfs",
      "/var/lib/pgbackrest:size=24m",
      "--tmpfs",
      "/tmp",
      "--entrypoint",
      "sleep",
      image,
      "infinity",
    ]);
    const setup = await sh(
      `echo 0123456789abcdef > /tmp/cipher && chmod 600 /tmp/cipher
       PGDATA=/tmp/pgdata BACKUP_CIPHER_FILE=/tmp/cipher stevie-pgbackrest-conf
       mkdir -p /tmp/pgbackrest /run/postgresql && chown postgres /var/lib/pgbackrest /tmp/pgbackrest /run/postgresql`,
      "0",
    );
    expect(setup.code, setup.out).toBe(0);
    const start = await sh(
      `${pg}/initdb -D /tmp/pgdata -A trust >/dev/null
       printf "archive_mode=on\\narchive_command='pgbackrest --stanza=${STANZA} archive-push %%p'\\nunix_socket_directories='/run/postgresql'\\nlisten_addresses=''\\n" >> /tmp/pgdata/postgresql.conf
       ${pg}/pg_ctl -D /tmp/pgdata -l /tmp/pg.log -w start >/dev/null
       psql -h /run/postgresql -d postgres -qc "CREATE TABLE kept AS SELECT g FROM generate_series(1, 1000) g"
       pgbackrest --stanza=${STANZA} stanza-create`,
    );
    expect(start.code, start.out).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await run("docker", ["rm", "-f", container], { reject: false });
  });

  it(
    "fails the next backup with a clear reason, keeps the older set whole, and recovers once space is freed",
    { timeout: 600_000 },
    async () => {
      const first = await sh(`pgbackrest --stanza=${STANZA} --type=full backup`);
      expect(first.code, first.out).toBe(0);
      const before = parseInfo(
        (await sh(`pgbackrest --stanza=${STANZA} --output=json info`)).out.split("\n").find((l) => l.startsWith("["))!,
      );
      expect(before).toHaveLength(1);

      // Everything but a few KB of the volume taken, as by a repository that outgrew its disk.
      const fill = await sh(
        "dd if=/dev/zero of=/var/lib/pgbackrest/filler bs=64k 2>/dev/null || true; df -k /var/lib/pgbackrest | tail -1",
      );
      expect(fill.out).toMatch(/\s100%\s/);
      await sh(
        `psql -h /run/postgresql -d postgres -qc "INSERT INTO kept SELECT g FROM generate_series(1001, 2000) g"`,
      );
      // A short archive timeout only to keep the test short (the stack waits pgBackRest's default minute).
      const second = await sh(`pgbackrest --stanza=${STANZA} --type=full --archive-timeout=5 backup`);
      expect(second.code).not.toBe(0);
      const why = lastError(second.out);
      const space = parseDf((await run("docker", ["exec", "-u", "postgres", container, ...REPO_SPACE_COMMAND])).stdout);
      expect(space?.freeKb).toBeLessThan(1024);
      const said = backupFailure(why, "local", "", space);
      expect(said.message).toMatch(
        /^backup failed: the backup volume is full \(0 MB free of 24 MB\); pgBackRest said: /,
      );
      expect(said.hint).toMatch(/existing backups are untouched/);
      // Without the space reading the same words are just a failure: the reading is what tells them apart.
      expect(backupFailure(why, "local", "").message).not.toMatch(/full/);
      process.stderr.write(`[backup-full] ${said.message}\n  fix: ${said.hint}\n`);

      // The older set: listed as before, and it restores (to its own end) into a server that answers.
      const after = parseInfo(
        (await sh(`pgbackrest --stanza=${STANZA} --output=json info`)).out.split("\n").find((l) => l.startsWith("["))!,
      );
      expect(after).toEqual(before);
      const restored = await sh(
        `pgbackrest --stanza=${STANZA} --pg1-path=/tmp/restored --set=${before[0]!.label} --type=immediate --target-action=promote --archive-mode=off restore >/dev/null
       ${pg}/pg_ctl -D /tmp/restored -o "-c port=5433 -c archive_mode=off" -l /tmp/restored.log -w start >/dev/null
       for i in $(seq 1 30); do [ "$(psql -h /run/postgresql -p 5433 -d postgres -Atc 'SELECT pg_is_in_recovery()')" = f ] && break; sleep 1; done
       psql -h /run/postgresql -p 5433 -d postgres -Atc "SELECT count(*) FROM kept"`,
      );
      expect(restored.code, restored.out).toBe(0);
      expect(restored.out.trim().split("\n").at(-1)).toBe("1000");

      // Space back: the next backup succeeds and both sets are listed.
      await sh("rm -f /var/lib/pgbackrest/filler");
      const third = await sh(`pgbackrest --stanza=${STANZA} --type=full backup`);
      expect(third.code, third.out).toBe(0);
      const last = parseInfo(
        (await sh(`pgbackrest --stanza=${STANZA} --output=json info`)).out.split("\n").find((l) => l.startsWith("["))!,
      );
      expect(last.map((b) => b.label)).toContain(before[0]!.label);
      expect(last).toHaveLength(2);
    },
  );
});
