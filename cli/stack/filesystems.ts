import { join } from "node:path";
import { readIfExists, writeAtomic } from "./files.js";
import { Engine, host } from "./handle.js";
import { insideOps } from "./ops.js";
import type { StackPaths } from "./paths.js";

/**
 * The host filesystems node-exporter measures, found on the Docker host at install: the one holding Docker's data
 * (the volumes: database, backups, metrics) and the one holding the stack directory, each by its mount point in the
 * host's mount table. node-exporter does not see the host's `/`: for each of these it gets a directory that lives on
 * that filesystem (`probe`: a volume of its own, or an empty directory of the stack directory) mounted where the host
 * has the filesystem, which is all a statfs() needs.
 */
export interface MeasuredFilesystem {
  mountpoint: string;
  probe: "volume" | "stack";
}

/** What a host with everything on its root filesystem has (and what tests render). */
export const ROOT_ONLY: MeasuredFilesystem[] = [{ mountpoint: "/", probe: "volume" }];

/** The mount point of the filesystem holding `path`, from df. */
async function mountOf(path: string): Promise<string | undefined> {
  const r = await host.run("df", ["-P", path], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim().split("\n")[1]?.split(/\s+/).at(-1) : undefined;
}

const recorded = (paths: Pick<StackPaths, "state">) => join(paths.state, "filesystems.json");

/**
 * Measured on the host; inside the ops service (ops.ts), which has neither the host's mount table nor Docker's data
 * directory, what the host's last install recorded (recordFilesystems).
 */
export async function measuredFilesystems(paths: Pick<StackPaths, "dir" | "state">): Promise<MeasuredFilesystem[]> {
  if (insideOps()) {
    const text = await readIfExists(recorded(paths));
    if (text) return JSON.parse(text) as MeasuredFilesystem[];
  }
  const docker = await mountOf(await new Engine().dataRoot());
  const stack = await mountOf(paths.dir);
  const out: MeasuredFilesystem[] = [];
  if (docker) out.push({ mountpoint: docker, probe: "volume" });
  if (stack && stack !== docker) out.push({ mountpoint: stack, probe: "stack" });
  // The outer first: Docker mounts the inner one inside it.
  return out.length ? out.sort((a, b) => a.mountpoint.length - b.mountpoint.length) : ROOT_ONLY;
}

/** Kept for the ops service by each apply on the host. */
export async function recordFilesystems(paths: Pick<StackPaths, "state">, fs: MeasuredFilesystem[]): Promise<void> {
  if (!insideOps()) await writeAtomic(recorded(paths), `${JSON.stringify(fs)}\n`);
}
