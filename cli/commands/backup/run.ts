import { packageVersion } from "../../package-root.js";
import { recordAudit } from "../../stack/audit.js";
import { listBackups } from "../../pgbackrest/backup.js";
import { exportSnapshot, listSnapshots } from "../../pgbackrest/snapshot.js";
import { writeCliMetrics } from "../../stack/stack-metrics.js";
import { UserError } from "../../errors.js";
import { loadStack } from "../../stack/load.js";
import { backupWithSnapshot, pickRepos, sourceRepo } from "../../pgbackrest/take-backup.js";
import { type BackupSet, type DrillRecord } from "../../pgbackrest/parse.js";
import { type DrillResult, drill } from "../../pgbackrest/drill.js";
import { allDrills } from "../../pgbackrest/drill-records.js";

/** `stevie-stack backup`, `backup list` and `drill`: thin wrappers that load the stack and record the action. */

export async function runBackup(opts: {
  dir: string;
  type: "full" | "diff" | "incr";
  repo?: string;
  onLine?: (l: string) => void;
}) {
  const { paths, config, stack } = await loadStack(opts.dir);
  const r = await backupWithSnapshot(paths, config, opts.type, opts.onLine, pickRepos(config, opts.repo));
  await recordAudit(stack, {
    action: "backup",
    target: r.set?.label,
    details: {
      type: opts.type,
      seconds: r.seconds,
      snapshotBytes: r.snapshot?.bytes,
      sets: r.sets.map((b) => `${b.repo}:${b.label}`),
    },
  });
  return r;
}

export async function runBackupList(opts: { dir: string }): Promise<BackupSet[]> {
  const { config, stack } = await loadStack(opts.dir);
  const [sets, snaps] = await Promise.all([listBackups(stack), listSnapshots(config.projectName, packageVersion())]);
  return sets.map((s) => ({ ...s, stackSnapshot: snaps.includes(s.label) }));
}

/**
 * `backup export-stack`: decrypt a set's stack snapshot into a new directory. Works without the stack directory
 * (`--project` and `--key-file`): that is when it is needed.
 */
export async function runExportStack(opts: {
  dir: string;
  set?: string;
  to?: string;
  project?: string;
  keyFile?: string;
}) {
  if (!opts.set || !opts.to) throw new UserError("`backup export-stack` needs --set LABEL and --to DIR");
  let project = opts.project;
  let keyFile = opts.keyFile;
  if (!project || !keyFile) {
    const { paths, config } = await loadStack(opts.dir);
    project ??= config.projectName;
    keyFile ??= `${paths.secrets}/pgbackrest_cipher`;
  }
  return { to: opts.to, ...(await exportSnapshot(project, packageVersion(), opts.set, keyFile, opts.to)) };
}

export async function runDrill(opts: {
  dir: string;
  set?: string;
  time?: string;
  keep?: boolean;
  repo?: string;
  log?: (l: string) => void;
}): Promise<DrillResult> {
  const { paths, config, stack } = await loadStack(opts.dir);
  const s3 = sourceRepo(config, opts.repo);
  const r = await drill(stack, {
    ...opts,
    version: packageVersion(),
    ...(s3 ? { s3 } : {}),
  });
  await writeCliMetrics(paths, config.tls.mode);
  await recordAudit(stack, {
    action: "drill",
    target: r.set ?? r.target,
    details: { pass: r.pass, rtoSeconds: r.rtoSeconds, rpoSeconds: r.rpoSeconds, failures: r.failures },
  });
  return r;
}

export async function runDrillList(opts: { dir: string }): Promise<DrillRecord[]> {
  const { stack } = await loadStack(opts.dir);
  return allDrills(stack);
}

export function renderDrills(drills: DrillRecord[]): string {
  if (!drills.length)
    return "No drills yet: run `stevie-stack drill` (the stack also runs one on a replica every backup.drillEveryHours).";
  const rows = [["WHEN", "BY", "WHAT", "RESULT", "RTO", "RPO", "WHY"]];
  for (const d of drills) {
    rows.push([
      d.at,
      d.scheduled ? "stack" : "cli",
      `${d.target ? `time ${d.target}` : (d.set ?? "?")}${d.repo === "s3" ? " (s3)" : ""}`,
      d.pass ? "PASS" : "FAIL",
      `${d.rtoSeconds.toFixed(0)} s`,
      d.rpoSeconds === undefined ? "-" : `${d.rpoSeconds.toFixed(0)} s`,
      d.failures[0]?.slice(0, 80) ?? "",
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export function renderBackups(sets: BackupSet[]): string {
  if (!sets.length) return "No backups yet.";
  const rows = [["SET", "REPO", "TYPE", "FINISHED", "SIZE", "IN REPO", "WAL", "STACK", "VERIFIED"]];
  for (const s of sets)
    rows.push([
      s.label,
      s.repo,
      s.type,
      s.stop,
      mb(s.sizeBytes),
      mb(s.repoBytes),
      `${s.walStart ?? "?"}..${s.walStop ?? "?"}`,
      s.stackSnapshot ? "yes" : "no",
      s.error ? "CHECKSUM ERROR" : (s.verified ?? "not yet"),
    ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function renderDrill(r: DrillResult): string {
  const lines = [
    `Drill ${r.pass ? "PASS" : "FAIL"}: ${r.target ? `point in time ${r.target}` : `backup ${r.set}`}${r.repo === "s3" ? " from S3" : ""}`,
  ];
  lines.push(`  RTO (time to a verified, queryable copy): ${r.rtoSeconds.toFixed(1)} s`);
  if (r.rpoSeconds !== undefined)
    lines.push(`  RPO (age of the newest recovered point; 0 = nothing missing): ${r.rpoSeconds.toFixed(1)} s`);
  if (r.restored) {
    const total = Object.values(r.restored.counts).reduce((a, b) => a + Number(b), 0);
    lines.push(
      `  restored: migration ${r.restored.migration}, pgvector ${r.restored.vector}, ${r.restored.indexes} indexes (invalid: ${r.restored.invalidIndexes.length}), ${total} rows in ${Object.keys(r.restored.counts).length} tables`,
    );
  }
  for (const f of r.failures) lines.push(`  FAIL: ${f}`);
  if (r.container)
    lines.push(
      `  kept: docker exec -it -u postgres ${r.container} psql -h /run/postgresql -d stevie   (remove with docker rm -f ${r.container})`,
    );
  return lines.join("\n");
}
