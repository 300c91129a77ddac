import { type Command, Option } from "commander";
import { UserError } from "../../errors.js";
import { type GlobalFlags, confirmOrRefuse, flagsOf, withShared, stackDir, print, note } from "../shared.js";

export function register(program: Command): void {
  const restoreAction = (cmd: Command) => {
    const f = flagsOf<{ latest?: boolean; set?: string; time?: string; repo?: string }>(cmd);
    if (f.latest || f.set || f.time || f.repo)
      throw new UserError(`\`restore ${cmd.name()}\` takes no --latest, --set, --time or --repo`);
    return f;
  };
  const restore = withShared(program.command("restore"))
    .description(
      "restore a backup into a new cluster and switch the stack to it once it passes checks; the old data is kept",
    )
    .option("--latest", "the newest backup and all the WAL archived after it")
    .option("--set <label>", "a backup set from `backup list`, as it was when that backup finished")
    .option("--time <iso8601>", "a point in time, e.g. 2026-11-30T14:05:00Z")
    .addOption(
      new Option(
        "--repo <repo>",
        "restore from local (default) or s3 (backup.s3): when the backup volume is lost",
      ).choices(["local", "s3"]),
    )
    .action(async (f: GlobalFlags & { latest?: boolean; set?: string; time?: string; repo?: string }) => {
      const { runRestore, renderRestore } = await import("./run.js");
      const r = await runRestore(
        {
          dir: stackDir(f),
          latest: f.latest,
          set: f.set,
          time: f.time,
          repo: f.repo,
          yes: Boolean(f.yes),
          log: note,
        },
        confirmOrRefuse,
      );
      print(f, r, () => renderRestore(r));
    });
  withShared(restore.command("confirm"))
    .description("delete the data kept from before the last restore")
    .action(async (_o, cmd: Command) => {
      const f = restoreAction(cmd);
      const { runRestoreConfirm } = await import("./run.js");
      const s = await runRestoreConfirm({ dir: stackDir(f), yes: Boolean(f.yes) }, confirmOrRefuse);
      print(f, s, () => `Deleted the data kept from before the restore of ${s.at}.`);
    });
  withShared(restore.command("rollback"))
    .description("switch the stack back to the data kept from before the last restore")
    .action(async (_o, cmd: Command) => {
      const f = restoreAction(cmd);
      const { runRestoreRollback } = await import("./run.js");
      const r = await runRestoreRollback({ dir: stackDir(f), yes: Boolean(f.yes), log: note }, confirmOrRefuse);
      for (const w of r.warnings) note(`warning: ${w}`);
      print(
        f,
        r,
        () =>
          `Rolled back to the data from before the restore of ${r.state.at}; ${r.leader} leads.${r.snapshot ? ` Snapshot of the restored cluster: backup ${r.snapshot}.` : ""}`,
      );
    });
}
