import { withAlertsSilenced } from "../../stack/alerts.js";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createTwoFilesPatch } from "diff";
import { UserError } from "../../errors.js";
import { packageVersion } from "../../package-root.js";
import { recordAudit } from "../../stack/audit.js";
import { commitStack } from "../../stack/history.js";
import { inLeader } from "../../stack/cluster.js";
import { requireServing } from "../../stack/health.js";
import { planImages, readRefreshed } from "../../stack/images.js";
import { writeAtomic } from "../../stack/files.js";
import { hostSizing } from "../../stack/sizing.js";
import { upgradeVerdict, type BreakingChange } from "../../stack/upgrades.js";
import { loadStack } from "../../stack/load.js";
import { applyStack } from "../../stack/apply.js";
import { observeStack, planStack, type StackPlan } from "../../stack/plan.js";
import type { StevieConfig } from "../../config/schema.js";
import { backupWithSnapshot } from "../../pgbackrest/take-backup.js";
import { Stack } from "../../stack/handle.js";
import { STANZA } from "../../pgbackrest/parse.js";

/**
 * `stevie-stack upgrade`: move an installed stack to this CLI's version without dropping a request.
 * Order: check (versions, breaking changes, PostgreSQL major) -> then the applier install uses (stack/apply.ts): every
 * image built -> a verified backup (the upgrade's own step) -> the new files (the operator's edits kept, the difference
 * shown) -> migrations (expand-only, while the old replicas serve) -> API replicas replaced one at a time -> the rest
 * converged -> version stamp once healthy -> roles, Patroni settings, etcd auth. A new replica that fails its
 * health check puts the previous files back and rolls the replicas back to the previous images.
 */

export interface UpgradeOptions {
  dir: string;
  to?: string;
  dryRun: boolean;
  yes: boolean;
  /** How long one new replica may take to become healthy. */
  replicaTimeoutMs: number;
  /** Rebuild every image without Docker's cache (Debian's current packages), even at the same version. */
  refresh?: boolean;
  log: (line: string) => void;
  confirm: (question: string) => Promise<boolean>;
}

export interface UpgradeResult {
  from: string | undefined;
  to: string;
  status: "upgraded" | "up-to-date" | "dry-run" | "rolled-back";
  breaking: BreakingChange[];
  /** Generated files the upgrade changes (or would), relative to the stack directory. */
  files: string[];
  /** Files the operator edited: kept, the new version beside them as FILE.new, with the difference. */
  edited: { file: string; diff: string }[];
  images: { ref: string; action: string }[];
  backup?: string;
  replaced?: number;
  why?: string;
  /** With --refresh: when the images were rebuilt (their new hashes include it). */
  refreshed?: string;
}

async function dataMajor(stack: Stack): Promise<number | undefined> {
  const r = await inLeader(stack, ["sh", "-c", 'cat "$PGDATA/PG_VERSION"'], { timeoutMs: 30_000 }).catch(
    () => undefined,
  );
  const n = Number(r?.stdout.trim());
  return r?.exitCode === 0 && Number.isInteger(n) ? n : undefined;
}

/** The files the plan changes, and the operator's edits against the new version (what the apply keeps). Pure. */
function previewFiles(plan: StackPlan) {
  return {
    changed: plan.rendered.filter((p) => p.outcome === "created" || p.outcome === "updated").map((p) => p.key),
    edited: plan.rendered
      .filter((p) => p.outcome === "kept-edited")
      .map((p) => ({
        file: p.key,
        diff: createTwoFilesPatch(`${p.key} (yours)`, `${p.key}.new`, p.current ?? "", p.file.content),
      })),
  };
}

/** From the version stamped in the stack directory to this CLI's: refused when --to names another, or the data's major. */
async function upgradeCheck(stack: Stack, wanted: string | undefined) {
  const { paths } = stack;
  const to = packageVersion();
  if (wanted && wanted !== to)
    throw new UserError(
      `this stevie-stack is version ${to}, not ${wanted}`,
      `run the upgrade with that version's CLI: npx stevie-stack@${wanted} upgrade --dir ${paths.dir}`,
    );
  const from = existsSync(paths.versionStamp) ? (await readFile(paths.versionStamp, "utf8")).trim() : undefined;
  const verdict = upgradeVerdict(from, to, await dataMajor(stack));
  if (verdict.kind === "refused") throw new UserError(`cannot upgrade: ${verdict.why}`, verdict.fix);
  return { from, to, verdict };
}

