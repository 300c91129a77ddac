import { join } from "node:path";
import { Counter, Gauge, Registry } from "prom-client";
import { writeAtomic } from "./files.js";
import type { Project } from "./handle.js";
import type { StackPaths } from "./paths.js";
import { TEXTFILE_DIR } from "./services/monitoring.js";

/**
 * What each container of the stack uses, for Prometheus and `doctor`'s sizes (issue 29 point 3): CPU time, memory,
 * memory limit, restarts and whether the kernel killed it for memory, by service and container. cAdvisor is not
 * packaged by Debian, and prometheus-process-exporter groups host processes by name, not by container; the engine
 * knows each container's cgroup figures already. So the ops service reads them from the engine's stats every round
 * and writes them in the text format to monitoring/textfile/containers.prom, which node-exporter serves (the way the
 * CLI's own figures go, cli.prom). Written with prom-client.
 */
export const CONTAINERS_PROM = "containers.prom";

export interface ContainerUse {
  service: string;
  container: string;
  cpuSeconds: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  restarts: number;
  oomKilled: boolean;
}

export async function renderContainerMetrics(use: ContainerUse[]): Promise<string> {
  const registry = new Registry();
  const labelNames = ["service", "container"];
  const cpu = new Counter({
    name: "stevie_container_cpu_seconds_total",
    help: "CPU time a container of the stack has used since it started",
    labelNames,
    registers: [registry],
  });
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames, registers: [registry] });
  const memory = gauge(
    "stevie_container_memory_bytes",
    "Memory a container of the stack uses, less the file cache the kernel would reclaim first",
  );
  const limit = gauge("stevie_container_memory_limit_bytes", "A container's memory limit");
  const restarts = gauge("stevie_container_restarts", "How often the engine has restarted a container");
  const oom = gauge("stevie_container_oom_killed", "1 when the kernel last stopped a container for want of memory");
  for (const u of use) {
    const l = { service: u.service, container: u.container };
    cpu.inc(l, u.cpuSeconds);
    memory.set(l, u.memoryBytes);
    limit.set(l, u.memoryLimitBytes);
    restarts.set(l, u.restarts);
    oom.set(l, u.oomKilled ? 1 : 0);
  }
  return registry.metrics();
}

/** Read every running container's use and write containers.prom; a container that went away meanwhile is left out. */
export async function writeContainerMetrics(paths: Pick<StackPaths, "dir">, project: Project): Promise<number> {
  const running = (await project.containers()).filter((c) => c.state === "running");
  const use = (
    await Promise.all(
      running.map((c) =>
        project
          .stats(c.id)
          .then((s): ContainerUse => ({ service: c.service, container: c.name, ...s }))
          .catch(() => undefined),
      ),
    )
  ).filter((u) => u !== undefined);
  await writeAtomic(join(paths.dir, TEXTFILE_DIR, CONTAINERS_PROM), await renderContainerMetrics(use));
  return use.length;
}
