import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load.js";
import { buildCompose, renderCompose } from "./compose.js";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyFiles, planFile, sha256 } from "./files.js";
import { stackPaths } from "./paths.js";
import { allHealthy, runningHealthy, summarise } from "./health.js";
import { sizeStack } from "./sizing.js";
import { topology } from "./topology.js";
import { overlaps, pickSubnet } from "./subnet.js";
import { renderHaproxyConf } from "./services/postgres.js";
import { MONITORING_SERVICES } from "./services/monitoring.js";
import { dcsSettings, parsePatroniList, parseReplicationInfo } from "./cluster.js";
import { hasChanges } from "./apply.js";
import { PROJECT_LABEL, type ContainerState } from "../docker.js";

const GiB = 1024 ** 3;
const config = parseConfig({ projectName: "demo", network: { httpPort: 8080, httpsPort: 8443 } }, "test");
const sizing = sizeStack({ cpus: 2, memBytes: 24 * GiB }, "auto");
const ctx = { config, sizing, version: "1.2.3", topology: topology(config, sizing, "10.213.7.0/24") };

describe("compose file", () => {
  const file = buildCompose(ctx);

  it("publishes ports from nginx only", () => {
    for (const [name, svc] of Object.entries(file.services)) {
      if (name === "nginx") expect(svc.ports).toEqual(["0.0.0.0:8080:8080", "0.0.0.0:8443:8443"]);
      else expect(svc.ports).toBeUndefined();
    }
  });

  it("keeps the database and cache on internal networks the edge cannot reach; etcd only with the Postgres members", () => {
    expect(file.networks.data?.internal).toBe(true);
    expect(file.networks.consensus?.internal).toBe(true);
    expect(file.services.nginx?.networks).toEqual(["edge"]);
    expect(file.services.haproxy?.networks).toEqual(["data"]);
    for (const m of ["postgres-1", "postgres-2"])
      expect(Object.keys(file.services[m]?.networks ?? {})).toEqual(["data", "consensus"]);
    for (const m of ["etcd-1", "etcd-2", "etcd-3"]) expect(file.services[m]?.networks).toEqual(["consensus"]);
    expect(file.services.api?.networks).toEqual(["edge", "data"]);
  });

  it("runs two Patroni members (each its own volume), three etcd, HAProxy, Redis 1+2 and three Sentinels", () => {
    expect(Object.keys(file.services).sort()).toEqual(
      [
        "api",
        "etcd-1",
        "etcd-2",
        "etcd-3",
        "haproxy",
        "migrate",
        "nginx",
        "postgres-1",
        "postgres-2",
        "redis-1",
        "redis-2",
        "redis-3",
        "sentinel-1",
        "sentinel-2",
        "sentinel-3",
        ...MONITORING_SERVICES,
      ].sort(),
    );
    const without = buildCompose({ ...ctx, config: parseConfig({ monitoring: { enabled: false } }, "t") });
    for (const m of MONITORING_SERVICES) expect(without.services[m]).toBeUndefined();
    expect(without.volumes["prometheus-data"]).toBeUndefined();
    expect(file.services["postgres-1"]?.volumes).toEqual([
      "postgres-1-data:/var/lib/postgresql/data",
      "backups:/var/lib/pgbackrest",
      "backup-metrics:/var/lib/stevie-metrics",
    ]);
    // Synchronous by default at two members too: a crashed leader loses no acknowledged write (issue 23).
    expect(file.services["postgres-1"]?.environment?.PG_SYNCHRONOUS).toBe("true");
    expect(dcsSettings(ctx.topology)).toEqual(["failsafe_mode=true", "loop_wait=1", "synchronous_mode=true"]);
    const three = topology(parseConfig({ postgres: { nodes: 3 } }, "t"), sizing, "10.213.7.0/24");
    expect(three.postgres).toEqual(["postgres-1", "postgres-2", "postgres-3"]);
    expect(three.synchronous).toBe(true);
    expect(
      topology(parseConfig({ postgres: { nodes: 3, synchronous: false } }, "t"), sizing, "10.213.7.0/24").synchronous,
    ).toBe(false);
  });

  it("gives Redis, the Sentinels and the Patroni members fixed addresses outside Docker's automatic range, and the API only the Sentinels", () => {
    expect(file.networks.data?.ipam?.config).toEqual([{ subnet: "10.213.7.0/24", ip_range: "10.213.7.128/25" }]);
    const fixed = Object.values(file.services).flatMap((svc) =>
      svc.networks && !Array.isArray(svc.networks) ? [svc.networks.data?.ipv4_address] : [],
    );
    expect(fixed.sort()).toEqual([
      "10.213.7.11",
      "10.213.7.12",
      "10.213.7.13",
      "10.213.7.21",
      "10.213.7.22",
      "10.213.7.23",
      "10.213.7.31",
      "10.213.7.32",
      "10.213.7.5",
    ]);
    // Patroni announces the member by that address (its REST API and PostgreSQL), and the member keeps its other networks.
    expect(file.services["postgres-2"]?.environment?.PATRONI_ADDRESS).toBe("10.213.7.32");
    expect(file.services["postgres-2"]?.networks).toEqual({ data: { ipv4_address: "10.213.7.32" }, consensus: {} });
    for (const ip of fixed) expect(overlaps(`${ip}/32`, "10.213.7.128/25")).toBe(false);
    expect(file.services.api?.environment?.REDIS_SENTINELS).toBe(
      "10.213.7.21:26379,10.213.7.22:26379,10.213.7.23:26379",
    );
    expect(file.services.api?.environment?.REDIS_HOST).toBeUndefined();
  });

  it("routes writes to the Patroni primary and reads to replicas in HAProxy", () => {
    const cfg = renderHaproxyConf(ctx.topology);
    expect(cfg).toMatch(/listen primary\n\s+bind \*:5432\n\s+option httpchk GET \/primary/);
    expect(cfg).toMatch(/listen replicas\n\s+bind \*:5433[\s\S]*GET \/replica/);
    // Servers by fixed address, no DNS: a crashed member's name does not resolve (issue 23).
    expect(cfg.match(/server postgres-\d 10\.213\.7\.3\d:5432/g)).toHaveLength(4);
    expect(cfg).not.toContain("resolvers");
    // HAProxy 3.0.11 strands a stream still connecting to a member that is marked down by shutdown-sessions (issue 23).
    expect(cfg).not.toMatch(/default-server.*shutdown-sessions/);
    // Instead, the image's Lua task ends a down member's sessions once nothing can still be connecting to it.
    expect(cfg).toMatch(/\nglobal\n( {2}.*\n)* {2}lua-load \/usr\/local\/share\/stevie\/cut-sessions\.lua\n/);
    // Connection attempts are bounded, and sessions to a member that died silently end on keepalives (issue 23).
    expect(cfg).toMatch(/timeout connect 2s\n\s+retries 1\n\s+option redispatch\n\s+timeout queue 3s/);
    expect(cfg).toContain("option srvtcpka");
    expect(cfg).toContain("option clitcpka");
    expect(cfg).toContain("tcp-ut 5s");
  });

  it("sizes each replica's database pool so the most replicas the config allows fit in PostgreSQL's connections", () => {
    const api = file.services.api!;
    expect(api.environment?.PG_POOL_MAX).toBe("12");
    expect(Number(api.environment?.PG_POOL_MAX) * (20 + 1)).toBeLessThanOrEqual(300 - 15);
  });

  it("gives every service a restart policy, limits, a health check, log rotation, labels, short DNS timeouts and a versioned image", () => {
    for (const [name, svc] of Object.entries(file.services)) {
      if (name === "migrate") {
        // A one-shot job: it must not be restarted, and the API waits for it to complete.
        expect(svc.restart).toBe("no");
        expect(file.services.api?.depends_on?.migrate?.condition).toBe("service_completed_successfully");
      } else {
        expect(svc.restart, name).toBe("unless-stopped");
        expect(svc.healthcheck?.test.length, name).toBeGreaterThan(0);
      }
      expect(Number(svc.deploy?.resources.limits.cpus), name).toBeGreaterThan(0);
      expect(svc.deploy?.resources.limits.memory, name).toMatch(/^\d+M$/);
      expect(svc.logging.options["max-size"], name).toBe("10m");
      expect(svc.labels[PROJECT_LABEL], name).toBe("demo");
      expect(svc.image, name).toMatch(/^stevie-stack\/[a-z]+:1\.2\.3$/);
      // A lookup of a stopped container's name gives up within seconds, not glibc's 5 s x 2 (Patroni's turn, issue 23).
      expect(svc.dns_opt, name).toEqual(["timeout:1", "attempts:2"]);
    }
    for (const v of Object.values(file.volumes)) expect(v.labels[PROJECT_LABEL]).toBe("demo");
    for (const n of Object.values(file.networks)) expect(n.labels[PROJECT_LABEL]).toBe("demo");
  });

  it("passes secrets as files, never as values", () => {
    const text = renderCompose(file);
    expect(file.services.api?.environment?.PGPASSWORD_FILE).toBe("/run/secrets/postgres_password");
    expect(text).not.toMatch(/PASSWORD:\s*[0-9a-f]{16,}/);
    expect(file.services.api?.deploy?.replicas).toBe(2);
  });

  it("gives the API and the migration job an OpenAI key only when one is installed, as a file, with the configured models", () => {
    for (const s of ["api", "migrate"]) {
      expect(
        Object.keys(file.services[s]?.environment ?? {}).filter((k) => k.startsWith("OPENAI_")),
        s,
      ).toEqual([]);
      expect(file.services[s]?.secrets, s).not.toContain("openai_api_key");
    }
    expect(file.services.migrate?.networks).toEqual(["data"]);
    expect(file.networks.egress).toBeUndefined();

    const cfg = parseConfig(
      { openai: { embeddingModel: "text-embedding-3-large", baseUrl: "https://llm.example/v1" } },
      "t",
    );
    const keyed = buildCompose({ ...ctx, config: cfg, fileHashes: { openai: "hash-of-the-key" } });
    for (const s of ["api", "migrate"]) {
      const svc = keyed.services[s]!;
      expect(svc.environment).toMatchObject({
        OPENAI_API_KEY_FILE: "/run/secrets/openai_api_key",
        OPENAI_EMBEDDING_MODEL: "text-embedding-3-large",
        OPENAI_EMBEDDING_DIMENSIONS: "1536",
        OPENAI_CHAT_MODEL: "gpt-4o-mini",
        OPENAI_BASE_URL: "https://llm.example/v1",
      });
      expect(svc.secrets, s).toContain("openai_api_key");
      // A new key (a new hash) changes the label, so install replaces these containers.
      expect(svc.labels["io.stevie-stack.config-hash"], s).toBe("hash-of-the-key");
    }
    expect(keyed.secrets.openai_api_key).toEqual({ file: "./secrets/openai_api_key" });
    // The migration job embeds through OpenAI: it gets a way out; the API has the edge network's.
    expect(keyed.services.migrate?.networks).toEqual(["data", "egress"]);
    expect(keyed.networks.egress?.internal).toBeUndefined();
    expect(keyed.services.nginx?.secrets ?? []).not.toContain("openai_api_key");
  });
});

