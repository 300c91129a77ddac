import { rm } from "node:fs/promises";
import { UserError } from "../../errors.js";
import { recordAudit } from "../../stack/audit.js";
import { loadStack } from "../../stack/load.js";
import { type Project } from "../../stack/handle.js";

export interface UninstallOptions {
  dir: string;
  purgeData: boolean;
  yes: boolean;
}

export interface UninstallResult {
  containers: number;
  volumes: string[];
  networks: string[];
  removedDir: boolean;
  /** Networks that could not be removed, and Docker's reason (a container that is not the stack's is still on it). */
  left?: { network: string; why: string }[];
}

/** Remove everything labelled with a project: what compose knows of, and what it lost track of. */
export async function removeProjectResources(project: Project, purgeData: boolean): Promise<UninstallResult> {
  const containers = await project.containers();
  for (const c of containers) await project.remove(c.id);
  const networks = await project.networks();
  const left: { network: string; why: string }[] = [];
  for (const n of networks)
    await project.removeNetwork(n.id).catch((e: Error) => left.push({ network: n.name, why: e.message }));
  const volumes = purgeData ? await project.volumes() : [];
  for (const v of volumes) await project.removeVolume(v);
  return {
    containers: containers.length,
    volumes,
    networks: networks.map((n) => n.name).filter((n) => !left.some((l) => l.network === n)),
    removedDir: false,
    ...(left.length ? { left } : {}),
  };
}

export async function runUninstall(
  opts: UninstallOptions,
  confirm: (q: string) => Promise<boolean>,
): Promise<UninstallResult> {
  const { paths, config, stack } = await loadStack(opts.dir);
  const what = opts.purgeData
    ? `This removes project ${config.projectName} AND ITS DATA (database, cache volumes, secrets in ${paths.dir}).`
    : `This stops and removes the containers of project ${config.projectName}; data volumes and ${paths.dir} are kept.`;
  if (!opts.yes && !(await confirm(`${what} Continue?`))) {
    throw new UserError("uninstall cancelled; nothing was changed", "pass --yes to skip the question");
  }
  // Recorded while the database still runs; --purge-data then removes it, audit log included.
  await recordAudit(stack, {
    action: opts.purgeData ? "uninstall.purge-data" : "uninstall",
    target: paths.dir,
  });
  const before = await stack.containers();
  const networksBefore = await stack.networks();
  const volumesBefore = await stack.volumes();
  await stack.compose(["down", "--remove-orphans", "--timeout", "30", ...(opts.purgeData ? ["--volumes"] : [])], {
    reject: false,
  });
  const leftovers = await removeProjectResources(stack, opts.purgeData);
  const volumes = opts.purgeData ? [...new Set([...leftovers.volumes, ...volumesBefore])] : [];
  const result: UninstallResult = {
    containers: before.length,
    networks: networksBefore.map((n) => n.name).filter((n) => !leftovers.left?.some((l) => l.network === n)),
    volumes,
    removedDir: false,
    ...(leftovers.left ? { left: leftovers.left } : {}),
  };
  if (opts.purgeData) {
    await rm(paths.dir, { recursive: true, force: true });
    result.removedDir = true;
  }
  return result;
}
