import { cpus, totalmem } from "node:os";
import { readFile, statfs } from "node:fs/promises";
import { dirname } from "node:path";
import { existsSync } from "node:fs";
import { parseVersion, versionAtLeast } from "./version.js";
import { portIsFree, whoListensOn } from "./ports.js";
import { Engine, host } from "../stack/handle.js";
import { PROJECT_LABEL } from "../labels.js";

/** What preflight found on the host: gathered once, then judged by a pure function. */
export interface HostFacts {
  os: { id: string; codename: string; like: string[] };
  isRoot: boolean;
  dockerCli: boolean;
  engine: { reachable: boolean; version?: string };
  compose: { version?: string };
  cpus: number;
  memBytes: number;
  disk: { path: string; freeBytes: number };
  ports: PortFact[];
  openssl: boolean;
}

export interface PortFact {
  port: number;
  free: boolean;
  /** e.g. "nginx (pid 123)" or "container stevie-nginx-1" */
  holder?: string;
  /** Held by a container of the stack being installed: fine on a re-run. */
  ownStack?: boolean;
}

export type CheckStatus = "ok" | "warn" | "fail";
export interface CheckResult {
  name: string;
  status: CheckStatus;
  expected: string;
  found: string;
  fix?: string;
}

export const MIN_ENGINE: [number, number, number] = [20, 10, 0];
export const MIN_COMPOSE: [number, number, number] = [2, 20, 0];
const GiB = 1024 ** 3;

export async function readOsRelease(): Promise<HostFacts["os"]> {
  const text = await readFile("/etc/os-release", "utf8").catch(() => "");
  const get = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?$`, "m").exec(text)?.[1] ?? "";
  return { id: get("ID"), codename: get("VERSION_CODENAME"), like: get("ID_LIKE").split(/\s+/).filter(Boolean) };
}

export async function composeVersion(): Promise<string | undefined> {
  const r = await new Engine()
    .docker(["compose", "version", "--short"], { reject: false, timeoutMs: 30_000 })
    .catch(() => undefined);
  if (!r || r.exitCode !== 0) return undefined;
  return r.stdout.trim().replace(/^v/, "");
}

async function nearestExisting(path: string): Promise<string> {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

export async function probeHost(opts: {
  dir: string;
  ports: number[];
  bindAddress: string;
  projectName?: string;
}): Promise<HostFacts> {
  const dockerCli = await host.which("docker");
  const dockerEngine = new Engine();
  const reachable = await dockerEngine.ping();
  const engine: HostFacts["engine"] = { reachable };
  if (reachable) engine.version = (await dockerEngine.version()).version;
  const compose: HostFacts["compose"] = {};
  if (dockerCli) compose.version = await composeVersion();
  const diskPath = await nearestExisting(opts.dir);
  const fs = await statfs(diskPath);
  const ports: PortFact[] = [];
  for (const port of opts.ports) {
    const free = await portIsFree(port, opts.bindAddress);
    const fact: PortFact = { port, free };
    if (!free) {
      const container = reachable ? await dockerEngine.publishing(port).catch(() => undefined) : undefined;
      if (container) {
        const labels: Record<string, string> = container.labels;
        fact.holder = `container ${container.name}`;
        fact.ownStack = opts.projectName !== undefined && labels[PROJECT_LABEL] === opts.projectName;
      } else {
        const p = await whoListensOn(port);
        fact.holder = p ? `${p.command} (pid ${p.pid})` : "another process";
      }
    }
    ports.push(fact);
  }
  return {
    os: await readOsRelease(),
    isRoot: process.getuid?.() === 0,
    dockerCli,
    engine,
    compose,
    cpus: cpus().length,
    memBytes: totalmem(),
    disk: { path: diskPath, freeBytes: Number(fs.bavail) * Number(fs.bsize) },
    ports,
    openssl: await host.which("openssl"),
  };
}

const gib = (n: number) => `${(n / GiB).toFixed(1)} GiB`;

/** Judge the host. Pure: every verdict says what was expected, what was found, and the fix. */
export function evaluatePreflight(f: HostFacts): CheckResult[] {
  return [...dockerChecks(f), ...resourceChecks(f), ...portChecks(f), ...toolChecks(f)];
}

/** Docker: the CLI, an engine new enough, the compose plugin. */
function dockerChecks(f: HostFacts): CheckResult[] {
  const out: CheckResult[] = [];
  const installHint =
    "run `stevie-stack host prepare --yes` as root on Debian/Ubuntu, or install Docker Engine and its compose plugin";
  out.push(
    f.dockerCli
      ? { name: "docker cli", status: "ok", expected: "docker on PATH", found: "found" }
      : { name: "docker cli", status: "fail", expected: "docker on PATH", found: "not found", fix: installHint },
  );
  if (!f.engine.reachable) {
    out.push({
      name: "docker engine",
      status: "fail",
      expected: `Docker Engine ${MIN_ENGINE.join(".")} or newer, reachable at /var/run/docker.sock`,
      found: "no engine answered",
      fix: f.dockerCli
        ? "start the daemon (`systemctl start docker`, or `stevie-stack host prepare --yes`)"
        : installHint,
    });
  } else {
    const v = parseVersion(f.engine.version ?? "");
    const good = v !== undefined && versionAtLeast(v, MIN_ENGINE);
    out.push({
      name: "docker engine",
      status: good ? "ok" : "fail",
      expected: `${MIN_ENGINE.join(".")} or newer`,
      found: f.engine.version ?? "unknown",
      ...(good ? {} : { fix: "upgrade Docker Engine" }),
    });
  }
  const cv = f.compose.version ? parseVersion(f.compose.version) : undefined;
  if (!f.compose.version || !cv) {
    out.push({
      name: "docker compose",
      status: "fail",
      expected: `compose v2 plugin ${MIN_COMPOSE.join(".")} or newer (\`docker compose\`)`,
      found: "not installed",
      fix: "install the compose plugin (Debian trixie: `apt-get install docker-compose`; or `stevie-stack host prepare --yes`)",
    });
  } else {
    const good = versionAtLeast(cv, MIN_COMPOSE);
    out.push({
      name: "docker compose",
      status: good ? "ok" : "fail",
      expected: `${MIN_COMPOSE.join(".")} or newer`,
      found: f.compose.version,
      ...(good
        ? {}
        : { fix: `install Docker Compose ${MIN_COMPOSE.join(".")} or newer as the \`docker compose\` plugin` }),
    });
  }
  return out;
}