describe("data subnet", () => {
  it("picks a stable free /24 and skips taken ones", () => {
    const first = pickSubnet("demo", []);
    expect(first).toMatch(/^10\.213\.\d+\.0\/24$/);
    expect(pickSubnet("demo", [])).toBe(first);
    const next = pickSubnet("demo", [first!]);
    expect(next).not.toBe(first);
    expect(pickSubnet("demo", ["10.213.0.0/16"])).toBeUndefined();
    expect(overlaps("10.213.7.0/24", "10.0.0.0/8")).toBe(true);
    expect(overlaps("10.213.7.0/24", "10.213.8.0/24")).toBe(false);
  });
});

describe("data tier status parsing", () => {
  it("reads patronictl's member list", () => {
    const m = parsePatroniList(
      '[{"Cluster":"stevie","Member":"postgres-1","Host":"postgres-1","Role":"Sync Standby","State":"streaming","TL":2,"Lag in MB":0},{"Member":"postgres-2","Role":"Leader","State":"running","TL":2}]',
    );
    expect(m).toEqual([
      { member: "postgres-1", role: "sync-standby", state: "streaming", timeline: 2, lagMb: 0 },
      { member: "postgres-2", role: "leader", state: "running", timeline: 2, lagMb: undefined },
    ]);
  });

  it("reads a Redis master's replicas and their offsets", () => {
    const info = JSON.stringify(
      "# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=10.213.7.12,port=6379,state=online,offset=900,lag=0\r\nslave1:ip=10.213.7.13,port=6379,state=wait_bgsave,offset=0,lag=1\r\nmaster_repl_offset:1000\r\n",
    );
    const r = parseReplicationInfo(info);
    expect(r.masterOffset).toBe(1000);
    expect(r.replicas).toEqual([
      { ip: "10.213.7.12", state: "online", offset: 900, lagSeconds: 0 },
      { ip: "10.213.7.13", state: "wait_bgsave", offset: 0, lagSeconds: 1 },
    ]);
  });
});

