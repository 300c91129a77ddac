import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { ServiceHealth } from "./health.js";
import { join, relative } from "node:path";
import { parseConfig } from "../config/load.js";
import { sha256 } from "./files.js";
import { expectedContainers, renderAssets, renderConfigYaml } from "./generate.js";
import type { ImagePlan } from "./images.js";
import { stackPaths } from "./paths.js";
import {
  planServices,
  planStack,
  planSummary,
  renderPlan,
  type Desired,
  type Observed,
  type PlanSummary,
} from "./plan.js";
import { sizeStack } from "./sizing.js";

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
  const plan: PlanSummary = {
    files: { "compose.yaml": "updated", "nginx/nginx.conf": "kept-edited", "stevie.yaml": "unchanged" },
    images: [
      { name: "api", ref: "stevie-stack/api:0.4.0", action: "build" },
      { name: "nginx", ref: "stevie-stack/nginx:0.4.0", action: "keep" },
      { name: "redis", ref: "stevie-stack/redis:0.4.0", action: "tag" },
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
      "  tag images: redis",
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

describe("planStack (pure: from what was observed to what install does)", () => {
  const paths = stackPaths("/opt/stevie-plan");
  const sizing = sizeStack({ cpus: 4, memBytes: 16 * 1024 ** 3 }, "auto");
  const images = ["api", "nginx", "postgres"].map((name) => ({ name, ref: `stevie/${name}:c-1`, action: "keep" }));
  const desired = (raw: Record<string, unknown>): Desired => {
    const config = parseConfig(raw, "stevie");
    return {
      ...{ paths, config, configText: renderConfigYaml(config), version: "1.2.3", sizing, credentials: {} },
      images: images as ImagePlan[],
    };
  };
  const noCredentials = { changed: false };
  /** The stack DESIRED would leave: its files on disk as the applier writes them, every container healthy. */
  function installed(d: Desired): Observed {
    const base: Omit<Observed, "disk" | "containers"> = {
      ...{ secretsMissing: [], certificates: [], s3: noCredentials, openai: noCredentials, alerts: noCredentials },
      ca: "ca-1",
      serviceCertificates: { postgres: "pg-1", etcd: "etcd-1", redis: "redis-1", "patroni-client": "client-1" },
      host: { dataSubnet: "10.213.7.0/24" },
      assets: renderAssets(paths, d.config),
    };
    const empty = { ...base, disk: { manifest: {}, files: {} }, containers: [] };
    const files = planStack(d, empty).rendered.map((p) => p.file);
    const containers = Object.entries(expectedContainers(d.config, sizing)).flatMap(([service, n]) =>
      Array.from({ length: n }, (_, i) => ({
        id: `${service}-${i}`,
        name: `stevie-${service}-${i + 1}`,
        service,
        state: "running",
        health: "healthy",
      })),
    ) as Observed["containers"];
    return {
      ...base,
      disk: {
        manifest: Object.fromEntries(files.map((f) => [relative(paths.dir, f.path), sha256(f.content)])),
        files: Object.fromEntries(files.map((f) => [f.path, f.content])),
      },
      containers,
    };
  }

  it("on the stack it describes: nothing to do", () => {
    const d = desired({});
    const plan = planStack(d, installed(d));
    expect(planSummary(plan)).toMatchObject({ changes: false, services: { recreate: [], start: [], remove: [] } });
    expect(plan).toMatchObject({ serving: true, healthy: true });
  });

  it("a certificate due again (near its expiry): exactly the containers that present it, and the compose file", () => {
    const d = desired({});
    const now = installed(d);
    const redis = planStack(d, { ...now, certificates: ["redis"] });
    expect(Object.entries(redis.files).filter(([, o]) => o !== "unchanged")).toEqual([["compose.yaml", "updated"]]);
    expect(redis.services.recreate).toEqual(
      Object.keys(expectedContainers(d.config, sizing))
        .filter((s) => /^(redis|sentinel)-\d$/.test(s))
        .sort(),
    );
    const client = planStack(d, { ...now, certificates: ["patroni-client"] });
    expect(client.services.recreate).toEqual(["haproxy", "prometheus"]);
  });

  it("a new alert webhook: exactly Alertmanager's files and container", () => {
    const now = installed(desired({}));
    const plan = planStack(desired({ monitoring: { alerts: { webhookUrl: "https://hooks.example.com/x" } } }), now);
    const written = Object.entries(plan.files).filter(([, o]) => o !== "unchanged");
    expect(written.map(([f]) => f).sort()).toEqual(["compose.yaml", "monitoring/alertmanager.yml", "stevie.yaml"]);
    expect(plan.services).toEqual({ recreate: ["alertmanager"], start: [], remove: [] });
    expect(plan.changes).toBe(true);
  });

  it("keeps an operator's edit, and a missing secret or a container gone is work", () => {
    const d = desired({});
    const now = installed(d);
    const haproxy = join(paths.dir, "haproxy", "haproxy.cfg");
    now.disk.files[haproxy] += "\n# mine\n";
    now.secretsMissing = ["redis_password"];
    now.containers = now.containers.filter((c) => c.service !== "haproxy");
    const plan = planStack(d, now);
    expect(plan.files["haproxy/haproxy.cfg"]).toBe("kept-edited");
    expect(plan.rendered.find((p) => p.key === "haproxy/haproxy.cfg")?.current).toContain("# mine");
    expect(plan).toMatchObject({ secrets: ["redis_password"], changes: true, serving: false });
    expect(plan.services.start).toEqual(["haproxy"]);
  });
});
