import { withAlertsSilenced } from "../../stack/alerts.js";
import { packageVersion } from "../../package-root.js";
import { UserError } from "../../errors.js";
import { recordAudit } from "../../stack/audit.js";
import {
  checkTargetCount,
  confirmRestore,
  restore,
  rollbackRestore,
  type RestoreResult,
} from "../../pgbackrest/restore.js";
import type { StevieConfig } from "../../config/schema.js";
import type { StackPaths } from "../../stack/paths.js";
import { loadStack, stackTopology } from "../../stack/load.js";
import { backupWithSnapshot, configuredRepos, sourceRepo } from "../../pgbackrest/take-backup.js";

// The snapshot before a restore goes to the local repository (quick, and the restore needs it there); the first full
// backup of the new cluster goes to every repository.
const takeBackup = (paths: StackPaths, config: StevieConfig) => async (type: "full" | "incr") =>
  (await backupWithSnapshot(paths, config, type, undefined, type === "incr" ? ["local"] : configuredRepos(config))).set
    ?.label;

/** `stevie-stack restore`, `restore confirm` and `restore rollback`: load the stack, ask, act, record. */
export interface RestoreCommand {
  dir: string;
  latest?: boolean;
  set?: string;
  time?: string;
  /** local (default) or s3. */
  repo?: string;
  yes: boolean;
  log?: (l: string) => void;
}

export async function runRestore(
  opts: RestoreCommand,
  confirm: (q: string) => Promise<boolean>,
): Promise<RestoreResult> {
  const { paths, config, stack } = await loadStack(opts.dir);
  checkTargetCount(opts);
  const what = opts.latest
    ? "the newest backup and all archived WAL"
    : opts.set
      ? `backup set ${opts.set}`
      : `the point in time ${opts.time}`;
  if (
    !opts.yes &&
    !(await confirm(
      `Restore ${what} into a new cluster and switch project ${config.projectName} to it? The database is unavailable for about a minute during the switch; writes made while the restore runs stay only in the current data, which is kept until \`restore confirm\`.`,
    ))
  ) {
    throw new UserError("restore cancelled; nothing was changed", "pass --yes to skip the question");
  }
  const fromS3 = Boolean(sourceRepo(config, opts.repo));
  const topo = await stackTopology(config);
  const r = await withAlertsSilenced(stack, "restore", () =>
    restore(stack, {
      latest: opts.latest,
      set: opts.set,
      time: opts.time,
      version: packageVersion(),
      ...(config.backup.s3 ? { s3: config.backup.s3 } : {}),
      fromS3,
      members: topo.postgres,
      backup: takeBackup(paths, config),
      log: opts.log,
    }),
  );
  await recordAudit(stack, {
    action: "restore",
    target: opts.time ?? opts.set ?? "latest",
    details: { stamp: r.stamp, snapshot: r.snapshot, downtimeSeconds: r.downtimeSeconds, postBackup: r.postBackup },
  });
  return r;
}

export async function runRestoreConfirm(opts: { dir: string; yes: boolean }, confirm: (q: string) => Promise<boolean>) {
  const { stack } = await loadStack(opts.dir);
  if (
    !opts.yes &&
    !(await confirm("Delete the data kept from before the restore? Rolling back is impossible afterwards."))
  ) {
    throw new UserError("nothing was deleted", "pass --yes to skip the question");
  }
  const s = await confirmRestore(stack, packageVersion());
  await recordAudit(stack, { action: "restore.confirm", target: s.stamp });
  return s;
}

export async function runRestoreRollback(
  opts: { dir: string; yes: boolean; log?: (l: string) => void },
  confirm: (q: string) => Promise<boolean>,
) {
  const { paths, config, stack } = await loadStack(opts.dir);
  if (
    !opts.yes &&
    !(await confirm(
      "Switch back to the data from before the restore? Writes made since the restore are dropped (a snapshot of them is taken first).",
    ))
  ) {
    throw new UserError("rollback cancelled; nothing was changed", "pass --yes to skip the question");
  }
  const r = await withAlertsSilenced(stack, "restore", () =>
    rollbackRestore(stack, packageVersion(), takeBackup(paths, config), opts.log),
  );
  await recordAudit(stack, {
    action: "restore.rollback",
    target: r.state.stamp,
    details: { snapshot: r.snapshot, leader: r.leader },
  });
  return r;
}

export function renderRestore(r: RestoreResult): string {
  const total = Object.values(r.restored.counts).reduce((a, b) => a + Number(b), 0);
  return [
    `Restored ${r.target.time ? `to ${r.target.time}` : r.target.set ? `backup ${r.target.set}` : "the newest state in the backups"}; ${r.leader} leads the new cluster.`,
    `  checked: migration ${r.restored.migration}, pgvector ${r.restored.vector}, ${r.restored.indexes} indexes valid, ${total} rows in ${Object.keys(r.restored.counts).length} tables`,
    `  database unavailable for ${r.downtimeSeconds.toFixed(1)} s; ${r.totalSeconds.toFixed(1)} s in all`,
    ...(r.snapshot ? [`  snapshot of the replaced cluster: backup ${r.snapshot}`] : []),
    ...(r.postBackup ? [`  first backup of the new cluster: ${r.postBackup}`] : []),
    ...r.warnings.map((w) => `  warning: ${w}`),
    `The data from before is kept (pre-restore-${r.stamp} in each member's volume).`,
    "Next: `stevie-stack restore confirm` deletes it, `stevie-stack restore rollback` switches back to it.",
  ].join("\n");
}