/** CPUs, memory and disk for the stack. */
function resourceChecks(f: HostFacts): CheckResult[] {
  const out: CheckResult[] = [];
  out.push({
    name: "cpus",
    status: f.cpus >= 2 ? "ok" : "warn",
    expected: "2 or more",
    found: String(f.cpus),
    ...(f.cpus >= 2 ? {} : { fix: "give the VM at least 2 vCPUs; the stack will run slowly" }),
  });
  const memStatus: CheckStatus = f.memBytes < 2 * GiB ? "fail" : f.memBytes < 4 * GiB ? "warn" : "ok";
  out.push({
    name: "memory",
    status: memStatus,
    expected: "4 GiB or more (2 GiB minimum, with the small profile)",
    found: gib(f.memBytes),
    ...(memStatus === "ok"
      ? {}
      : {
          fix: memStatus === "fail" ? "give the VM at least 2 GiB of RAM" : "set resources.profile: small, or add RAM",
        }),
  });
  const diskStatus: CheckStatus = f.disk.freeBytes < 5 * GiB ? "fail" : f.disk.freeBytes < 20 * GiB ? "warn" : "ok";
  out.push({
    name: "disk",
    status: diskStatus,
    expected: `20 GiB free at ${f.disk.path} (5 GiB minimum)`,
    found: `${gib(f.disk.freeBytes)} free`,
    ...(diskStatus === "ok"
      ? {}
      : { fix: "free space or grow the disk holding the stack directory and /var/lib/docker" }),
  });
  return out;
}

/** The HTTP and HTTPS ports: free, or held by this stack. */
function portChecks(f: HostFacts): CheckResult[] {
  const out: CheckResult[] = [];
  for (const p of f.ports) {
    if (p.free || p.ownStack) {
      out.push({
        name: `port ${p.port}`,
        status: "ok",
        expected: "free",
        found: p.free ? "free" : `held by this stack (${p.holder})`,
      });
    } else {
      out.push({
        name: `port ${p.port}`,
        status: "fail",
        expected: "free",
        found: `in use by ${p.holder ?? "another process"}`,
        fix: `stop ${p.holder ?? "the process holding it"}, or choose another port (network.httpPort / network.httpsPort, or --http-port / --https-port)`,
      });
    }
  }
  return out;
}

/** openssl, which makes the certificates. */
function toolChecks(f: HostFacts): CheckResult[] {
  const out: CheckResult[] = [];
  out.push(
    f.openssl
      ? { name: "openssl", status: "ok", expected: "openssl on PATH", found: "found" }
      : {
          name: "openssl",
          status: "fail",
          expected: "openssl on PATH (for the certificates)",
          found: "not found",
          fix: "apt-get install openssl",
        },
  );
  return out;
}

export function renderChecks(checks: CheckResult[]): string {
  const mark = { ok: "ok  ", warn: "WARN", fail: "FAIL" } as const;
  return checks
    .map((c) => {
      const head = `[${mark[c.status]}] ${c.name}: ${c.found}`;
      if (c.status === "ok") return head;
      return `${head}\n       expected: ${c.expected}${c.fix ? `\n       fix: ${c.fix}` : ""}`;
    })
    .join("\n");
}
