import { ensureS3Access } from "../../stack/s3.js";
import { ensureOpenAIKey } from "../../stack/openai.js";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createTwoFilesPatch } from "diff";
import { UserError } from "../../errors.js";
import { packageVersion } from "../../package-root.js";
import { recordAudit } from "../../stack/audit.js";
import { commitStack } from "../../stack/history.js";
import { STANZA } from "../../stack/backup.js";
import { inLeader } from "../../stack/cluster.js";
import { compose } from "../../stack/compose-cli.js";
import { applyFiles, planFiles, snapshotFiles, writeAtomic, type GeneratedFile } from "../../stack/files.js";
import { expectedContainers, renderKeepingEdits, renderStackFiles } from "../../stack/generate.js";
import { runningHealthy, summarise, waitForHealthy } from "../../stack/health.js";
import { ensureSecrets } from "../../stack/secrets.js";
import * as docker from "../../docker.js";
import { buildPlannedImage, planImages, tagPlannedImage } from "../../stack/images.js";
import type { StackPaths } from "../../stack/paths.js";
import { convergeRunning } from "../../stack/rolling.js";
import { caBundleHash, ensureStackCertificates, syncEdgeTls } from "../../stack/tls.js";
import { hostSizing } from "../../stack/sizing.js";
import { chooseDataSubnet } from "../../stack/subnet.js";
import { measuredFilesystems } from "../../stack/filesystems.js";
import { upgradeVerdict, type BreakingChange } from "../../stack/upgrades.js";
import { loadStack, stackTopology } from "../../stack/load.js";
import { backupWithSnapshot } from "../../stack/take-backup.js";
import { imageRefs } from "../../stack/images.js";

/**
 * `stevie-stack upgrade`: move an installed stack to this CLI's version without dropping a request.
 * Order: check (versions, breaking changes, PostgreSQL major) -> build every image -> a verified backup -> write the
 * new files (the operator's edits kept, the difference shown) -> migrations (expand-only, while the old replicas
 * serve) -> API replicas replaced one at a time -> the rest converged -> version stamp. A new replica that fails its
 * health check puts the previous files back and rolls the replicas back to the previous images.
 */

export interface UpgradeOptions {
  dir: string;
  to?: string;
  dryRun: boolean;
  yes: boolean;
  /** How long one new replica may take to become healthy. */
  replicaTimeoutMs: number;
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
}

async function dataMajor(paths: StackPaths, project: string): Promise<number | undefined> {
  const r = await inLeader(paths, project, ["sh", "-c", 'cat "$PGDATA/PG_VERSION"'], { timeoutMs: 30_000 }).catch(
    () => undefined,
  );
  const n = Number(r?.stdout.trim());
  return r?.exitCode === 0 && Number.isInteger(n) ? n : undefined;
}

/** The files the upgrade changes, and the operator's edits against the new version (what applyFiles will keep). */
async function previewFiles(paths: StackPaths, files: GeneratedFile[]) {
  const plans = await planFiles(paths, files);
  return {
    changed: plans.filter((p) => p.outcome === "created" || p.outcome === "updated").map((p) => p.key),
    edited: plans
      .filter((p) => p.outcome === "kept-edited")
      .map((p) => ({
        file: p.key,
        diff: createTwoFilesPatch(`${p.key} (yours)`, `${p.key}.new`, p.current ?? "", p.file.content),
      })),
  };
}

