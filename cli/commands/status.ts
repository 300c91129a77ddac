import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseConfigText } from "../config/load.js";
import * as docker from "../docker.js";
import { UserError } from "../errors.js";
import { expectedContainers } from "../stack/generate.js";
import { summarise } from "../stack/health.js";
import { stackPaths } from "../stack/paths.js";
import { apiUrl } from "./install.js";

/** One object behind both `status` and `status --json`. */
export interface StackStatus {
  project: string;
  dir: string;
  version: string;
  url: string;
  healthy: boolean;
  services: { service: string; expected: number; running: number; healthy: number; containers: { name: string; state: string; health: string }[] }[];
}

export async function loadStack(dir: string) {
  const paths = stackPaths(dir);
  if (!existsSync(paths.config)) throw new UserError(`no stevie-stack installation in ${paths.dir}`, "pass the stack directory with --dir, or run `stevie-stack install`");
  const config = parseConfigText(await readFile(paths.config, "utf8"), paths.config);
  return { paths, config };
}

export async function collectStatus(dir: string): Promise<StackStatus> {
  const { paths, config } = await loadStack(dir);
  const version = existsSync(paths.versionStamp) ? (await readFile(paths.versionStamp, "utf8")).trim() : "unknown";
  const services = summarise(await docker.listContainers(docker.PROJECT_LABEL, config.projectName), expectedContainers(config));
  return {
    project: config.projectName,
    dir: paths.dir,
    version,
    url: apiUrl(config),
    healthy: services.every((s) => s.healthy >= s.expected && s.running === s.expected),
    services: services.map((s) => ({ ...s, containers: s.containers.map((c) => ({ name: c.name, state: c.state, health: c.health })) })),
  };
}

export function renderStatus(s: StackStatus): string {
  const rows = [["SERVICE", "HEALTHY", "CONTAINERS"]];
  for (const svc of s.services) {
    rows.push([svc.service, `${svc.healthy}/${svc.expected}`, svc.containers.map((c) => `${c.name} (${c.state}${c.health !== "none" ? `, ${c.health}` : ""})`).join(", ") || "-"]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n");
  return `stevie-stack ${s.version}, project ${s.project} in ${s.dir}\nAPI: ${s.url}\nOverall: ${s.healthy ? "healthy" : "NOT healthy"}\n\n${table}`;
}
