import { leaderService } from "../../cli/stack/cluster.js";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { loadCatalog } from "../../server/catalog/load.js";
import { stackPaths } from "../../cli/stack/paths.js";
import { runCli } from "../setup/cli.js";
import { trpcClient } from "../setup/client.js";
import { waitUntil } from "../setup/wait.js";
import { compose } from "../../cli/stack/handle.js";
import { Stack } from "../../cli/stack/handle.js";

const stack = inject("stack");

describe("stevie-stack catalog import", () => {
  it(
    "validates, reports what changes, applies it, embeds the change, and the original restores cleanly",
    { timeout: 600_000 },
    async () => {
      const original = loadCatalog();
      const edited = structuredClone(original);
      edited.version = "2099.1";
      const target = edited.categories.find((c) => c.code === "ABA-CORP-001")!;
      target.description = `${target.description} Entries this season must include audited revenue figures.`;
      const dir = await mkdtemp(join(tmpdir(), "stevie-cat-"));
      const editedFile = join(dir, "edited.json");
      const originalFile = join(dir, "original.json");
      await writeFile(editedFile, JSON.stringify(edited));
      await writeFile(originalFile, JSON.stringify(original));

      const dry = await runCli(["catalog", "import", editedFile, "--dry-run", "--json", "--dir", stack.dir], {
        timeoutMs: 300_000,
      });
      expect(dry.code, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({
        dryRun: true,
        version: "2099.1",
        added: [],
        updated: ["ABA-CORP-001"],
        removed: [],
      });
      const api = trpcClient(stack);
      expect((await api.categories.get.query({ code: "ABA-CORP-001" })).description).not.toMatch(/audited revenue/);

      const real = await runCli(["catalog", "import", editedFile, "--json", "--dir", stack.dir], {
        timeoutMs: 300_000,
      });
      expect(real.code, real.stderr).toBe(0);
      expect(JSON.parse(real.stdout)).toMatchObject({ updated: ["ABA-CORP-001"], embedded: { done: 1, total: 1 } });
      // Each replica re-reads the catalogue generation (part of every response-cache key) at most every 5 s, so the
      // answer it cached before the import may be served until then; never longer.
      const changed = await waitUntil("the imported description to be served", 15_000, async () => {
        const c = await api.categories.get.query({ code: "ABA-CORP-001" });
        return /audited revenue/.test(c.description) ? c.description : undefined;
      });
      expect(changed).toMatch(/audited revenue/);

      const back = await runCli(["catalog", "import", originalFile, "--json", "--dir", stack.dir], {
        timeoutMs: 300_000,
      });
      expect(back.code, back.stderr).toBe(0);
      expect(JSON.parse(back.stdout)).toMatchObject({
        version: original.version,
        previousVersion: "2099.1",
        updated: ["ABA-CORP-001"],
      });

      // Both imports and the install are in the append-only audit log, with who did them.
      const leader = await leaderService(new Stack(stackPaths(stack.dir), stack.project));
      const audit = await compose(stackPaths(stack.dir), stack.project, [
        "exec",
        "-T",
        "-u",
        "postgres",
        leader!,
        "psql",
        "-h",
        "/run/postgresql",
        "-d",
        "stevie",
        "-At",
        "-c",
        "select action || '|' || actor || '|' || coalesce(details->>'version', '') from audit_log order by id",
      ]);
      const rows = audit.stdout.trim().split("\n");
      expect(rows.some((r) => /^install\|cli:/.test(r))).toBe(true);
      expect(rows.filter((r) => r.startsWith("catalog.import|cli:")).map((r) => r.split("|")[2])).toEqual(
        expect.arrayContaining(["2099.1", original.version]),
      );
    },
  );

  it("refuses an invalid file, listing every problem, and changes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevie-cat-"));
    const bad = join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ version: "x", programs: [] }));
    const r = await runCli(["catalog", "import", bad, "--dir", stack.dir], { timeoutMs: 300_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/catalogue job failed: Invalid category catalogue/);
    expect(r.stderr).toMatch(/version: version looks like "2026\.1"/);
    expect(r.stderr).toMatch(/categories: /);
  });
});

describe("the audit log", () => {
  it(
    "keeps the audit log for a year and the history for api.historyDays: the scheduler on the leader deletes older rows, the database refuses younger audit rows",
    { timeout: 240_000 },
    async () => {
      const paths = stackPaths(stack.dir);
      const sql = async (query: string) => {
        const leader = await leaderService(new Stack(paths, stack.project));
        const r = await compose(
          paths,
          stack.project,
          [
            "exec",
            "-T",
            "-u",
            "postgres",
            leader!,
            "psql",
            "-h",
            "/run/postgresql",
            "-d",
            "stevie",
            "-XAtq",
            "-c",
            query,
          ],
          { reject: false },
        );
        return `${r.stdout}${r.stderr}`.trim();
      };
      expect(
        await sql(
          "insert into audit_log (at, actor, action) values (now() - interval '13 months', 'e2e', 'e2e.expired'), (now() - interval '11 months', 'e2e', 'e2e.kept')",
        ),
      ).toBe("");
      expect(await sql("delete from audit_log where action = 'e2e.kept'")).toMatch(
        /append-only: DELETE is not allowed/,
      );
      // The recommendation history keeps api.historyDays (90 by default), then goes in batches on the same turn.
      const history = (age: string, hash: string) => `(now() - interval '${age}', '${hash}', 'e2e', 'hybrid', '[]', 1)`;
      expect(
        await sql(
          `insert into recommendations (created_at, description_hash, model, mode, results, latency_ms) values ${history("91 days", "e2e-expired")}, ${history("89 days", "e2e-kept")}`,
        ),
      ).toBe("");
      // The scheduler's turn comes once a minute (longer while it takes a backup).
      const left = await waitUntil("the expired audit row and history row to be purged", 200_000, async () => {
        const actions = await sql("select string_agg(action, ',' order by action) from audit_log where actor = 'e2e'");
        const hashes = await sql("select string_agg(description_hash, ',') from recommendations where model = 'e2e'");
        return actions === "e2e.kept" && hashes === "e2e-kept" ? `${actions} ${hashes}` : undefined;
      });
      expect(left).toBe("e2e.kept e2e-kept");
      expect(await sql("delete from recommendations where model = 'e2e'")).toBe("");
    },
  );
});