describe("sizing", () => {
  it("gives API containers 1-2 vCPU and 2-4 GB on a standard host", () => {
    const s = sizeStack({ cpus: 8, memBytes: 32 * GiB }, "auto");
    expect(s.profile).toBe("standard");
    expect(s.api.cpus).toBe(2);
    expect(s.api.memoryMb).toBeGreaterThanOrEqual(2048);
    expect(s.api.memoryMb).toBeLessThanOrEqual(4096);
    expect(s.postgres.sharedBuffersMb).toBeLessThan(s.postgres.memoryMb);
    expect(s.redis.maxmemoryMb).toBeLessThan(s.redis.memoryMb);
  });

  it("picks the small profile on a 4 GB host", () => {
    const s = sizeStack({ cpus: 2, memBytes: 4 * GiB }, "auto");
    expect(s.profile).toBe("small");
    expect(s.postgresNodes).toBe(2);
    // Ceilings of the whole default topology (2 API, 2 Postgres, 3 Redis, 3 Sentinels, 3 etcd, HAProxy, nginx).
    const total =
      2 * s.api.memoryMb +
      2 * s.postgres.memoryMb +
      3 * s.redis.memoryMb +
      3 * s.sentinel.memoryMb +
      3 * s.etcd.memoryMb +
      s.haproxy.memoryMb +
      s.nginx.memoryMb;
    expect(total).toBeLessThan(4 * 1024);
  });

  it("offers three Postgres members only on a host with 16 GB and 4 CPUs", () => {
    expect(sizeStack({ cpus: 8, memBytes: 32 * GiB }, "auto").postgresNodes).toBe(3);
    expect(sizeStack({ cpus: 2, memBytes: 24 * GiB }, "auto").postgresNodes).toBe(2);
  });
});

