import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import { withAlertsSilenced } from "../../stack/alerts.js";
import { recordAudit } from "../../stack/audit.js";
import { readIfExists, readManifest, sha256, snapshotFiles, writeAtomic, writeManifest } from "../../stack/files.js";
import { expectedContainers } from "../../stack/generate.js";
import { requireServing, summarise, waitForHealthy } from "../../stack/health.js";
import { commitStack, fileAt, filesChangedBetween, stackCommits } from "../../stack/history.js";
import { Engine, type Stack } from "../../stack/handle.js";
import { loadStack } from "../../stack/load.js";
import { convergeRunning } from "../../stack/rolling.js";
import { revertUpgrade, upgradeToUndo } from "../../stack/rollback.js";
import { composeImages } from "../../stack/compose.js";
import { hostSizing } from "../../stack/sizing.js";

/**
 * `stevie-stack rollback`: undo the newest upgrade (cli/stack/rollback.ts finds it in the stack directory's history).
 * The files it changed go back to what they were before it (changes made since, like a scale, stay), the previous
 * version's images must still be on this host (upgrades never delete them), and the running stack converges the way
 * an upgrade does (cli/stack/rolling.ts, convergeRunning): the previous version's migration job (it finds nothing to
 * do: a release's migrations only add, so the newer schema serves the older API), then the API replica by replica
 * behind the same health gate. A replica that does not become healthy puts the upgraded files back and the upgraded
 * replicas stay: the stack serves on as it was. No backup is taken: the data is not touched.
 */

export interface RollbackOptions {
  dir: string;
  yes: boolean;
  replicaTimeoutMs: number;
  log: (line: string) => void;
  confirm: (question: string) => Promise<boolean>;
}

export interface RollbackResult {
  from: string;
  to: string;
  status: "rolled-back" | "failed";
  /** Files put back (relative to the stack directory). */
  files: string[];
  replaced?: number;
  why?: string;
}

/** The upgrade to undo and the files to write, or a UserError saying why not (nothing is changed then). */
async function planRollback(stack: Stack) {
  const { paths } = stack;
  const current = (await readIfExists(paths.versionStamp))?.trim();
  const step = upgradeToUndo(await stackCommits(paths.dir), current);
  if ("refused" in step)
    throw new UserError(
      `nothing to roll back: ${step.refused}`,
      "rollback undoes the newest upgrade, once; `stevie-stack history` lists what happened to this stack",
    );
  // The manifest records our own output: it follows the files written below rather than being put back itself.
  const changed = (await filesChangedBetween(paths.dir, step.parent, step.oid)).filter(
    (f) => f !== ".stevie/manifest.json",
  );
  const plan = revertUpgrade(
    await Promise.all(
      changed.map(async (file) => ({
        file,
        current: await readIfExists(join(paths.dir, file)),
        after: await fileAt(paths.dir, step.oid, file),
        before: await fileAt(paths.dir, step.parent, file),
      })),
    ),
  );
  if (plan.conflicts.length)
    throw new UserError(
      `cannot roll back ${step.to} -> ${step.from}: ${plan.conflicts.join(", ")} changed since the upgrade where the upgrade changed them`,
      "put those files back as the upgrade left them (`git -C DIR diff` shows what changed), then run rollback again; nothing was changed",
    );
  const { writes } = plan;
  const composeText = writes.find((w) => w.file === "compose.yaml")?.content ?? (await readIfExists(paths.compose));
  const missing: string[] = [];
  for (const ref of composeImages(composeText)) if (!(await new Engine().imageExists(ref))) missing.push(ref);
  if (missing.length)
    throw new UserError(
      `cannot roll back to ${step.from}: its images are no longer on this host (${missing.join(", ")})`,
      `install ${step.from}'s CLI and run its install: npx stevie-stack@${step.from} install --dir ${paths.dir}; nothing was changed`,
    );
  return { step, writes };
}

export async function runRollback(opts: RollbackOptions): Promise<RollbackResult> {
  const { paths, config, stack } = await loadStack(opts.dir);
  const { step, writes } = await planRollback(stack);
  const sizing = hostSizing(config);
  const expected = expectedContainers(config, sizing);
  requireServing(summarise(await stack.containers(), expected), "roll back");
  if (!opts.yes && !(await opts.confirm(`Roll the stack back from ${step.to} to ${step.from}?`)))
    throw new UserError("rollback cancelled; nothing was changed");

  const previous = await snapshotFiles(
    paths,
    writes.map((w) => join(paths.dir, w.file)),
  );
  const converged = await withAlertsSilenced(stack, "rollback", async () => {
    const manifest = await readManifest(paths);
    for (const w of writes) {
      const path = join(paths.dir, w.file);
      if (w.content === undefined) await rm(path, { force: true });
      else await writeAtomic(path, w.content);
      if (w.file in manifest) {
        if (w.content === undefined) delete manifest[w.file];
        else manifest[w.file] = sha256(w.content);
      }
    }
    await writeManifest(paths, manifest);
    opts.log(`files of ${step.from} back: ${writes.map((w) => w.file).join(", ")}`);
    const c = await convergeRunning(stack, {
      previousCompose: previous.content.get(paths.compose),
      restore: previous.restore,
      timeoutMs: opts.replicaTimeoutMs,
      log: opts.log,
    });
    if (!c.rolledBack) await waitForHealthy(stack, expected, { timeoutMs: 10 * 60_000 });
    return c;
  });
  const base = { from: step.to, to: step.from, files: writes.map((w) => w.file) };
  if (converged.rolledBack) {
    await recordAudit(stack, {
      action: "rollback",
      target: step.from,
      details: { from: step.to, to: step.from, status: "failed", why: converged.rolledBack },
    });
    return { ...base, status: "failed", why: converged.rolledBack };
  }
  await tagVersion(stack, step.from).catch((err: Error) =>
    opts.log(`Warning: the version tags still name other builds (${err.message}); install tags them again.`),
  );
  await commitStack(paths.dir, `rollback ${step.to} -> ${step.from} (undid ${step.oid.slice(0, 12)})`).catch(
    (err: Error) =>
      opts.log(`Warning: could not record this change in the stack directory's history (${err.message}).`),
  );
  await recordAudit(stack, {
    action: "rollback",
    target: step.from,
    details: { from: step.to, to: step.from, status: "rolled-back", replaced: converged.replaced },
  });
  return { ...base, status: "rolled-back", replaced: converged.replaced };
}

/**
 * The version's tags on the images its compose file runs (by content tag): what the CLI's one-off containers run. An
 * upgrade --refresh moved them to the refreshed builds; back on the builds from before, so are they.
 */
async function tagVersion(stack: Stack, version: string): Promise<void> {
  const engine = new Engine();
  for (const ref of composeImages(await readFile(stack.paths.compose, "utf8"))) {
    const ours = /^(stevie-stack\/[a-z]+):c-[0-9a-f]+$/.exec(ref);
    if (ours) await engine.tagImage(ref, ours[1]!, version);
  }
}

export function renderRollback(r: RollbackResult): string {
  return r.status === "rolled-back"
    ? `Rolled back ${r.from} -> ${r.to}: ${r.replaced} API replicas replaced one at a time; ${r.files.length} files put back.`
    : `The rollback to ${r.to} did not complete: ${r.why}. The stack runs ${r.from} as before.`;
}
