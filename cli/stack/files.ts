import { createHash, X509Certificate } from "node:crypto";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { UserError } from "../errors.js";
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

export const writeManifest = (paths: StackPaths, manifest: Manifest) =>
  writeAtomic(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`, 0o644);

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

/** The generated files as they are on disk now (undefined: missing), and the manifest: read once, then planned. */
export interface Disk {
  manifest: Manifest;
  files: Record<string, string | undefined>;
}

export async function readDisk(paths: StackPaths, files: string[]): Promise<Disk> {
  const content: Record<string, string | undefined> = {};
  for (const f of files) content[f] = await readIfExists(f);
  return { manifest: await readManifest(paths), files: content };
}

export interface FilePlan {
  file: GeneratedFile;
  /** Its path relative to the stack directory (the manifest's key). */
  key: string;
  current: string | undefined;
  outcome: FileOutcome;
}

/** What applyFiles would do with each file, from what DISK holds. Pure. */
export function planFilesOn(dir: string, disk: Disk, files: GeneratedFile[]): FilePlan[] {
  return files.map((file) => {
    const key = relative(dir, file.path);
    const current = disk.files[file.path];
    return { file, key, current, outcome: planFile(current, file.content, disk.manifest[key]) };
  });
}

/** What applyFiles would do with each file (nothing is written): its key, current content and outcome. */
export async function planFiles(paths: StackPaths, files: GeneratedFile[]): Promise<FilePlan[]> {
  const disk = await readDisk(
    paths,
    files.map((f) => f.path),
  );
  return planFilesOn(paths.dir, disk, files);
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
  await writeManifest(paths, manifest);
  return outcomes;
}

/**
 * A CA certificate that stevie.yaml names at SETTING (a path on this host, relative to the stack directory DIR): its
 * PEM, or a UserError that says which setting and what is wrong. SIGNS: whose certificate it signs, for the hint.
 */
export async function readCaFile(dir: string, file: string, setting: string, signs: string): Promise<string> {
  const from = resolve(dir, file);
  const pem = await readFile(from, "utf8").catch((err: NodeJS.ErrnoException) => {
    throw new UserError(
      `${setting} ${from} cannot be read (${err.code ?? err.message})`,
      "check the path in stevie.yaml",
    );
  });
  try {
    new X509Certificate(pem);
  } catch {
    throw new UserError(
      `${setting} ${from} is not a PEM certificate`,
      `give the CA certificate that signs ${signs}, in PEM`,
    );
  }
  return pem;
}
