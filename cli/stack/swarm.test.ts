import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load.js";
import { buildCompose } from "./compose.js";
import type { ComposeFile } from "./compose-types.js";
import { sizeStack } from "./sizing.js";
import { renderSwarmStack, swarmStack } from "./swarm.js";
import { topology } from "./topology.js";

const config = parseConfig({ projectName: "demo", postgres: { nodes: 3 }, api: { replicas: 4 } }, "test");
const sizing = sizeStack({ cpus: 4, memBytes: 16 * 1024 ** 3 }, "auto");
const compose = buildCompose({ config, sizing, version: "1.2.3", topology: topology(config, sizing, "10.213.7.0/24") });

/** A hash for every file the Compose file names or mounts from the stack directory (directories: a file or two). */
function hashesOf(file: ComposeFile): Record<string, string> {
  const inDirs: Record<string, string[]> = {
    "tls/edge": ["server.crt", "server.key", "ca.crt"],
    "nginx/upstream": ["api.conf"],
    "monitoring/rules": ["alerts.yml", "stack.yml"],
  };
  const paths = [
    ...Object.values(file.secrets).map((s) => s.file),
    ...Object.values(file.services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(":")[0]!)),
  ]
    .filter((p) => p.startsWith("./"))
    .map((p) => p.slice(2));
  const files = paths.flatMap((p) => (inDirs[p] ? inDirs[p].map((f) => `${p}/${f}`) : [p]));
  return Object.fromEntries(files.map((f, i) => [f, `${i}`.padStart(8, "a") + "ffff"]));
}

const hashes = hashesOf(compose);
const swarm = swarmStack(compose, { hashes, nodes: 3 });
const yaml = renderSwarmStack(swarm);

