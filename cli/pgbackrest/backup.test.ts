import { describe, expect, it } from "vitest";
import { container, FakeRunner } from "../../test/support/fake-runner.js";
import { Stack } from "../stack/handle.js";
import { stackPaths } from "../stack/paths.js";
import { backupNow } from "./backup.js";
import {
  type DbFacts,
  type RestoreState,
  backupFailure,
  checkTarget,
  compareFacts,
  judgeScheduled,
  parseDf,
  parseInfo,
  restoreRefusal,
} from "./parse.js";

const info = JSON.stringify([
  {
    name: "stevie",
    status: { code: 0, message: "ok" },
    backup: [
      {
        label: "20261130-152322F",
        type: "full",
        timestamp: { start: 1796052200, stop: 1796052229 },
        info: { size: 43_000_000, repository: { delta: 9_700_000, size: 9_700_000 } },
        archive: { start: "000000010000000000000004", stop: "000000010000000000000004" },
        database: { id: 1, "repo-key": 1 },
        error: false,
      },
      {
        label: "20261130-152322F_20261201-010000D",
        type: "diff",
        timestamp: { start: 1796090000, stop: 1796090010 },
        info: { size: 43_100_000, repository: { delta: 200_000, size: 9_800_000 } },
        archive: { start: "000000010000000000000009", stop: "000000010000000000000009" },
        database: { id: 1, "repo-key": 1 },
      },
      // pgBackRest lists the S3 repository's sets after the local one's: the list is ordered by time over both.
      {
        label: "20261130-160000F",
        type: "full",
        timestamp: { start: 1796054400, stop: 1796054460 },
        info: { size: 43_000_000, repository: { delta: 9_700_000, size: 9_700_000 } },
        archive: { start: "000000010000000000000006", stop: "000000010000000000000006" },
        database: { id: 1, "repo-key": 2 },
      },
    ],
  },
]);

describe("backup list", () => {
  it("reads pgBackRest's info with sizes, WAL range and drill verification", () => {
    const sets = parseInfo(info, { "20261130-152322F": "2026-11-30T16:00:00.000Z" });
    expect(sets.map((b) => `${b.repo}:${b.label}`)).toEqual([
      "local:20261130-152322F",
      "s3:20261130-160000F",
      "local:20261130-152322F_20261201-010000D",
    ]);
    expect(sets[0]).toEqual({
      label: "20261130-152322F",
      repo: "local",
      type: "full",
      start: new Date(1796052200 * 1000).toISOString(),
      stop: new Date(1796052229 * 1000).toISOString(),
      sizeBytes: 43_000_000,
      repoBytes: 9_700_000,
      walStart: "000000010000000000000004",
      walStop: "000000010000000000000004",
      error: false,
      verified: "2026-11-30T16:00:00.000Z",
    });
    expect(sets[2]).toMatchObject({ type: "diff", repoBytes: 200_000, error: false });
    expect(sets[2]!.verified).toBeUndefined();
    expect(parseInfo(JSON.stringify([{ name: "other", backup: [] }]))).toEqual([]);
  });
});

describe("drill verification", () => {
  const prod: DbFacts = {
    migration: "20261130120000_catalogue",
    vector: "0.8.0",
    invalidIndexes: [],
    indexes: 19,
    counts: { categories: 1354, category_embeddings: 1354, audit_log: 12, recommendations: 40 },
    topk: { "ABA-CORP-001": [1, 7, 9] },
    newest: "2026-11-30T15:00:00Z",
    archivedAt: "2026-11-30T15:00:10Z",
  };

  it("passes an identical copy, and one whose growing tables are behind production", () => {
    expect(compareFacts(prod, prod, false)).toEqual([]);
    expect(
      compareFacts(prod, { ...prod, counts: { ...prod.counts, audit_log: 11, recommendations: 38 } }, false),
    ).toEqual([]);
  });

  it("names every difference that matters", () => {
    const bad: DbFacts = {
      ...prod,
      vector: "0.7.0",
      invalidIndexes: ["category_embeddings_hnsw_512"],
      counts: { ...prod.counts, categories: 1300 },
      topk: { "ABA-CORP-001": [1, 9, 7] },
    };
    const f = compareFacts(prod, bad, false);
    expect(f).toHaveLength(4);
    expect(f.join("\n")).toMatch(/pgvector 0\.7\.0 restored/);
    expect(f.join("\n")).toMatch(/invalid indexes after restore: category_embeddings_hnsw_512/);
    expect(f.join("\n")).toMatch(/categories: 1300 rows restored, production has 1354/);
    expect(f.join("\n")).toMatch(/nearest categories of ABA-CORP-001 differ/);
  });

  it("checks only what a point in time must share with production", () => {
    const earlier: DbFacts = { ...prod, counts: { ...prod.counts, categories: 1300 }, topk: {} };
    expect(compareFacts(prod, earlier, true)).toEqual([]);
    // A point before a migration may lack a table production has now, but never pgvector or the migrations.
    const { audit_log: _dropped, ...withoutAudit } = prod.counts;
    expect(compareFacts(prod, { ...earlier, counts: withoutAudit }, true)).toEqual([]);
    expect(compareFacts(prod, { ...earlier, vector: null, migration: null }, true)).toEqual([
      "pgvector missing restored, production has 0.8.0",
      "the restored copy has no migrations: it is not a stevie-stack database",
    ]);
    expect(compareFacts(prod, { ...prod, counts: withoutAudit }, false)).toEqual([
      "table audit_log is missing from the restored copy",
    ]);
  });
});