export async function runUpgrade(opts: UpgradeOptions): Promise<UpgradeResult> {
  const { paths, config } = await loadStack(opts.dir);
  const project = config.projectName;
  const to = packageVersion();
  if (opts.to && opts.to !== to)
    throw new UserError(
      `this stevie-stack is version ${to}, not ${opts.to}`,
      `run the upgrade with that version's CLI: npx stevie-stack@${opts.to} upgrade --dir ${paths.dir}`,
    );
  const from = existsSync(paths.versionStamp) ? (await readFile(paths.versionStamp, "utf8")).trim() : undefined;
  const verdict = upgradeVerdict(from, to, await dataMajor(paths, project));
  if (verdict.kind === "refused") throw new UserError(`cannot upgrade: ${verdict.why}`, verdict.fix);
  const base = { from, to, breaking: verdict.kind === "upgrade" ? verdict.breaking : [] };
  if (verdict.kind === "same") return { ...base, status: "up-to-date", files: [], edited: [], images: [] };

  const sizing = hostSizing(config);
  const configText = await readFile(paths.config, "utf8");
  const images = await planImages(to, opts.log);
  // The S3 credentials and OpenAI key as installed (the environment is not read here: an upgrade changes no credentials).
  const s3 = await ensureS3Access(paths, config.backup.s3, {});
  const openai = await ensureOpenAIKey(paths, {});
  const host = { dataSubnet: await chooseDataSubnet(config), filesystems: await measuredFilesystems(paths.dir) };
  // Rendered again once the certificates are made (step 3): a new CA changes what some containers are labelled with.
  const render = async () => {
    const access = { s3: s3.hash, openai: openai.hash, ca: await caBundleHash(paths.tls) };
    return renderKeepingEdits(paths, (kept) =>
      renderStackFiles(paths, config, sizing, to, configText, host, imageRefs(images), access, kept),
    );
  };
  const files = await render();
  const preview = await previewFiles(paths, files);
  const result: UpgradeResult = {
    ...base,
    status: "dry-run",
    files: preview.changed,
    edited: preview.edited,
    images: images.map((i) => ({ ref: i.ref, action: i.action })),
  };
  if (opts.dryRun) return result;

  // A rollout keeps the stack serving only if it serves now.
  const observed = summarise(
    await docker.listContainers(docker.PROJECT_LABEL, project),
    expectedContainers(config, sizing),
  );
  if (!runningHealthy(observed)) {
    const bad = observed
      .filter((x) => !runningHealthy([x]))
      .map((x) => `${x.service} ${x.healthy}/${x.expected} healthy`);
    throw new UserError(
      `cannot upgrade: the stack is not healthy (${bad.join(", ")})`,
      "fix it first (`stevie-stack doctor`, `stevie-stack status`); nothing was changed",
    );
  }
  for (const b of base.breaking) opts.log(`Breaking change in ${b.version}: ${b.what}. What to do: ${b.action}`);
  if (
    base.breaking.length &&
    !opts.yes &&
    !(await opts.confirm(`Upgrade ${from ?? "(unknown)"} -> ${to} with the breaking changes above?`))
  ) {
    throw new UserError("upgrade cancelled; nothing was changed");
  }

  // 1. Every image first: nothing stops while a build could still fail.
  for (const img of images.filter((i) => i.action !== "keep")) {
    opts.log(`${img.action === "build" ? "building" : "tagging"} ${img.ref}`);
    if (img.action === "tag") await tagPlannedImage(img);
    else await buildPlannedImage(img, () => undefined);
  }

  // 2. A backup, checked by pgBackRest against the repository, before anything changes.
  opts.log("backing up the database (incremental) and checking the backup");
  const backup = await backupWithSnapshot(paths, config, "incr", undefined, ["local"]);
  const label = backup.set?.label;
  if (!label)
    throw new UserError(
      "the backup before the upgrade produced no backup set",
      "run `stevie-stack backup` and look at its output; nothing was changed",
    );
  const verify = await inLeader(paths, project, ["pgbackrest", `--stanza=${STANZA}`, `--set=${label}`, "verify"], {
    timeoutMs: 30 * 60_000,
  });
  if (verify.exitCode !== 0)
    throw new UserError(
      `the backup ${label} did not verify: ${(verify.stderr || verify.stdout).trim().split("\n").at(-1)}`,
      "nothing was changed; see docs/runbooks/restore.md and run `stevie-stack backup --type full`",
    );

  // 3. The new files (the old ones kept for a rollback), then migrations, the API replica by replica, and whatever
  // else changed. Migrations run while the old replicas serve: a release's migrations only add (expand); removals
  // ship a release later (contract).
  const before = await snapshotFiles(
    paths,
    files.map((f) => f.path),
  );
  await ensureSecrets(paths.secrets); // a new version may bring a service with a secret of its own
  // ... or certificates that name more, from a CA with another scope: the services recreated below start with them;
  // the others keep serving their previous certificates, which still chain to a CA in tls/ca.crt.
  await ensureStackCertificates(paths, config, (f) => resolve(paths.dir, f), await stackTopology(config));
  await syncEdgeTls(paths.tls, config);
  await applyFiles(paths, await render());
  for (const e of preview.edited)
    opts.log(`Kept your edited ${e.file}; the new version is in ${e.file}.new:\n${e.diff}`);
  const c = await convergeRunning(paths, project, {
    previousCompose: before.content.get(paths.compose),
    restore: before.restore,
    timeoutMs: opts.replicaTimeoutMs,
    log: opts.log,
  });
  const commit = (message: string) =>
    commitStack(paths.dir, message).catch((err: Error) =>
      opts.log(`Warning: could not record this change in the stack directory's history (${err.message}).`),
    );
  if (c.rolledBack) {
    await commit(`upgrade ${from ?? "(unknown)"} -> ${to} rolled back: ${c.rolledBack.slice(0, 300)}`);
    await recordAudit(paths, project, {
      action: "upgrade",
      target: to,
      details: { from, to, status: "rolled-back", why: c.rolledBack, backup: label },
    });
    return { ...result, status: "rolled-back", backup: label, why: c.rolledBack };
  }
  if (preview.changed.some((f) => f.startsWith("monitoring/rules/")))
    await compose(paths, project, ["kill", "-s", "SIGHUP", "prometheus"], { reject: false, timeoutMs: 30_000 });
  await waitForHealthy(project, expectedContainers(config, sizing), { timeoutMs: 10 * 60_000 });
  await writeAtomic(paths.versionStamp, `${to}\n`);
  await commit(`upgrade ${from ?? "(unknown)"} -> ${to} (backup ${label} before)`);
  await recordAudit(paths, project, {
    action: "upgrade",
    target: to,
    details: { from, to, status: "upgraded", backup: label, replaced: c.replaced, files: preview.changed },
  });
  return { ...result, status: "upgraded", backup: label, replaced: c.replaced };
}

export function renderUpgrade(r: UpgradeResult): string {
  const head = {
    upgraded: `Upgraded ${r.from ?? "(unknown)"} -> ${r.to}: ${r.replaced} API replicas replaced one at a time; backup ${r.backup} taken and verified first.`,
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
