import { applyPatch, createPatch } from "diff";
import type { StackCommit } from "./history.js";

/**
 * What `stevie-stack rollback` undoes, read from the stack directory's history (cli/stack/history.ts): the newest
 * upgrade, as the commit it made. Pure.
 */

/** The commit of an upgrade that completed (one that rolled itself back changed nothing and names no backup). */
const UPGRADE = /^upgrade (\S+) -> (\S+) \(backup /;
const ROLLBACK = /^rollback (\S+) -> (\S+)/;

export interface UpgradeCommit {
  oid: string;
  parent: string;
  from: string;
  to: string;
}

/**
 * The upgrade to undo: the newest upgrade or rollback commit, when it is an upgrade to `current` (the version the
 * stack runs). One step back only: after a rollback, going further back is another rollback's business, refused.
 */
export function upgradeToUndo(
  commits: StackCommit[],
  current: string | undefined,
): UpgradeCommit | { refused: string } {
  for (const c of commits) {
    const back = ROLLBACK.exec(c.message);
    if (back) return { refused: `the stack was rolled back from ${back[1]} to ${back[2]} already` };
    const up = UPGRADE.exec(c.message);
    if (!up) continue;
    if (up[2] !== current)
      return { refused: `the newest upgrade went to ${up[2]}, but the stack runs ${current ?? "an unknown version"}` };
    if (!c.parent) return { refused: "the upgrade's commit has no parent" };
    return { oid: c.oid, parent: c.parent, from: up[1]!, to: up[2]! };
  }
  return { refused: `the stack directory's history has no upgrade to ${current ?? "its version"}` };
}

export interface FileVersions {
  /** Relative to the stack directory. */
  file: string;
  /** As it is now; undefined when absent. */
  current: string | undefined;
  /** As the upgrade left it, and as it was before the upgrade. */
  after: string | undefined;
  before: string | undefined;
}

/**
 * The content each file the upgrade changed goes back to (undefined: remove it). A file changed again since the
 * upgrade (`scale` rewrites compose.yaml, `config set` stevie.yaml) keeps those changes: the upgrade's own difference
 * is undone line by line, and a file where that does not apply is a conflict. Pure.
 */
export function revertUpgrade(files: FileVersions[]): {
  writes: { file: string; content: string | undefined }[];
  conflicts: string[];
} {
  const writes: { file: string; content: string | undefined }[] = [];
  const conflicts: string[] = [];
  for (const f of files) {
    if (f.current === f.after) {
      writes.push({ file: f.file, content: f.before });
      continue;
    }
    const patched =
      f.current !== undefined && f.after !== undefined && f.before !== undefined
        ? applyPatch(f.current, createPatch(f.file, f.after, f.before))
        : false;
    if (patched === false) conflicts.push(f.file);
    else writes.push({ file: f.file, content: patched });
  }
  return { writes, conflicts };
}
