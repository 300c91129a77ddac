import { type Command, Option } from "commander";
import { type GlobalFlags, flagsOf, withShared, stackDir, print, note } from "../shared.js";

/** `backup` (with `list` and `export-stack`) and `drill` (with `list`). */
export function register(program: Command): void {
  registerBackup(program);
  registerDrill(program);
}

function registerBackup(program: Command): void {
  const backup = withShared(program.command("backup"))
    .description(
      "back up the database now with pgBackRest (encrypted), with a snapshot of the stack directory and Redis",
    )
    .addOption(
      new Option("--type <type>", "full, diff (since the last full) or incr (since the last backup)")
        .choices(["full", "diff", "incr"])
        .default("full"),
    )
    .addOption(
      new Option("--repo <repo>", "local, s3 (backup.s3) or all (default: every repository the stack has)").choices([
        "local",
        "s3",
        "all",
      ]),
    )
    .action(async (f: GlobalFlags & { type: "full" | "diff" | "incr"; repo?: string }) => {
      const { runBackup } = await import("./run.js");
      const r = await runBackup({
        dir: stackDir(f),
        type: f.type,
        repo: f.repo,
        onLine: f.json ? undefined : note,
      });
      if (r.warning) note(`warning: ${r.warning}`);
      print(
        f,
        r,
        () =>
          `Backup ${r.sets.map((b) => `${b.label} (${b.repo})`).join(", ") || "?"}, ${f.type}, done in ${r.seconds.toFixed(1)} s${r.snapshot ? `, with a ${(r.snapshot.bytes / 1024).toFixed(0)} KB stack snapshot` : ""}.`,
      );
    });
  withShared(backup.command("list"))
    .description("the backup sets with type, time, size, WAL range, stack snapshot and drill verification")
    .action(async (_o, cmd: Command) => {
      const f = flagsOf(cmd);
      const { runBackupList, renderBackups } = await import("./run.js");
      const sets = await runBackupList({ dir: stackDir(f) });
      print(f, sets, () => renderBackups(sets));
    });
  withShared(backup.command("export-stack"))
    .description(
      "decrypt a backup set's stack snapshot (configuration, secrets, certificates, Redis dump) into a new directory",
    )
    .option("--set <label>", "the backup set")
    .option("--to <dir>", "a new directory to write the stack directory (and redis-dump.rdb) into")
    .option("--project <name>", "without the stack directory: the project name")
    .option("--key-file <file>", "without the stack directory: a copy of secrets/pgbackrest_cipher")
    .action(async (_o, cmd: Command) => {
      const f = flagsOf<{ set?: string; to?: string; project?: string; keyFile?: string }>(cmd);
      const { runExportStack } = await import("./run.js");
      const r = await runExportStack({
        dir: stackDir(f),
        set: f.set,
        to: f.to,
        project: f.project,
        keyFile: f.keyFile,
      });
      print(
        f,
        r,
        () => `Wrote ${r.files} files into ${r.to}${r.redis ? " (with the Redis dump, redis-dump.rdb)" : ""}.`,
      );
    });
}

function registerDrill(program: Command): void {
  const drill = withShared(program.command("drill"))
    .description(
      "restore the newest backup (or a point in time) into a throwaway container and verify it against production",
    )
    .option("--set <label>", "a backup set from `backup list` (default: the newest)")
    .option("--time <iso8601>", "restore to this point in time, e.g. 2026-11-30T14:05:00Z")
    .option("--keep", "keep the restored container running for inspection")
    .addOption(
      new Option(
        "--repo <repo>",
        "restore from local (default) or s3 (backup.s3, alone: proves the off-host copy)",
      ).choices(["local", "s3"]),
    )
    .action(async (f: GlobalFlags & { set?: string; time?: string; keep?: boolean; repo?: string }) => {
      const { runDrill, renderDrill } = await import("./run.js");
      const r = await runDrill({
        dir: stackDir(f),
        set: f.set,
        time: f.time,
        keep: Boolean(f.keep),
        repo: f.repo,
        log: note,
      });
      print(f, r, () => renderDrill(r));
      if (!r.pass) process.exitCode = 4;
    });
  withShared(drill.command("list"))
    .description("every drill so far, run by this CLI or by the stack on its schedule, with its result, RTO and RPO")
    .action(async (_o, cmd: Command) => {
      const f = flagsOf(cmd);
      const { runDrillList, renderDrills } = await import("./run.js");
      const drills = await runDrillList({ dir: stackDir(f) });
      print(f, drills, () => renderDrills(drills));
    });
}