describe("restore targets", () => {
  const sets = parseInfo(info);
  const now = Date.parse("2026-12-02T00:00:00Z");
  const reason = (t: Parameters<typeof checkTarget>[1]) => {
    try {
      checkTarget(sets, t, now);
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };

  it("accepts a known set, or a time between the oldest backup and now", () => {
    expect(reason({ set: "20261130-152322F" })).toBe("ok");
    expect(reason({ time: "2026-12-01T12:00:00Z" })).toBe("ok");
    expect(reason({})).toBe("ok");
  });

  it("refuses what the repository cannot satisfy, saying why", () => {
    expect(reason({ set: "20250101-000000F" })).toMatch(/no backup set 20250101-000000F/);
    expect(reason({ time: "yesterday" })).toMatch(/not an ISO 8601 time/);
    expect(reason({ time: "2026-11-01T00:00:00Z" })).toMatch(/before the oldest backup/);
    expect(reason({ time: "2026-12-03T00:00:00Z" })).toMatch(/in the future/);
    expect(reason({ set: "20261130-152322F", time: "2026-12-01T12:00:00Z" })).toMatch(/exclusive/);
    expect(() => checkTarget([], {}, now)).toThrow(/no backup yet/);
  });
});

describe("scheduled drills", () => {
  const facts: DbFacts = {
    migration: "20261130120000_catalogue",
    vector: "0.8.0",
    invalidIndexes: [],
    indexes: 19,
    counts: { categories: 1348, category_embeddings: 1348, audit_log: 12 },
    topk: { "ABA-01": [1, 2, 3] },
    newest: "2026-11-30T18:00:00Z",
    archivedAt: null,
  };

  it("passes a copy that matches the replica, with RPO 0 when nothing is missing", () => {
    const d = judgeScheduled({
      at: "2026-11-30T19:00:00Z",
      set: "20261130-152322F",
      rtoSeconds: 31,
      source: facts,
      restored: facts,
    });
    expect(d).toEqual({
      at: "2026-11-30T19:00:00Z",
      set: "20261130-152322F",
      scheduled: true,
      pass: true,
      rtoSeconds: 31,
      rpoSeconds: 0,
      failures: [],
    });
  });

  it("fails with the image's error, or with the same differences the CLI's drill reports", () => {
    expect(
      judgeScheduled({
        at: "t",
        set: "s",
        rtoSeconds: 5,
        source: facts,
        restored: null,
        error: "restore failed: checksum mismatch",
      }),
    ).toMatchObject({ pass: false, failures: ["restore failed: checksum mismatch"] });
    const broken = {
      ...facts,
      invalidIndexes: ["category_embeddings_hnsw"],
      counts: { ...facts.counts, categories: 1000 },
    };
    const d = judgeScheduled({ at: "t", set: "s", rtoSeconds: 5, source: facts, restored: broken });
    expect(d.pass).toBe(false);
    expect(d.failures.join(" ")).toMatch(/invalid indexes.*category_embeddings_hnsw/);
    expect(d.failures.join(" ")).toMatch(/categories: 1000 rows restored, production has 1348/);
    expect(judgeScheduled({ at: "t", set: "s", rtoSeconds: 5, source: null, restored: facts }).failures[0]).toMatch(
      /facts could not be read/,
    );
    const behind = judgeScheduled({
      at: "t",
      set: "s",
      rtoSeconds: 5,
      source: facts,
      restored: { ...facts, newest: "2026-11-30T17:59:15Z" },
    });
    expect(behind).toMatchObject({ pass: true, rpoSeconds: 45 });
  });
});

describe("a failed backup, explained", () => {
  const timeout = "WAL segment 000000010000000000000003 was not archived before the 60000ms timeout";
  const df =
    "Filesystem     1024-blocks    Used Available Capacity Mounted on\n/dev/vda1        263174212 41000000     20480     100% /var/lib/pgbackrest\n";

  it("reads the volume's space from df", () => {
    expect(parseDf(df)).toEqual({ totalKb: 263174212, freeKb: 20480 });
    expect(parseDf("df: /var/lib/pgbackrest: No such file or directory")).toBeUndefined();
  });

  it("calls a nearly full local volume full, whatever pgBackRest's words; otherwise passes them on", () => {
    expect(backupFailure(timeout, "local", "", parseDf(df)).message).toMatch(
      /the backup volume is full \(20 MB free of 257006 MB\); pgBackRest said: WAL segment/,
    );
    expect(backupFailure("unable to write: [28] No space left on device", "local", "").message).toMatch(
      /volume is full; pgBackRest said/,
    );
    expect(backupFailure(timeout, "local", "", { freeKb: 50 * 1024 * 1024, totalKb: 100 * 1024 * 1024 })).toEqual({
      full: false,
      message: `backup failed: ${timeout}`,
      hint: expect.stringMatching(/untouched/),
    });
    // The S3 repository is not on that volume.
    expect(backupFailure("HTTP 403 AccessDenied", "s3", " (s3 repository)", parseDf(df)).message).toBe(
      "backup failed (s3 repository): HTTP 403 AccessDenied",
    );
  });
});

describe("a restore's phases", () => {
  const at = (phase: RestoreState["phase"]): RestoreState => ({
    stamp: "20261206-101500",
    at: "2026-12-06T10:15:00Z",
    target: { latest: true },
    members: ["postgres-1", "postgres-2"],
    phase,
  });
  const verdict = (state: RestoreState | undefined, command: "restore" | "confirm" | "rollback") =>
    restoreRefusal(state, command)?.message ?? "go";

  it("starts a restore unless one waits for confirm or rollback (a preparing one is started over)", () => {
    expect(verdict(undefined, "restore")).toBe("go");
    expect(verdict(at("preparing"), "restore")).toBe("go");
    expect(verdict(at("switching"), "restore")).toMatch(/interrupted while switching/);
    expect(verdict(at("switched"), "restore")).toMatch(/still kept/);
    expect(restoreRefusal(at("switched"), "restore")?.fix).toMatch(/restore confirm.*restore rollback/);
  });

  it("confirms only a finished switch, and rolls back from the moment the switch began", () => {
    for (const command of ["confirm", "rollback"] as const) {
      expect(verdict(undefined, command)).toMatch(/no restore waiting/);
      expect(verdict(at("preparing"), command)).toMatch(/no restore waiting/);
      expect(verdict(at("switched"), command)).toBe("go");
    }
    expect(verdict(at("switching"), "confirm")).toMatch(/nothing to confirm/);
    expect(verdict(at("switching"), "rollback")).toBe("go");
  });
});

describe("a backup whose repository does not answer", () => {
  it("says why even when pgBackRest printed nothing: killed at its deadline, or its exit code", async () => {
    const leader = JSON.stringify([{ Member: "postgres-1", Role: "Leader", State: "running", TL: 1 }]);
    const attempt = async (stanza: { exitCode: number; timedOut?: boolean }) => {
      const runner = new FakeRunner((args) =>
        args.includes("patronictl") ? { stdout: leader } : args.includes("stanza-create") ? stanza : undefined,
      );
      runner.containerList = [container("postgres-1")];
      return backupNow(new Stack(stackPaths("/opt/stevie-test"), "stevie", runner), "full").catch((e: Error) => e);
    };
    expect(String(await attempt({ exitCode: 143, timedOut: true }))).toMatch(
      /the backup repository is not usable: pgBackRest did not answer within 2 minutes$/,
    );
    expect(String(await attempt({ exitCode: 56 }))).toMatch(/not usable: pgBackRest exited with 56$/);
  });
});
