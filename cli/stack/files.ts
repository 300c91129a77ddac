import { createHash } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import type { StackPaths } from "./paths.js";

export const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** Write a file atomically: to a temp file beside it, then rename, so a crash never leaves half a file. */
export async function writeAtomic(path: string, content: string | Buffer, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/** The current content of these files (and the manifest), and a function that puts it back: for rollbacks. */
export async function snapshotFiles(
  paths: StackPaths,
  files: string[],
): Promise<{ content: Map<string, string | undefined>; restore: () => Promise<void> }> {
  const content = new Map<string, string | undefined>();
  for (const f of [...files, paths.manifest]) content.set(f, await readIfExists(f));
  return {
    content,
    async restore() {
      for (const [f, text] of content) if (text !== undefined) await writeAtomic(f, text);
    },
  };
}

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Hashes of the generated files as we last wrote them: tells an operator's edit from our own output. */
export type Manifest = Record<string, string>;

export async function readManifest(paths: StackPaths): Promise<Manifest> {
  const text = await readIfExists(paths.manifest);
  return text ? (JSON.parse(text) as Manifest) : {};
}

export type FileOutcome = "created" | "updated" | "unchanged" | "kept-edited";
export interface GeneratedFile {
  path: string;
  content: string;
  mode?: number;
}

/**
 * Decide what to do with one generated file. Pure, so the rules are unit-tested:
 * same content -> unchanged; missing -> created; operator edited it since we wrote it -> keep theirs
 * (our version goes to FILE.new); otherwise -> updated.
 */
export function planFile(
  current: string | undefined,
  desired: string,
  lastWrittenHash: string | undefined,
): FileOutcome {
  if (current === undefined) return "created";
  if (current === desired) return "unchanged";
  if (lastWrittenHash !== undefined && sha256(current) !== lastWrittenHash) return "kept-edited";
  return "updated";
}

/** What applyFiles would do with each file (nothing is written): its key, current content and outcome. */
export async function planFiles(
  paths: StackPaths,
  files: GeneratedFile[],
): Promise<{ file: GeneratedFile; key: string; current: string | undefined; outcome: FileOutcome }[]> {
  const manifest = await readManifest(paths);
  const plans = [];
  for (const file of files) {
    const key = relative(paths.dir, file.path);
    const current = await readIfExists(file.path);
    plans.push({ file, key, current, outcome: planFile(current, file.content, manifest[key]) });
  }
  return plans;
}

export async function applyFiles(paths: StackPaths, files: GeneratedFile[]): Promise<Record<string, FileOutcome>> {
  const manifest = await readManifest(paths);
  const outcomes: Record<string, FileOutcome> = {};
  for (const { file: f, key, outcome } of await planFiles(paths, files)) {
    outcomes[key] = outcome;
    if (outcome === "created" || outcome === "updated") {
      await writeAtomic(f.path, f.content, f.mode ?? 0o644);
      manifest[key] = sha256(f.content);
    } else if (outcome === "kept-edited") {
      await writeAtomic(`${f.path}.new`, f.content, f.mode ?? 0o644);
    } else if (outcome === "unchanged") {
      // What is on disk is what we generate (the CLI's own `config set` writes stevie.yaml before install runs):
      // ours, so a later change replaces it rather than keeping it as the operator's edit.
      manifest[key] = sha256(f.content);
    }
  }
  await writeAtomic(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
  return outcomes;
}
