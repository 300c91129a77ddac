import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FakeRunner } from "../../test/support/fake-runner.js";
import { CONTAINERS_PROM, writeContainerMetrics } from "./container-metrics.js";
import { Project } from "./handle.js";
import { TEXTFILE_DIR } from "./services/monitoring.js";

const MiB = 1024 ** 2;
const container = (id: string, service: string, state = "running") => ({
  id,
  name: `stevie-${service}-1`,
  service,
  state,
  health: "healthy" as const,
  image: "x",
  ports: [],
});

describe("each container's use, for Prometheus", () => {
  it("writes CPU, memory, limit, restarts and OOM kills by service and container; a container gone meanwhile is left out", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevie-containers-"));
    const fake = new FakeRunner();
    fake.containerList = [
      container("a", "api"),
      container("r", "redis-1"),
      container("m", "migrate", "exited"),
      container("g", "grafana"),
    ];
    fake.statsOf = {
      a: { cpuSeconds: 12.5, memoryBytes: 210 * MiB, memoryLimitBytes: 512 * MiB, restarts: 0, oomKilled: false },
      r: { cpuSeconds: 3, memoryBytes: 40 * MiB, memoryLimitBytes: 192 * MiB, restarts: 2, oomKilled: true },
      // "g" has none: it stopped between the listing and the reading.
    };
    expect(await writeContainerMetrics({ dir }, new Project("stevie", fake))).toBe(2);
    const text = await readFile(join(dir, TEXTFILE_DIR, CONTAINERS_PROM), "utf8");
    expect(text).toContain("# TYPE stevie_container_cpu_seconds_total counter");
    expect(text).toContain('stevie_container_cpu_seconds_total{service="api",container="stevie-api-1"} 12.5');
    expect(text).toContain(`stevie_container_memory_bytes{service="redis-1",container="stevie-redis-1-1"} ${40 * MiB}`);
    expect(text).toContain(`stevie_container_memory_limit_bytes{service="api",container="stevie-api-1"} ${512 * MiB}`);
    expect(text).toContain('stevie_container_restarts{service="redis-1",container="stevie-redis-1-1"} 2');
    expect(text).toContain('stevie_container_oom_killed{service="redis-1",container="stevie-redis-1-1"} 1');
    expect(text).not.toMatch(/migrate|grafana/);
  });
});