describe("re-running install", () => {
  it("never overwrites a file the operator edited", () => {
    const ours = "generated v1";
    expect(planFile(undefined, ours, undefined)).toBe("created");
    expect(planFile(ours, ours, sha256(ours))).toBe("unchanged");
    expect(planFile(ours, "generated v2", sha256(ours))).toBe("updated");
    expect(planFile("edited by hand", "generated v2", sha256(ours))).toBe("kept-edited");
  });

  it("takes a file that already holds what it generates as its own (stevie.yaml after `config set`)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevie-files-"));
    const paths = stackPaths(dir);
    await applyFiles(paths, [{ path: paths.config, content: "v1" }]);
    // `config set` writes the file itself, then install generates the same text.
    await writeFile(paths.config, "v2");
    expect(await applyFiles(paths, [{ path: paths.config, content: "v2" }])).toEqual({ "stevie.yaml": "unchanged" });
    // A later install with another file replaces it: not mistaken for the operator's edit.
    expect(await applyFiles(paths, [{ path: paths.config, content: "v3" }])).toEqual({ "stevie.yaml": "updated" });
    expect(await readFile(paths.config, "utf8")).toBe("v3");
  });

  it("has nothing to do when files, images and the running stack all match", () => {
    expect(hasChanges({ "compose.yaml": "unchanged" }, [{ action: "keep" }], true, false)).toBe(false);
    expect(hasChanges({ "compose.yaml": "updated" }, [{ action: "keep" }], true, false)).toBe(true);
    expect(hasChanges({ "compose.yaml": "unchanged" }, [{ action: "build" }], true, false)).toBe(true);
    expect(hasChanges({ "compose.yaml": "unchanged" }, [{ action: "keep" }], false, false)).toBe(true);
  });

  it("counts a service healthy only with all its replicas running and healthy", () => {
    const c = (service: string, health: ContainerState["health"], state = "running"): ContainerState => ({
      id: service + health,
      name: service,
      service,
      state,
      health,
      image: "",
      ports: [],
    });
    const s = summarise([c("api", "healthy"), c("api", "starting"), c("nginx", "healthy")], { api: 2, nginx: 1 });
    expect(s.find((x) => x.service === "api")).toMatchObject({ running: 2, healthy: 1 });
    expect(allHealthy(s)).toBe(false);
    expect(
      allHealthy(summarise([c("api", "healthy"), c("api", "healthy"), c("nginx", "healthy")], { api: 2, nginx: 1 })),
    ).toBe(true);
  });

  it("counts a stack as serving when only its API replica count differs from the config (a scale in progress)", () => {
    const c = (service: string, health: ContainerState["health"], n = 0): ContainerState => ({
      id: `${service}${n}`,
      name: service,
      service,
      state: "running",
      health,
      image: "",
      ports: [],
    });
    const two = [c("api", "healthy", 1), c("api", "healthy", 2), c("nginx", "healthy")];
    expect(runningHealthy(summarise(two, { api: 4, nginx: 1 }))).toBe(true);
    expect(allHealthy(summarise(two, { api: 4, nginx: 1 }))).toBe(false);
    expect(runningHealthy(summarise([...two, c("api", "unhealthy", 3)], { api: 4, nginx: 1 }))).toBe(false);
    expect(runningHealthy(summarise([c("api", "healthy")], { api: 2, nginx: 1 }))).toBe(false);
  });
});