describe("the Swarm stack file (issue 27)", () => {
  it("has every service of the Compose file, and nothing Swarm rejects or silently ignores", () => {
    expect(Object.keys(swarm.services).sort()).toEqual(Object.keys(compose.services).sort());
    for (const ignored of ["restart:", "depends_on:", "dns_opt:", "security_opt:", "shm_size:", "ipv4_address:"])
      expect(yaml).not.toContain(ignored);
    expect(yaml).not.toMatch(/^name:/m);
    expect(yaml).not.toContain("ip_range");
    expect(yaml).not.toContain("inhibit_ipv4");
    // docker stack interpolates $ (Compose let node-exporter's bare one pass): every one is doubled.
    expect(compose.services["node-exporter"]?.command?.join(" ")).toMatch(/\)\$(?!\$)/);
    expect(swarm.services["node-exporter"]?.command?.join(" ")).toMatch(/\)\$\$/);
    // Bind mounts of the stack directory exist on one node only: none is left.
    expect(Object.values(swarm.services).flatMap((s) => s.volumes ?? [])).not.toContainEqual(
      expect.stringMatching(/^\.\//),
    );
  });

  it("finds every service by name (no virtual IP) and keeps the resolver's short timeouts", () => {
    for (const [name, s] of Object.entries(swarm.services)) {
      expect(s.deploy.endpoint_mode, name).toBe("dnsrr");
      expect(s.environment?.RES_OPTIONS, name).toBe("timeout:1 attempts:2");
    }
    expect(Object.values(swarm.networks).every((n) => n.driver === "overlay")).toBe(true);
    expect(swarm.networks.data?.internal).toBe(true);
    expect(swarm.networks.edge?.internal).toBeUndefined();
  });

  it("puts member N of each data-tier kind on the node labelled N, so no node holds two of a kind", () => {
    for (const n of [1, 2, 3])
      for (const kind of ["postgres", "etcd", "redis", "sentinel"])
        expect(swarm.services[`${kind}-${n}`]?.deploy.placement?.constraints).toEqual([
          `node.labels.io.stevie-stack.member == ${n}`,
        ]);
    expect(swarm.services.nginx?.deploy).toMatchObject({
      mode: "global",
      placement: { constraints: ["node.labels.io.stevie-stack.edge == true"] },
    });
    expect(swarm.services.haproxy?.deploy.mode).toBe("global");
  });

  it("spreads API replicas and updates them one at a time, the new one first, rolled back on failure", () => {
    expect(swarm.services.api?.deploy).toMatchObject({
      mode: "replicated",
      replicas: 4,
      placement: { max_replicas_per_node: 2 },
      update_config: { parallelism: 1, order: "start-first", failure_action: "rollback" },
    });
    expect(swarm.services.migrate?.deploy).toMatchObject({
      mode: "replicated-job",
      restart_policy: { condition: "on-failure" },
    });
    expect(swarm.services.api?.deploy.replicas).toBe(compose.services.api?.deploy?.replicas);
  });

  it("checks the API and HAProxy for liveness (Swarm replaces an unhealthy task), the rest as on Compose", () => {
    expect(compose.services.api?.healthcheck?.test.join(" ")).toContain("/api/health/ready");
    expect(swarm.services.api?.healthcheck?.test.join(" ")).toContain("/api/health/live");
    expect(swarm.services.haproxy?.healthcheck?.test).toContain("http://127.0.0.1:8404/ready");
    expect(swarm.services.api?.healthcheck?.interval).toBe(compose.services.api?.healthcheck?.interval);
    expect(swarm.services["postgres-1"]?.healthcheck).toEqual(compose.services["postgres-1"]?.healthcheck);
  });

  it("ships mounted files as configs and private keys as secrets, each named by its content", () => {
    const nginx = swarm.services.nginx!;
    expect(nginx.configs).toContainEqual({ source: "nginx_nginx_conf", target: "/etc/nginx/nginx.conf" });
    expect(nginx.configs).toContainEqual({ source: "tls_edge_server_crt", target: "/etc/stevie/tls/server.crt" });
    expect(nginx.secrets).toContainEqual({ source: "tls_edge_server_key", target: "/etc/stevie/tls/server.key" });
    expect(swarm.configs.tls_edge_server_key).toBeUndefined();
    expect(swarm.secrets.tls_edge_server_key?.name).toBe(
      `demo_tls_edge_server_key_${hashes["tls/edge/server.key"]!.slice(0, 8)}`,
    );
    expect(swarm.secrets.redis_password?.name).toMatch(/^demo_redis_password_[0-9a-f]{8}$/);

    const changed = swarmStack(compose, { hashes: { ...hashes, "nginx/nginx.conf": "0123456789ab" }, nodes: 3 });
    expect(changed.configs.nginx_nginx_conf?.name).toBe("demo_nginx_nginx_conf_01234567");
    expect(changed.configs.haproxy_haproxy_cfg).toEqual(swarm.configs.haproxy_haproxy_cfg);

    const { "secrets/redis_password": _, ...missing } = hashes;
    expect(() => swarmStack(compose, { hashes: missing, nodes: 3 })).toThrow(/secrets\/redis_password/);
  });

  it("publishes nginx's ports in host mode on its nodes, and leaves out a port bound to loopback", () => {
    expect(swarm.services.nginx?.ports).toEqual([
      { target: 8080, published: config.network.httpPort, protocol: "tcp", mode: "host" },
      { target: 8443, published: config.network.httpsPort, protocol: "tcp", mode: "host" },
    ]);
    const grafana = parseConfig({ projectName: "demo", monitoring: { grafana: { enabled: true } } }, "test");
    const withGrafana = buildCompose({
      config: grafana,
      sizing,
      version: "1",
      topology: topology(grafana, sizing, "10.213.7.0/24"),
    });
    expect(withGrafana.services.grafana?.ports).toEqual(["127.0.0.1:3001:3000"]);
    expect(
      swarmStack(withGrafana, { hashes: hashesOf(withGrafana), nodes: 3 }).services.grafana?.ports,
    ).toBeUndefined();
  });

  it("gives PostgreSQL's shared memory a sized tmpfs, as shm_size did", () => {
    expect(compose.services["postgres-1"]?.shm_size).toBe("256m");
    expect(swarm.services["postgres-1"]?.volumes).toContainEqual({
      type: "tmpfs",
      target: "/dev/shm",
      tmpfs: { size: 256 * 1024 ** 2 },
    });
  });
});
