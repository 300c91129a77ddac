import { type StackStatus } from "../../cli/stack/status.js";
import type { OpsState } from "../../cli/stack/ops.js";
import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { parse, stringify } from "yaml";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { inLeader, leaderService } from "../../cli/stack/cluster.js";
import { stackPaths } from "../../cli/stack/paths.js";
import type { StackPlan } from "../../cli/stack/plan.js";
import { MONITORING_SERVICES } from "../../cli/stack/services/monitoring.js";
import { runCli } from "../setup/cli.js";
import { resignShort } from "../setup/test-ca.js";
import { stackFetch, trpcClient } from "../setup/client.js";
import { loginAndAsk } from "../setup/data.js";
import { dockerForwards, openPorts } from "../setup/port-scan.js";
import { waitUntil } from "../setup/wait.js";
import { loadStack, stackTopology } from "../../cli/stack/load.js";
import { compose } from "../../cli/stack/handle.js";
import { Stack } from "../../cli/stack/handle.js";

const stack = inject("stack");
const paths = stackPaths(stack.dir);

describe("installed stack", () => {
  it("answers readiness over HTTPS through nginx with the database and redis up", async () => {
    const res = await stackFetch(stack)(`${stack.baseUrl}/api/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { state: string }> };
    expect(body.status).toBe("ready");
    expect(body.checks.database?.state).toBe("up");
    expect(body.checks.redis?.state).toBe("up");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
  });

  it("serves a tRPC procedure that reads from PostgreSQL 17 with pgvector, and tells the public no server versions", async () => {
    const info = await trpcClient(stack).system.info.query();
    expect(Object.keys(info).sort()).toEqual(["apiVersion", "databaseTime"]);
    expect(Date.parse(info.databaseTime)).toBeGreaterThan(Date.parse("2025-01-01"));
    const q = await inLeader(new Stack(paths, stack.project), [
      "psql",
      "-h",
      "/run/postgresql",
      "-d",
      "stevie",
      "-Atc",
      "SELECT current_setting('server_version'), (SELECT extversion FROM pg_extension WHERE extname = 'vector')",
    ]);
    const [postgres, pgvector] = q.stdout.trim().split("|");
    expect(postgres).toMatch(/^17\./);
    expect(pgvector).toMatch(/^0\.\d+/);
  });

  it("talks TLS to PostgreSQL: every API connection encrypted, the certificate checked against the stack's CA and name", async () => {
    /** Of the sessions matching `where`: how many, how many over TLS, the lowest TLS version. */
    const sessions = async (where: string) => {
      const q = await inLeader(new Stack(paths, stack.project), [
        "psql",
        "-h",
        "/run/postgresql",
        "-d",
        "postgres",
        "-Atc",
        `SELECT count(*), count(*) FILTER (WHERE s.ssl), min(s.version) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE ${where}`,
      ]);
      return q.stdout.trim().split("|");
    };
    const [all, encrypted, version] = await sessions("a.application_name = 'stevie-api'");
    expect(Number(all)).toBeGreaterThan(0);
    expect(encrypted).toBe(all);
    expect(version).toMatch(/^TLSv1\.[23]$/);
    // The PostgreSQL exporter too (verify-full against the CA and HAProxy's name), whenever it holds a session.
    const [monitor, monitorTls] = await waitUntil("a session of the PostgreSQL exporter", 60_000, async () => {
      const found = await sessions("a.usename = 'stevie_monitor'");
      return Number(found[0]) > 0 ? found : undefined;
    });
    expect(monitorTls).toBe(monitor);
    // verify-full from here: the CA in tls/ca.crt and the name HAProxy is reached by; another name is refused.
    const ca = await readFile(join(paths.tls, "ca.crt"), "utf8");
    const secret = async (name: string) => (await readFile(join(paths.secrets, name), "utf8")).trim();
    const login = async (servername: string) =>
      loginAndAsk(
        stack,
        {
          user: await secret("postgres_user"),
          password: await secret("postgres_password"),
          ssl: { ca, servername, rejectUnauthorized: true },
        },
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
      );
    expect(await login("haproxy")).toBe("true");
    expect(await login("db.example.com")).toMatch(/refused: Hostname\/IP does not match certificate's altnames/);
  });

  it("replicates over TLS only: every replica's stream encrypted and its leader checked by address; a plain one refused", async () => {
    const leader = (await leaderService(new Stack(paths, stack.project)))!;
    const topology = await stackTopology((await loadStack(stack.dir)).config);
    const inMember = (member: string, sql: string, conninfo = "host=/run/postgresql dbname=postgres") =>
      compose(paths, stack.project, ["exec", "-T", "-u", "postgres", member, "psql", conninfo, "-Atc", sql], {
        reject: false,
      });
    const streams = await inMember(
      leader,
      "SELECT count(*), count(*) FILTER (WHERE s.ssl) FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)",
    );
    const [all, encrypted] = streams.stdout.trim().split("|");
    expect(Number(all), streams.stdout + streams.stderr).toBe(topology.postgres.length - 1);
    expect(encrypted).toBe(all);
    // What the replicas were told to do: verify-full against the stack's CA.
    const replica = topology.postgres.find((m) => m !== leader)!;
    const conninfo = await inMember(replica, "SELECT conninfo FROM pg_stat_wal_receiver");
    expect(conninfo.stdout).toMatch(/sslmode=verify-full/);
    expect(conninfo.stdout).toMatch(/sslrootcert=\S+/);
    // A replication connection without TLS is refused by the leader before any password is asked for.
    const plain = await inMember(
      replica,
      "IDENTIFY_SYSTEM",
      `host=${topology.postgresIp[leader]} user=replicator replication=true sslmode=disable connect_timeout=5`,
    );
    expect(plain.exitCode).not.toBe(0);
    expect(plain.stderr).toMatch(/no pg_hba\.conf entry for replication connection .*no encryption/);
  });

  it("answers Patroni's REST API only to the stack's certificates, and its unsafe endpoints only to the members (issue 25)", async () => {
    const topology = await stackTopology((await loadStack(stack.dir)).config);
    const leader = (await leaderService(new Stack(paths, stack.project)))!;
    const api = `https://${topology.postgresIp[leader]}:8008`;
    const password = (await readFile(join(paths.secrets, "patroni_api_password"), "utf8")).trim();
    const containers = await docker.listContainers(docker.PROJECT_LABEL, stack.project);
    const inService = (service: string, script: string, user?: string) =>
      run(
        "docker",
        [
          "exec",
          "-i",
          ...(user ? ["-u", user] : []),
          containers.find((c) => c.service === service)!.id,
          "sh",
          "-c",
          script,
        ],
        { input: password, reject: false },
      );
    // An API replica (on the data network, no certificate): neither plain HTTP nor TLS without a certificate gets an
    // answer, even with the server's certificate left unchecked. It prints the status it got, or the error.
    const fromApi = await run(
      "docker",
      [
        "exec",
        containers.find((c) => c.service === "api")!.id,
        "node",
        "-e",
        `const https = require("node:https"), http = require("node:http");
         const get = (m, url, o) => new Promise((ok) => m.get(url, o, (r) => ok(String(r.statusCode))).on("error", (e) => ok(e.code ?? e.message)));
         (async () => console.log(await get(http, ${JSON.stringify(api.replace("https", "http"))} + "/cluster", {}),
           await get(https, ${JSON.stringify(api)} + "/cluster", { rejectUnauthorized: false })))();`,
      ],
      { reject: false },
    );
    const [plain, noCert] = fromApi.stdout.trim().split(" ");
    expect(plain, fromApi.stderr).not.toMatch(/^\d{3}$/);
    expect(noCert, fromApi.stderr).toMatch(/CERTIFICATE_REQUIRED|ECONNRESET|alert/i);
    // HAProxy holds the client certificate its checks present: reads answer; an unsafe call with the right password
    // still gets 403 (the allowlist: members' addresses only).
    const curl = (cert: string[], ...args: string[]) =>
      `curl -s -o /dev/null -w '%{http_code}' --cacert /run/secrets/stack_ca ${cert.join(" ")} ${args.join(" ")}`;
    const client = ["--cert", "/run/secrets/patroni_client"];
    expect((await inService("haproxy", curl(client, `${api}/cluster`))).stdout).toBe("200");
    const fromHaproxy = await inService("haproxy", curl(client, `-u "patroni:$(cat)" -X POST ${api}/reload`));
    expect(fromHaproxy.stdout, fromHaproxy.stderr).toBe("403");
    // A member, with its own certificate and the password: allowed (POST /reload re-reads the leader's configuration
    // and changes nothing else).
    const member = ["--cert", "/run/patroni/server.crt", "--key", "/run/patroni/server.key"];
    const replica = topology.postgres.find((m) => m !== leader)!;
    const fromMember = await inService(replica, curl(member, `-u "patroni:$(cat)" -X POST ${api}/reload`), "postgres");
    expect(fromMember.stdout.trim(), fromMember.stderr).toMatch(/^20[02]$/);
  });

  it("keeps every Patroni logged in to etcd after install turned etcd's authentication on (no etcd error in 10 s)", async () => {
    const topology = await stackTopology((await loadStack(stack.dir)).config);
    for (const member of topology.postgres) {
      const c = (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).find((x) => x.service === member)!;
      const r = await run("docker", ["logs", "--since", "10s", c.id], { reject: false });
      const etcdErrors = `${r.stdout}\n${r.stderr}`
        .split("\n")
        .filter((l) => /etcd3\.\w+Error|InvalidArgument|Invalid auth token/.test(l));
      expect(etcdErrors, member).toEqual([]);
    }
  });

  it("lets Redis evict only keys with a TTL (cached answers), never the rate-limit counters, on every member", async () => {
    const password = (await readFile(join(paths.secrets, "redis_password"), "utf8")).trim();
    for (const service of ["redis-1", "redis-2", "redis-3"]) {
      const r = await compose(paths, stack.project, ["exec", "-T", service, "stevie-redis-cli"], {
        input: `AUTH ${password}\nCONFIG GET maxmemory-policy\n`,
        timeoutMs: 30_000,
      });
      expect(r.stdout, service).toMatch(/maxmemory-policy\s+volatile-lru/);
    }
  });

  it("talks to Redis and the Sentinels over TLS only: no plaintext answer, replicas and Sentinels linked all the same (issue 25)", async () => {
    const password = (await readFile(join(paths.secrets, "redis_password"), "utf8")).trim();
    const inRedis1 = (args: string[], input?: string) =>
      compose(paths, stack.project, ["exec", "-T", "redis-1", ...args], {
        reject: false,
        timeoutMs: 30_000,
        ...(input === undefined ? {} : { input }),
      }).then((r) => `${r.stdout}${r.stderr}`);
    const targets = [
      ...["redis-1", "redis-2", "redis-3"].map((h) => [h, "6379"]),
      ...["sentinel-1", "sentinel-2", "sentinel-3"].map((h) => [h, "26379"]),
    ];
    for (const [host, port] of targets) {
      // Plain redis-cli: the TLS port answers it with nothing a client could use, not even a password prompt.
      expect(await inRedis1(["redis-cli", "-h", host!, "-p", port!, "PING"]), `${host} plaintext`).not.toMatch(
        /PONG|NOAUTH/,
      );
      // Over TLS, the certificate checked against the stack's CA: the password, then an answer.
      expect(await inRedis1(["stevie-redis-cli", "-h", host!, "-p", port!], `AUTH ${password}\nPING\n`), host).toMatch(
        /OK\s+PONG/,
      );
    }
    // With no plaintext port anywhere, these links are TLS: the master has its two replicas, a Sentinel its peers.
    const master = await inRedis1(
      ["stevie-redis-cli", "-h", "sentinel-1", "-p", "26379"],
      `AUTH ${password}\nSENTINEL MASTER stevie\n`,
    );
    expect(master).toMatch(/num-slaves\s+2\s/);
    expect(master).toMatch(/num-other-sentinels\s+2\s/);
    expect(master).toMatch(/flags\s+master\s/);
  });

  it("lets clients download the local CA's certificate, and nothing else of the TLS directory", async () => {
    const ca = await readFile(stack.caFile, "utf8");
    for (const base of [`http://127.0.0.1:${stack.httpPort}`, stack.baseUrl]) {
      const res = await stackFetch(stack)(`${base}/ca.crt`);
      expect(res.status, base).toBe(200);
      expect(await res.text()).toBe(ca);
      expect((await stackFetch(stack)(`${base}/ca.key`, { redirect: "manual" })).status, base).not.toBe(200);
    }
    // nginx holds only what it serves: no CA key and no PostgreSQL key inside its container, even for its root master.
    const inNginx = await compose(paths, stack.project, ["exec", "-T", "nginx", "ls", "/etc/stevie/tls"]);
    expect(inNginx.stdout.trim().split("\n").sort()).toEqual(["ca.crt", "server.crt", "server.key"]);
  });

  it("redirects plain HTTP to HTTPS on the configured port", async () => {
    const res = await fetch(`http://127.0.0.1:${stack.httpPort}/api/health/live`, { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(`https://127.0.0.1:${stack.httpsPort}/api/health/live`);
  });

  it("does not expose /metrics or paths outside /api/ through nginx", async () => {
    const f = stackFetch(stack);
    expect((await f(`${stack.baseUrl}/metrics`)).status).toBe(404);
    expect((await f(`${stack.baseUrl}/index.html`)).status).toBe(404);
    expect((await f(`${stack.baseUrl}/.env`)).status).toBe(403);
  });

  it("reports every service healthy in status --json", async () => {
    const r = await runCli(["status", "--json", "--dir", stack.dir]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as StackStatus;
    expect(s.healthy).toBe(true);
    expect(s.services.map((x) => x.service).sort()).toEqual(
      [
        "api",
        "etcd-1",
        "etcd-2",
        "etcd-3",
        "haproxy",
        "nginx",
        "postgres-1",
        "postgres-2",
        "redis-1",
        "redis-2",
        "redis-3",
        "sentinel-1",
        "sentinel-2",
        "sentinel-3",
        "ops",
        ...MONITORING_SERVICES,
      ].sort(),
    );
    // The data tier as Patroni and Sentinel see it: one leader and a synchronous standby; a master, two replicas, quorum.
    expect(s.dataTier.postgres.members.map((m) => m.role).sort()).toEqual(["leader", "sync-standby"]);
    expect(s.dataTier.postgres.members.find((m) => m.role === "sync-standby")?.state).toBe("streaming");
    expect(s.dataTier.redis.nodes.map((n) => n.role).sort()).toEqual(["master", "replica", "replica"]);
    expect(s.dataTier.redis.quorum).toMatch(/^OK 3 usable Sentinels/);
    for (const svc of s.services) expect(svc.healthy).toBe(svc.expected);
    expect(s.services.find((x) => x.service === "api")?.expected).toBe(2);
    // Each image the stack runs, and when it was built (doctor warns past 30 days; issue 29, point 6).
    expect(s.images.map((i) => i.ref.split(":")[0]).sort()).toEqual(
      ["api", "etcd", "haproxy", "monitoring", "nginx", "ops", "postgres", "redis"].map((n) => `stevie-stack/${n}`),
    );
    for (const i of s.images) expect(Date.parse(i.built!)).toBeLessThanOrEqual(Date.now());
  });

  it("plans a refresh of every image without changing anything (upgrade --refresh --dry-run)", async () => {
    const r = await runCli(["upgrade", "--refresh", "--dry-run", "--json", "--dir", stack.dir]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { status: string; images: { ref: string; action: string }[]; files: string[] };
    expect(plan.status).toBe("dry-run");
    expect(plan.images).toHaveLength(8);
    expect(plan.images.filter((i) => i.action !== "build")).toEqual([]);
    expect(plan.files).toContain("compose.yaml");
    const text = await runCli(["status", "--dir", stack.dir]);
    expect(text.stdout).toMatch(/^Images: 8, the oldest built \d{4}-\d{2}-\d{2} \((today|1 day ago|\d+ days ago)\)$/m);
  });

  it("shows a service's logs, and names the services when asked for one that does not exist", async () => {
    const r = await runCli(["logs", "haproxy", "postgres-1", "--tail", "20", "--dir", stack.dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/haproxy-1\s+\| \d{4}-\d{2}-\d{2}T/);
    expect(r.stdout).toMatch(/postgres-1-1\s+\| /);
    const bad = await runCli(["logs", "mysql", "--dir", stack.dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no service mysql in this stack/);
    expect(bad.stderr).toMatch(/services: .*sentinel-1/);
  });

  it("confines every container: no capability but the listed ones, read-only root, no new privileges, a pids limit, services not as root", async () => {
    // The hardening table (docs/design.md): the capabilities each service adds back to none, and why (see
    // cli/stack/services/). Every other service runs with none at all.
    const dropsToUser = ["KILL", "SETGID", "SETUID"];
    const capabilities: Record<string, string[]> = {
      nginx: ["CHOWN", ...dropsToUser],
      api: dropsToUser,
      migrate: dropsToUser,
      postgres: ["CHOWN", "DAC_OVERRIDE", "FOWNER", ...dropsToUser],
      redis: ["CHOWN", "DAC_OVERRIDE", ...dropsToUser],
      sentinel: ["CHOWN", "DAC_OVERRIDE", ...dropsToUser],
      // The suite installs as root: the ops service keeps what install needs of root's power over the stack's files.
      ops: ["CHOWN", "DAC_OVERRIDE", "FOWNER"],
    };
    // The processes that do the work (not the init or the entrypoint that starts them) and must not be root.
    const workers: Record<string, RegExp> = {
      nginx: /^nginx$/, // the workers (the master stays root to reread the keys on a reload)
      api: /^(node|MainThread)$/, // Node names its main thread
      postgres: /^(postgres|patroni)$/,
      redis: /^redis-server$/,
      sentinel: /^redis-(server|sentinel)$/,
      etcd: /^etcd$/,
      haproxy: /^haproxy$/,
      prometheus: /^prometheus$/,
      "node-exporter": /^prometheus-node/,
    };
    const containers = await docker.listContainers(docker.PROJECT_LABEL, stack.project);
    expect(containers.length).toBeGreaterThan(20);
    const seen = new Set<string>();
    for (const c of containers) {
      const kind = c.service.replace(/-\d+$/, "");
      seen.add(kind);
      const [info] = JSON.parse((await run("docker", ["inspect", c.id])).stdout) as {
        HostConfig: {
          CapDrop: string[] | null;
          CapAdd: string[] | null;
          ReadonlyRootfs: boolean;
          SecurityOpt: string[] | null;
          PidsLimit: number | null;
        };
      }[];
      const h = info!.HostConfig;
      expect(h.CapDrop, c.name).toEqual(["ALL"]);
      expect([...(h.CapAdd ?? [])].map((x) => x.replace(/^CAP_/, "")).sort(), c.name).toEqual(
        [...(capabilities[kind] ?? [])].sort(),
      );
      expect(h.ReadonlyRootfs, c.name).toBe(true);
      expect(h.SecurityOpt, c.name).toContain("no-new-privileges:true");
      expect(h.PidsLimit ?? 0, c.name).toBeGreaterThan(0);
      if (c.state !== "running" || !workers[kind]) continue;
      const top = await run("docker", ["top", c.id, "-eo", "pid,uid,comm"]);
      const procs = top.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.trim().split(/\s+/));
      const working = procs.filter(([, , comm]) => workers[kind]!.test(comm ?? ""));
      expect(working.length, `${c.name}: ${top.stdout}`).toBeGreaterThan(0);
      // nginx's master is root by design; every other matching process, and every nginx worker, is not.
      const rootWorkers = working.filter(([, uid]) => uid === "0");
      expect(rootWorkers.length, `${c.name}: ${top.stdout}`).toBe(kind === "nginx" ? 1 : 0);
    }
    expect([...seen].sort()).toEqual(
      expect.arrayContaining(["api", "etcd", "haproxy", "nginx", "postgres", "redis", "sentinel"]),
    );
  });

  it("publishes ports only from nginx, and only on the configured address", async () => {
    const all = await docker.listContainers(docker.PROJECT_LABEL, stack.project);
    // The migrate job ran once and exited cleanly; everything else runs.
    expect(all.filter((c) => c.service === "migrate").map((c) => c.state)).toEqual(["exited"]);
    const containers = all.filter((c) => c.service !== "migrate");
    expect(containers.length).toBe(16 + MONITORING_SERVICES.length);
    for (const c of containers) {
      if (c.service === "nginx") {
        expect(c.ports.map((p) => p.host).sort()).toEqual([stack.httpPort, stack.httpsPort].sort());
        for (const p of c.ports) expect(p.ip).toBe("127.0.0.1");
      } else {
        expect(c.ports).toEqual([]);
      }
    }
  });

  it(
    "shows a port scan of the host's addresses and the stack's bridges nothing of the stack but nginx's two ports",
    { timeout: 300_000 },
    async () => {
      // The host's own addresses and this stack's bridges. Other bridges (other stacks, the suite's services) add
      // nothing: a port published on every address shows on these too, and this stack publishes on no other bridge.
      const own = new Set(
        (
          await run("docker", [
            "network",
            "ls",
            "-q",
            "--no-trunc",
            "--filter",
            `label=${docker.PROJECT_LABEL}=${stack.project}`,
          ])
        ).stdout
          .split("\n")
          .filter(Boolean)
          .map((id) => `br-${id.slice(0, 12)}`),
      );
      const interfaces = Object.entries(networkInterfaces()).filter(
        ([name]) => !/^(br-|docker|veth)/.test(name) || own.has(name),
      );
      const addresses = [
        "127.0.0.1",
        ...interfaces.flatMap(([, list]) =>
          (list ?? []).filter((a) => a.family === "IPv4" && !a.internal).map((a) => a.address),
        ),
      ];
      expect(addresses.length).toBeGreaterThanOrEqual(3); // loopback, the host's address, at least the edge bridge
      const forwards = dockerForwards((await run("ps", ["-eo", "args"])).stdout);
      const serviceAt = new Map<string, string>();
      for (const c of await docker.listContainers(docker.PROJECT_LABEL, stack.project))
        for (const a of Object.values(await docker.containerAddresses(c.id))) serviceAt.set(a, c.service);
      const intoStack: string[] = [];
      for (const address of addresses) {
        const open = await openPorts(address);
        // The data tier's own ports answer on no address of the host (nothing else here listens on them either).
        expect(
          open.filter((p) => [2379, 2380, 3000, 5432, 5433, 6379, 8008, 9090, 9093, 26379].includes(p)),
          address,
        ).toEqual([]);
        for (const port of open) {
          const f = forwards.find((x) => x.hostPort === port && (x.hostIp === address || x.hostIp === "0.0.0.0"));
          const service = f && serviceAt.get(f.containerIp);
          if (service) intoStack.push(`${address}:${port} ${service}`);
        }
      }
      // Of everything open on the host, what leads into this stack: nginx's two ports, on the configured address only.
      expect(intoStack.sort()).toEqual(
        [`127.0.0.1:${stack.httpPort} nginx`, `127.0.0.1:${stack.httpsPort} nginx`].sort(),
      );
    },
  );

  it("keeps generated secrets 0600 and the real nginx accepts its config", async () => {
    for (const name of ["postgres_password", "postgres_monitor_password", "redis_password", "session_key"]) {
      const s = await stat(join(paths.secrets, name));
      expect(s.mode & 0o777).toBe(0o600);
    }
    expect((await stat(join(paths.tls, "server.key"))).mode & 0o777).toBe(0o600);
    const t = await compose(paths, stack.project, ["exec", "-T", "nginx", "nginx", "-t"], { reject: false });
    expect(t.exitCode, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/syntax is ok/);
  });

  it("never shows a secret in docker inspect or in any container's logs", async () => {
    const secrets = await Promise.all(
      ["postgres_password", "postgres_monitor_password", "redis_password", "session_key"].map(async (n) =>
        (await readFile(join(paths.secrets, n), "utf8")).trim(),
      ),
    );
    expect(secrets.every((s) => /^[0-9a-f]{64}$/.test(s))).toBe(true);
    for (const c of await docker.listContainers(docker.PROJECT_LABEL, stack.project)) {
      const { env, cmd } = await docker.containerConfig(c.id);
      const logs = await docker.containerLogs(c.id, 5_000);
      for (const s of secrets) {
        expect(env.join("\n").includes(s), `${c.name} env`).toBe(false);
        expect(cmd.join(" ").includes(s), `${c.name} command`).toBe(false);
        expect(logs.includes(s), `${c.name} logs`).toBe(false);
      }
    }
  });

  it("changes nothing when install runs again, and says so: --json keeps stdout for the JSON, progress one line per change", async () => {
    const before = await docker.listContainers(docker.PROJECT_LABEL, stack.project);
    const r = await runCli(["install", "--non-interactive", "--json", "--dir", stack.dir], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { changes: boolean; url: string };
    expect(plan.changes).toBe(false);
    expect(plan.url).toMatch(/^https:\/\//);
    // The progress went to stderr, without a terminal one line per change: no line follows an identical one.
    const progress = r.stderr.split("\n").filter(Boolean);
    expect(progress.some((l) => l.includes("Wait for every service to be healthy"))).toBe(true);
    expect(progress.filter((l, i) => l === progress[i - 1])).toEqual([]);
    const after = await docker.listContainers(docker.PROJECT_LABEL, stack.project);
    expect(after.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
  });

  it(
    "plans before it applies: a dry run says nothing to do, then names exactly what install recreates after a change (issue 26)",
    { timeout: 480_000 },
    async () => {
      const running = async () =>
        new Map(
          (await docker.listContainers(docker.PROJECT_LABEL, stack.project))
            .filter((c) => c.state === "running")
            .map((c) => [c.id, c.service]),
        );
      const dryRun = async (configFile: string) => {
        const args = ["install", "--non-interactive", "--dry-run", "--json", "--config", configFile];
        const r = await runCli([...args, "--dir", stack.dir], { timeoutMs: 180_000 });
        expect(r.code, r.stderr).toBe(0);
        return (JSON.parse(r.stdout) as { plan: StackPlan }).plan;
      };
      const dir = await mkdtemp(join(tmpdir(), "stevie-plan-"));
      const original = join(dir, "original.yaml");
      await writeFile(original, await readFile(paths.config, "utf8"));
      const composeBefore = await readFile(paths.compose, "utf8");
      const before = await running();
      // The stack as installed: nothing to do, in JSON and for a person.
      const idle = await dryRun(original);
      expect(idle.changes, JSON.stringify(idle)).toBe(false);
      expect(idle.services).toEqual({ recreate: [], start: [], remove: [] });
      const text = await runCli(["install", "--non-interactive", "--dry-run", "--dir", stack.dir]);
      expect(text.stdout).toContain("Nothing to do");
      // Alerts to a webhook: Alertmanager's config changes, and with it that one service.
      const changed = join(dir, "changed.yaml");
      const config = parse(await readFile(original, "utf8")) as { monitoring?: Record<string, unknown> };
      config.monitoring = { ...config.monitoring, alerts: { webhookUrl: "http://127.0.0.1:9/stevie-plan-test" } };
      await writeFile(changed, stringify(config));
      const plan = await dryRun(changed);
      expect(plan.services).toEqual({ recreate: ["alertmanager"], start: [], remove: [] });
      expect(plan.files["monitoring/alertmanager.yml"]).toBe("updated");
      expect(plan.files["compose.yaml"]).toBe("updated");
      // The dry runs applied nothing.
      expect(await readFile(paths.compose, "utf8")).toBe(composeBefore);
      expect([...(await running()).keys()].sort()).toEqual([...before.keys()].sort());
      try {
        const r = await runCli(["install", "--non-interactive", "--config", changed, "--dir", stack.dir], {
          timeoutMs: 300_000,
        });
        expect(r.code, r.stderr).toBe(0);
        const after = await running();
        const replaced = [...before].filter(([id]) => !after.has(id)).map(([, service]) => service);
        expect(replaced).toEqual(plan.services.recreate);
      } finally {
        const back = await runCli(["install", "--non-interactive", "--config", original, "--dir", stack.dir], {
          timeoutMs: 300_000,
        });
        expect(back.code, back.stderr).toBe(0);
      }
    },
  );

  it(
    "renews a certificate of the stack's CA near its expiry by itself: doctor warns, the ops service issues it again and recreates exactly the containers that present it (issue 29)",
    { timeout: 480_000 },
    async () => {
      const redisNodes = ["redis-1", "redis-2", "redis-3", "sentinel-1", "sentinel-2", "sentinel-3"];
      const ops = `${stack.project}-ops-1`;
      // Frozen while the certificate is made short, so that its own 10-minute look cannot come first.
      await run("docker", ["pause", ops]);
      // Redis's certificate as it would be 377 days after install: the same key and CA, 20 days left.
      await resignShort(paths.tls, "redis", 20);
      const doctor = await runCli(["doctor", "--json", "--dir", stack.dir], { timeoutMs: 170_000 });
      const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; status: string; found: string }[] })
        .checks;
      expect(checks.find((c) => c.name === "service certificates")).toMatchObject({
        status: "warn",
        found: expect.stringMatching(/redis's, on .* \(20 days\)/),
      });
      const dry = await runCli(["install", "--non-interactive", "--dry-run", "--json", "--dir", stack.dir]);
      expect(dry.code, dry.stderr).toBe(0);
      const plan = (JSON.parse(dry.stdout) as { plan: StackPlan }).plan;
      expect(plan.certificates).toEqual(["redis"]);
      expect(plan.services.recreate).toEqual(redisNodes);
      const before = await docker.listContainers(docker.PROJECT_LABEL, stack.project);
      const asked = new Date().toISOString();
      await run("docker", ["unpause", ops]);
      // SIGHUP: look now rather than at the next 10-minute mark.
      await run("docker", ["kill", "--signal", "HUP", ops]);
      const renewed = await waitUntil("the ops service to renew Redis's certificate", 300_000, async () => {
        const r = (JSON.parse(await readFile(join(paths.state, "ops.json"), "utf8")) as OpsState).renewed;
        return r && r.at > asked ? r : undefined;
      });
      expect(renewed).toMatchObject({ certificates: ["redis"], ok: true });
      const after = new Set((await docker.listContainers(docker.PROJECT_LABEL, stack.project)).map((c) => c.id));
      expect(
        before
          .filter((c) => !after.has(c.id))
          .map((c) => c.service)
          .sort(),
      ).toEqual(redisNodes);
      const audit = await runCli(["audit", "--action", "renew-certificates", "--json", "--dir", stack.dir]);
      expect(JSON.parse(audit.stdout)).toContainEqual(
        expect.objectContaining({ actor: "ops-service", details: { certificates: ["redis"] } }),
      );
      const status = await runCli(["status", "--dir", stack.dir]);
      expect(status.stdout).toMatch(/last renewal: .* redis \(done\)/);
      // What each Redis and Sentinel serves now (asked from an API replica, on the data network): the new certificate.
      for (const [i, host] of redisNodes.entries()) {
        const port = i < 3 ? 6379 : 26379;
        const probe = `const s=require("tls").connect({host:"${host}",port:${port},rejectUnauthorized:false},()=>{console.log(s.getPeerCertificate().valid_to);s.end()})`;
        const served = await compose(paths, stack.project, ["exec", "-T", "api", "node", "-e", probe], {
          timeoutMs: 30_000,
        });
        const days = (Date.parse(served.stdout.trim()) - Date.now()) / 86_400_000;
        expect(days, `${host}: ${served.stdout}`).toBeGreaterThan(390);
      }
      // Prometheus's view (node-exporter's textfile): every certificate of the stack, Redis's a year out again.
      const prom = await readFile(join(stack.dir, "monitoring/textfile/cli.prom"), "utf8");
      const expiry = (c: string) => Number(prom.match(new RegExp(`certificate="${c}"} (\\d+)`))?.[1]);
      for (const c of ["server", "postgres", "etcd", "redis", "patroni-client"])
        expect(expiry(c) * 1000 - Date.now(), c).toBeGreaterThan(300 * 86_400_000);
    },
  );

  it(
    "runs the autoscaler by itself once api.autoscale is on: a decision every round, from Prometheus's figures, shown by status (issue 29)",
    { timeout: 300_000 },
    async () => {
      const set = (on: boolean) =>
        runCli(["config", "set", "api.autoscale", String(on), "--dir", stack.dir], { timeoutMs: 240_000 });
      const r = await set(true);
      expect(r.code, r.stderr).toBe(0);
      try {
        const since = new Date().toISOString();
        // SIGHUP: the next round now, not up to 30 s from now.
        await run("docker", ["kill", "--signal", "HUP", `${stack.project}-ops-1`]);
        const decided = await waitUntil("the ops service's first autoscaler decision", 90_000, async () => {
          const a = (JSON.parse(await readFile(join(paths.state, "ops.json"), "utf8")) as OpsState).autoscale;
          return a && a.at > since ? a : undefined;
        });
        // The suite's load comes and goes: whatever the decision, it is one made from the replicas' figures, at 2.
        expect(decided).toMatchObject({ from: 2, capped: false });
        expect(decided.reason).toMatch(/load within the thresholds|not enough history yet|quiet|under load/);
        const status = await runCli(["status", "--json", "--dir", stack.dir]);
        expect((JSON.parse(status.stdout) as StackStatus).ops).toMatchObject({
          autoscale: "on",
          state: { autoscale: { from: 2 } },
          nextRenewal: { certificate: expect.any(String) },
        });
      } finally {
        const off = await set(false);
        expect(off.code, off.stderr).toBe(0);
      }
    },
  );

  it("keeps the stack directory's history in git, without secrets", async () => {
    const h = await runCli(["history", "--json", "--dir", stack.dir]);
    expect(h.code, h.stderr).toBe(0);
    const commits = JSON.parse(h.stdout) as { id: string; message: string }[];
    expect(commits.at(-1)?.message).toMatch(/^install \d+\.\d+\.\d+/);
    const files = (await run("git", ["-C", stack.dir, "ls-files"])).stdout.split("\n");
    expect(files).toContain("stevie.yaml");
    expect(files).toContain("compose.yaml");
    expect(files.filter((f) => f.startsWith("secrets/") || f.endsWith(".key"))).toEqual([]);
  });

  it("writes a support bundle with no secret in it", { timeout: 180_000 }, async () => {
    const out = join(await mkdtemp(join(tmpdir(), "stevie-bundle-test-")), "bundle.tar.gz");
    const r = await runCli(["doctor", "--bundle", out, "--json", "--dir", stack.dir], { timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(r.stdout) as { file: string; entries: string[]; redactions: number };
    expect(b.file).toBe(out);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    for (const e of [
      "doctor.json",
      "status.json",
      "config.yaml",
      "containers.txt",
      "host.txt",
      "stack/compose.yaml",
      "stack/nginx/nginx.conf",
    ])
      expect(b.entries).toContain(e);
    expect(b.entries.filter((e) => e.startsWith("logs/")).length).toBeGreaterThan(10);
    const listing = await run("tar", ["-xzf", out, "-C", dirname(out)]);
    expect(listing.exitCode).toBe(0);
    const unpacked = join(dirname(out), `stevie-support-${stack.project}`);
    // postgres_user names the database role in use ("stevie"), which is no secret.
    const secrets = await Promise.all(
      (await readdir(paths.secrets))
        .filter((n) => n !== "postgres_user")
        .map(async (n) => (await readFile(join(paths.secrets, n), "utf8")).trim()),
    );
    const all = (await run("sh", ["-c", `cat $(find "${unpacked}" -type f)`])).stdout;
    expect(all.length).toBeGreaterThan(10_000);
    for (const s of secrets) expect(all.includes(s)).toBe(false);
    expect(JSON.parse(await readFile(join(unpacked, "status.json"), "utf8"))).toHaveProperty("services");
  });
});
