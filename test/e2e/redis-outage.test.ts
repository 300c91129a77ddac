import { describe, expect, inject, it } from "vitest";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import type { StackStatus } from "../../cli/stack/status.js";
import { runCli } from "../setup/cli.js";
import { stackFetch, trpcClient } from "../setup/client.js";

const stack = inject("stack");

describe("the installed stack without Redis", () => {
  it(
    "keeps answering (uncached) with readiness 'degraded', then recovers when Redis is back",
    { timeout: 300_000 },
    async () => {
      // Every Redis node down (the Sentinels stay up but have nothing to promote): the whole cache tier is gone.
      const redis = (await docker.listContainers(docker.PROJECT_LABEL, stack.project))
        .filter((c) => /^redis-\d+$/.test(c.service))
        .map((c) => c.id);
      expect(redis).toHaveLength(3);
      const f = stackFetch(stack);
      const api = trpcClient(stack);
      const description =
        "Our regional airline rebuilt its customer service team and cut complaint response times from days to hours.";
      await api.recommend.query({ description, topK: 3 });
      await run("docker", ["stop", "-t", "2", ...redis]);
      try {
        const ready = await f(`${stack.baseUrl}/api/health/ready`);
        expect(ready.status).toBe(200);
        const body = (await ready.json()) as { status: string; checks: Record<string, { state: string }> };
        expect(body.status).toBe("degraded");
        expect(body.checks.redis?.state).toBe("down");
        const started = Date.now();
        const r = await api.recommend.query({ description: `${description} (during the outage)`, topK: 3 });
        expect(r.results).toHaveLength(3);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect((await api.programs.list.query()).length).toBe(9);
      } finally {
        await run("docker", ["start", ...redis]);
      }
      const deadline = Date.now() + 120_000;
      let status = "";
      while (Date.now() < deadline) {
        status = ((await (await f(`${stack.baseUrl}/api/health/ready`)).json()) as { status: string }).status;
        if (status === "ready") break;
        await new Promise((res) => setTimeout(res, 1_000));
      }
      expect(status).toBe("ready");
      // Recovered means the whole tier, not only the API's view: a master and both replicas again, as the Sentinels
      // report them (the suites after this one share the stack).
      let roles: string[] = [];
      while (Date.now() < deadline) {
        const s = await runCli(["status", "--json", "--dir", stack.dir]);
        roles =
          s.code === 0 ? (JSON.parse(s.stdout) as StackStatus).dataTier.redis.nodes.map((n) => n.role).sort() : [];
        if (roles.join() === "master,replica,replica") break;
        await new Promise((res) => setTimeout(res, 2_000));
      }
      expect(roles).toEqual(["master", "replica", "replica"]);
    },
  );
});
