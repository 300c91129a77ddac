import fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import { readIfExists, writeAtomic } from "./files.js";

/**
 * The stack directory is a git repository: every change the CLI makes to it is a commit, so an operator sees what
 * changed, when and why (`git -C DIR log -p`), and can go back (`git -C DIR checkout REV -- stevie.yaml`, then
 * `stevie-stack install`). Secrets, private keys and files rewritten every minute are never committed.
 * Written with isomorphic-git: the host needs no git binary, and any git reads the repository.
 */

export const IGNORED = [
  "# Written by stevie-stack: what is never committed to this directory's history.",
  "/secrets/",
  "/tls/*.key",
  "/tls/ca.srl",
  // Copies of tls/ files for nginx (its key among them), rewritten by every install.
  "/tls/edge/",
  // tls.mode acme: lego's account key and certificates, rewritten by the renewal loop in nginx.
  "/acme/",
  "/.stevie/autoscale.json",
  // What the ops service and the change lock keep while they run (ops.ts, lock.ts).
  "/.stevie/ops.json",
  "/.stevie/ops.alive",
  "/.stevie/change.json",
  "/.stevie/change.lock",
  "/monitoring/textfile/",
  "*.tmp-*",
  "",
].join("\n");

const AUTHOR = { name: "stevie-stack", email: "stevie-stack@localhost" };

/** Commit every change in the stack directory with `message`; the new commit's id, or undefined when nothing changed. */
export async function commitStack(dir: string, message: string): Promise<string | undefined> {
  if (!fs.existsSync(join(dir, ".git"))) await git.init({ fs, dir, defaultBranch: "main" });
  if ((await readIfExists(join(dir, ".gitignore"))) !== IGNORED) await writeAtomic(join(dir, ".gitignore"), IGNORED);
  // [file, HEAD, workdir, stage]: 1/1/1 is unchanged; workdir 0 is deleted.
  const changed = (await git.statusMatrix({ fs, dir })).filter(
    ([, head, work, stage]) => !(head === 1 && work === 1 && stage === 1),
  );
  if (!changed.length) return undefined;
  for (const [file, , work] of changed) {
    if (work === 0) await git.remove({ fs, dir, filepath: file });
    else await git.add({ fs, dir, filepath: file });
  }
  return git.commit({ fs, dir, message, author: AUTHOR });
}

/** The history, newest first, as an operator reads it: short id, time and message of each commit. */
export async function stackHistory(dir: string, depth = 50): Promise<{ id: string; at: string; message: string }[]> {
  return (await stackCommits(dir, depth)).map((c) => ({ id: c.oid.slice(0, 12), at: c.at, message: c.message }));
}

/** A commit of the history: its full id, its first parent's, its time and its message. */
export interface StackCommit {
  oid: string;
  parent: string | undefined;
  at: string;
  message: string;
}

/** The history's commits, newest first. */
export async function stackCommits(dir: string, depth = 200): Promise<StackCommit[]> {
  if (!fs.existsSync(join(dir, ".git"))) return [];
  return (await git.log({ fs, dir, depth })).map((c) => ({
    oid: c.oid,
    parent: c.commit.parent[0],
    at: new Date(c.commit.author.timestamp * 1000).toISOString(),
    message: c.commit.message.trim(),
  }));
}

/** The files (paths relative to the stack directory) whose content differs between two commits. */
export async function filesChangedBetween(dir: string, from: string, to: string): Promise<string[]> {
  const changed: string[] = [];
  await git.walk({
    fs,
    dir,
    trees: [git.TREE({ ref: from }), git.TREE({ ref: to })],
    map: async (filepath, [a, b]) => {
      if (filepath === ".") return true;
      const [ta, tb] = [await a?.type(), await b?.type()];
      if (ta === "tree" || tb === "tree") return true;
      if ((await a?.oid()) !== (await b?.oid())) changed.push(filepath);
      return true;
    },
  });
  return changed.sort();
}

/** A file's content at a commit; undefined when the commit has no such file. */
export async function fileAt(dir: string, oid: string, filepath: string): Promise<string | undefined> {
  try {
    const { blob } = await git.readBlob({ fs, dir, oid, filepath });
    return Buffer.from(blob).toString("utf8");
  } catch (err) {
    if ((err as { code?: string }).code === "NotFoundError") return undefined;
    throw err;
  }
}
