import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { ServiceHealth } from "./health.js";
import { planServices, renderPlan, type StackPlan } from "./plan.js";

const compose = (services: Record<string, object>) => stringify({ services });
const health = (service: string, expected: number, running: number): ServiceHealth => ({
  service,
  expected,
  running,
  healthy: running,
  containers: [],
});
const BEFORE = compose({
  api: { image: "api:c-1", deploy: { replicas: 2 } },
  nginx: { image: "nginx:c-1", labels: { h: "1" } },
  haproxy: { image: "haproxy:c-1" },
  grafana: { image: "grafana" },
});

describe("planServices (issue 26)", () => {
  const observed = [health("api", 2, 2), health("nginx", 1, 1), health("haproxy", 1, 1)];
  const running = new Set(["api", "nginx", "haproxy", "grafana"]);

  it("changes nothing when the compose file and what runs agree", () => {
    const after = compose({
      api: { image: "api:c-1", deploy: { replicas: 2 } },
      nginx: { image: "nginx:c-1", labels: { h: "1" } },
      haproxy: { image: "haproxy:c-1" },
      grafana: { image: "grafana" },
    });
    expect(planServices(BEFORE, after, observed, running)).toEqual({ recreate: [], start: [], remove: [] });
  });

  it("recreates exactly the services whose definition changed, removes one turned off, counts replicas apart", () => {
    const after = compose({
      api: { image: "api:c-1", deploy: { replicas: 3 } },
      nginx: { image: "nginx:c-1", labels: { h: "2" } },
      haproxy: { image: "haproxy:c-1" },
    });
    expect(planServices(BEFORE, after, observed, running)).toEqual({
      recreate: ["nginx"],
      start: [],
      remove: ["grafana"],
      replicas: { from: 2, to: 3 },
    });
  });

  it("starts a service that is missing a container instead of calling it recreated", () => {
    const after = compose({
      api: { image: "api:c-2", deploy: { replicas: 2 } },
      nginx: { image: "nginx:c-1", labels: { h: "1" } },
      haproxy: { image: "haproxy:c-2" },
    });
    const down = [health("api", 2, 2), health("nginx", 1, 1), health("haproxy", 1, 0)];
    expect(planServices(BEFORE, after, down, new Set(["api", "nginx"]))).toEqual({
      recreate: ["api"],
      start: ["haproxy"],
      remove: [],
    });
    // Before the first install: everything starts.
    const none = [health("api", 2, 0), health("nginx", 1, 0), health("haproxy", 1, 0)];
    expect(planServices(undefined, after, none, new Set())).toEqual({
      recreate: [],
      start: ["api", "nginx", "haproxy"],
      remove: [],
    });
  });
});

describe("renderPlan (issue 26)", () => {
  const plan: StackPlan = {
    files: { "compose.yaml": "updated", "nginx/nginx.conf": "kept-edited", "stevie.yaml": "unchanged" },
    images: [
      { name: "api", ref: "stevie-stack/api:0.4.0", action: "build" },
      { name: "nginx", ref: "stevie-stack/nginx:0.4.0", action: "keep" },
    ],
    secrets: [],
    certificates: ["patroni-client"],
    access: ["openai"],
    services: { recreate: ["api", "haproxy"], start: [], remove: [], replicas: { from: 2, to: 3 } },
    unhealthy: ["redis-2"],
    changes: true,
  };

  it("says what install would do, one line per kind", () => {
    expect(renderPlan(plan)).toEqual([
      "Install would:",
      "  write: compose.yaml (updated), nginx/nginx.conf.new (nginx/nginx.conf has your edits)",
      "  build images: api",
      "  issue certificates: patroni-client",
      "  take from the environment: the OpenAI key",
      "  recreate: api (replica by replica), haproxy",
      "  API replicas: 2 -> 3",
      "  wait for (not healthy now): redis-2",
    ]);
  });

  it("says there is nothing to do when there is not", () => {
    expect(renderPlan({ ...plan, changes: false })).toEqual([
      "Nothing to do: the stack runs this configuration and is healthy.",
    ]);
  });
});