export async function runUpgrade(opts: UpgradeOptions): Promise<UpgradeResult> {
  const { paths, config, stack } = await loadStack(opts.dir);
  const { from, to, verdict } = await upgradeCheck(stack, opts.to);
  const base = { from, to, breaking: verdict.kind === "upgrade" ? verdict.breaking : [] };
  if (verdict.kind === "same" && !opts.refresh)
    return { ...base, status: "up-to-date", files: [], edited: [], images: [] };

  const sizing = hostSizing(config);
  const configText = await readFile(paths.config, "utf8");
  // A refresh gives every image a new hash (so a new tag to roll to) and builds it from scratch; otherwise the
  // stack's last refresh stays part of the hashes, or the images from before it would come back.
  const refreshed = opts.refresh ? new Date().toISOString() : await readRefreshed(paths);
  const images = await planImages(to, opts.log, { fetch: true, refreshed, noCache: opts.refresh });
  // An upgrade takes no credentials from the environment: the stack keeps the ones it has.
  const desired = { paths, config, configText, version: to, sizing, images, credentials: {} };
  const plan = planStack(desired, await observeStack(desired, stack));
  const preview = previewFiles(plan);
  const result: UpgradeResult = {
    ...base,
    status: "dry-run",
    files: preview.changed,
    edited: preview.edited,
    images: images.map((i) => ({ ref: i.ref, action: i.action })),
  };
  if (opts.dryRun) return result;

  // A rollout keeps the stack serving only if it serves now.
  requireServing(plan.health, "upgrade");
  for (const b of base.breaking) opts.log(`Breaking change in ${b.version}: ${b.what}. What to do: ${b.action}`);
  if (
    base.breaking.length &&
    !opts.yes &&
    !(await opts.confirm(`Upgrade ${from ?? "(unknown)"} -> ${to} with the breaking changes above?`))
  ) {
    throw new UserError("upgrade cancelled; nothing was changed");
  }
  for (const e of preview.edited)
    opts.log(`Your edited ${e.file} is kept; the new version goes to ${e.file}.new:\n${e.diff}`);

  // The images first (the applier builds them before anything changes), then a verified backup, then the new files,
  // migrations and the API replica by replica. Migrations run while the old replicas serve: a release's migrations
  // only add (expand); removals ship a release later (contract).
  let label = "";
  const applied = await withAlertsSilenced(stack, "upgrade", () =>
    applyStack(plan, stack, {
      log: opts.log,
      before: [
        {
          title: "Back up the database (incremental) and verify the backup",
          run: async () => (label = await verifiedBackup(stack, config)),
        },
      ],
      healthTimeoutMs: 10 * 60_000,
      replicaTimeoutMs: opts.replicaTimeoutMs,
      stampVersion: "when-healthy",
    }),
  );
  const commit = (message: string) =>
    commitStack(paths.dir, message).catch((err: Error) =>
      opts.log(`Warning: could not record this change in the stack directory's history (${err.message}).`),
    );
  const status = applied.rolledBack ? "rolled-back" : "upgraded";
  if (!applied.rolledBack && opts.refresh) await writeAtomic(paths.imagesRefreshed, `${refreshed}\n`);
  const how = opts.refresh ? "; images refreshed" : "";
  await commit(
    applied.rolledBack
      ? `upgrade ${from ?? "(unknown)"} -> ${to}${how} rolled back: ${applied.rolledBack.slice(0, 300)}`
      : `upgrade ${from ?? "(unknown)"} -> ${to} (backup ${label} before${how})`,
  );
  const outcome = applied.rolledBack
    ? { why: applied.rolledBack }
    : { replaced: applied.replaced ?? 0, files: preview.changed };
  await recordAudit(stack, {
    action: "upgrade",
    target: to,
    details: { from, to, status, backup: label, ...outcome, ...(opts.refresh ? { refreshed } : {}) },
  });
  return {
    ...result,
    status,
    backup: label,
    ...outcome,
    ...(opts.refresh && !applied.rolledBack ? { refreshed } : {}),
  };
}

/** A backup before anything changes, checked by pgBackRest against the repository; its label. */
async function verifiedBackup(stack: Stack, config: StevieConfig): Promise<string> {
  const { paths } = stack;
  const backup = await backupWithSnapshot(paths, config, "incr", undefined, ["local"]);
  const label = backup.set?.label;
  if (!label)
    throw new UserError(
      "the backup before the upgrade produced no backup set",
      "run `stevie-stack backup` and look at its output; nothing was changed",
    );
  const verify = await inLeader(stack, ["pgbackrest", `--stanza=${STANZA}`, `--set=${label}`, "verify"], {
    timeoutMs: 30 * 60_000,
  });
  if (verify.exitCode !== 0)
    throw new UserError(
      `the backup ${label} did not verify: ${(verify.stderr || verify.stdout).trim().split("\n").at(-1)}`,
      "nothing was changed; see docs/runbooks/restore.md and run `stevie-stack backup --type full`",
    );
  return label;
}

export function renderUpgrade(r: UpgradeResult): string {
  const head = {
    upgraded: `${r.refreshed && r.from === r.to ? `Refreshed the images of ${r.to} (rebuilt on Debian's current packages)` : `Upgraded ${r.from ?? "(unknown)"} -> ${r.to}${r.refreshed ? " on freshly built images" : ""}`}: ${r.replaced} API replicas replaced one at a time; backup ${r.backup} taken and verified first.`,
    "up-to-date": `The stack already runs ${r.to}; nothing to upgrade.`,
    "dry-run": `Upgrade ${r.from ?? "(unknown)"} -> ${r.to} (dry run: nothing was changed).`,
    "rolled-back": `The upgrade to ${r.to} was rolled back: ${r.why}. The stack runs ${r.from ?? "the previous version"} again; backup ${r.backup} was taken before.`,
  }[r.status];
  const lines = [head];
  if (r.status === "dry-run") {
    for (const b of r.breaking) lines.push(`  breaking (${b.version}): ${b.what}; ${b.action}`);
    const work = r.images.filter((i) => i.action !== "keep");
    lines.push(`  images: ${work.length ? work.map((i) => `${i.ref} (${i.action})`).join(", ") : "all up to date"}`);
    lines.push(`  files that change: ${r.files.length ? r.files.join(", ") : "none"}`);
    for (const e of r.edited)
      lines.push(`  your edited ${e.file} is kept; the new version would go to ${e.file}.new:\n${e.diff}`);
  }
  return lines.join("\n");
}
