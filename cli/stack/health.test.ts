import { describe, expect, it } from "vitest";
import { FakeRunner, container } from "../../test/support/fake-runner.js";
import { Project } from "./handle.js";
import { unhealthyReport, waitForHealthy } from "./health.js";

/** Health over the Stack handle's in-memory engine: what a stack in a given state makes of these functions. */
describe("stack health (over a fake engine)", () => {
  it("reports the last log lines of the containers that are not healthy, and only theirs", async () => {
    const runner = new FakeRunner();
    runner.containerList = [
      container("api"),
      { ...container("postgres-1", "running", "unhealthy"), id: "pg1" },
      { ...container("redis-1", "exited", "none"), id: "r1" },
    ];
    runner.logsOf = { pg1: "FATAL: could not connect to etcd\n", r1: "killed\n", "api-id": "fine\n" };
    const report = await unhealthyReport(new Project("stevie", runner));
    expect(report).toContain("--- stevie-postgres-1-1 (running, unhealthy) ---\nFATAL: could not connect to etcd");
    expect(report).toContain("--- stevie-redis-1-1 (exited, none) ---\nkilled");
    expect(report).not.toContain("fine");
  });

  it("waits until every service has its containers healthy, then gives up naming the ones that are not", async () => {
    const runner = new FakeRunner();
    runner.containerList = [container("api"), container("nginx", "running", "starting")];
    const project = new Project("stevie", runner);
    await expect(waitForHealthy(project, { api: 1 }, { timeoutMs: 100 })).resolves.toHaveLength(1);
    await expect(waitForHealthy(project, { api: 2, nginx: 1 }, { timeoutMs: 100 })).rejects.toThrow(
      "services did not become healthy within 0 s: api (1/2 healthy), nginx (0/1 healthy)",
    );
  });
});
