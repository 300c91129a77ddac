import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { waitFor } from "../wait.js";
import { composeVersion, MIN_COMPOSE, readOsRelease } from "./preflight.js";
import { parseVersion, versionAtLeast } from "./version.js";
import { Engine, host } from "../stack/handle.js";

/**
 * Host preparation: the Docker engine, the compose v2 plugin, a running daemon and the base image.
 * `stevie-stack host prepare` and the test harness both run this, so a fresh Debian machine gets exactly
 * what the README promises. Each step checks first and does nothing when the host already has it.
 */

export const BASE_IMAGE = "debian:trixie-slim";
const DEBIAN_MIRROR = "http://deb.debian.org/debian";

export interface PrepareOptions {
  /** Allowed to install packages and start services without asking. */
  yes: boolean;
  /** Asked before installing anything when yes is false (only on a TTY). */
  confirm?: (question: string) => Promise<boolean>;
  log: (message: string) => void;
}

export interface PrepareReport {
  actions: string[];
}

async function mayChange(opts: PrepareOptions, what: string): Promise<void> {
  if (opts.yes) return;
  if (opts.confirm && (await opts.confirm(`${what}. Continue?`))) return;
  throw new UserError(`${what}, which needs your consent`, "run again with --yes to allow it");
}

async function requireDebianRoot(what: string): Promise<void> {
  const os = await readOsRelease();
  const debianLike = os.id === "debian" || os.id === "ubuntu" || os.like.includes("debian");
  if (!debianLike) {
    throw new UserError(
      `${what} is only automated on Debian and Ubuntu (found ${os.id || "unknown OS"})`,
      "install Docker Engine and the compose v2 plugin by hand",
    );
  }
  if (process.getuid?.() !== 0) throw new UserError(`${what} needs root`, "run the command again as root (sudo)");
}

const APT_ENV = { DEBIAN_FRONTEND: "noninteractive" };
let aptUpdated = false;
async function aptUpdate(opts: PrepareOptions): Promise<void> {
  if (aptUpdated) return;
  opts.log("apt-get update");
  await host.run("apt-get", ["update", "-qq"], { env: APT_ENV, timeoutMs: 5 * 60_000 });
  aptUpdated = true;
}

async function aptInstall(packages: string[], opts: PrepareOptions): Promise<void> {
  const env = APT_ENV;
  await aptUpdate(opts);
  opts.log(`apt-get install ${packages.join(" ")}`);
  await host.run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
    env,
    timeoutMs: 15 * 60_000,
  });
}

async function aptCandidate(pkg: string): Promise<string | undefined> {
  const r = await host.run("apt-cache", ["policy", pkg], { reject: false });
  const m = /Candidate:\s*(\S+)/.exec(r.stdout);
  return m?.[1] && m[1] !== "(none)" ? m[1] : undefined;
}

export async function ensureEngine(opts: PrepareOptions, report: PrepareReport): Promise<void> {
  if ((await host.which("docker")) && ((await host.which("dockerd")) || (await new Engine().ping()))) return;
  await requireDebianRoot("Installing Docker Engine");
  await mayChange(opts, "Docker Engine is not installed; stevie-stack will install Debian's docker.io package");
  // Debian 13 moved the `docker` command out of docker.io into docker-cli; Debian 12 and Ubuntu have no such package.
  await aptUpdate(opts);
  const cli = (await aptCandidate("docker-cli")) ? ["docker-cli"] : [];
  await aptInstall(["docker.io", ...cli, "iptables", "ca-certificates"], opts);
  report.actions.push(`installed docker.io${cli.length ? " and docker-cli" : ""}`);
}

/**
 * Compose v2 as the `docker compose` plugin. Debian trixie and Ubuntu ship it as a package; bookworm does not,
 * but trixie's build only needs libc6 >= 2.34, so we fetch that one .deb from trixie.
 */
export async function ensureCompose(opts: PrepareOptions, report: PrepareReport): Promise<void> {
  const current = await composeVersion();
  const v = current ? parseVersion(current) : undefined;
  if (v && versionAtLeast(v, MIN_COMPOSE)) return;
  await requireDebianRoot("Installing the Docker Compose v2 plugin");
  await mayChange(
    opts,
    `Docker Compose v2 is ${current ? `too old (${current})` : "missing"}; stevie-stack will install it`,
  );
  await aptUpdate(opts).catch(() => undefined); // apt-cache needs current lists
  for (const pkg of ["docker-compose-plugin", "docker-compose-v2", "docker-compose"]) {
    const cand = await aptCandidate(pkg);
    const cv = cand ? parseVersion(cand) : undefined;
    if (cv && versionAtLeast(cv, MIN_COMPOSE)) {
      await aptInstall([pkg], opts);
      report.actions.push(`installed ${pkg} ${cand}`);
      return;
    }
  }
  const os = await readOsRelease();
  if (os.id !== "debian")
    throw new UserError(
      "no Docker Compose v2 package is available from apt",
      "install the compose plugin from Docker's repository",
    );
  const list = "/etc/apt/sources.list.d/stevie-stack-trixie.list";
  const dir = await mkdtemp(join(tmpdir(), "stevie-compose-"));
  const { writeFile } = await import("node:fs/promises");
  try {
    opts.log("fetching docker-compose from Debian trixie");
    await writeFile(list, `deb ${DEBIAN_MIRROR} trixie main\n`);
    await host.run("apt-get", ["update", "-qq"], { timeoutMs: 5 * 60_000 });
    await host.run("apt-get", ["download", "-t", "trixie", "docker-compose"], { cwd: dir, timeoutMs: 5 * 60_000 });
  } finally {
    await rm(list, { force: true });
    await host.run("apt-get", ["update", "-qq"], { timeoutMs: 5 * 60_000, reject: false });
  }
  const { readdir } = await import("node:fs/promises");
  const deb = (await readdir(dir)).find((f) => f.endsWith(".deb"));
  if (!deb)
    throw new UserError("could not download docker-compose from Debian trixie", "install the compose plugin by hand");
  await host.run("dpkg", ["-i", join(dir, deb)]);
  await rm(dir, { recursive: true, force: true });
  report.actions.push("installed docker-compose from trixie");
}

export async function ensureDaemon(opts: PrepareOptions, report: PrepareReport): Promise<void> {
  if (await new Engine().ping()) return;
  if (process.getuid?.() !== 0) {
    throw new UserError(
      "the Docker daemon is not running (or /var/run/docker.sock is not accessible to you)",
      "start it (`sudo systemctl start docker`) or add yourself to the docker group",
    );
  }
  await mayChange(opts, "The Docker daemon is not running; stevie-stack will start it");
  if (existsSync("/run/systemd/system")) {
    opts.log("systemctl start docker");
    await host.run("systemctl", ["start", "docker"], { reject: false });
  }
  if (!(await new Engine().ping())) {
    // No systemd (containers, CI sandboxes): run dockerd ourselves, detached.
    opts.log("starting dockerd (log: /var/log/stevie-stack-dockerd.log)");
    await host.startDetached("dockerd", [], "/var/log/stevie-stack-dockerd.log");
  }
  await waitFor("the Docker daemon to start", async () => (await new Engine().ping()) || undefined, {
    timeoutMs: 90_000,
    everyMs: 500,
    fix: "read /var/log/stevie-stack-dockerd.log (or `journalctl -u docker`)",
  });
  report.actions.push("started the Docker daemon");
}

/**
 * The one base image every Dockerfile starts from. Pulled when a registry answers; otherwise (air-gapped)
 * built locally from Debian's archive with debootstrap and imported.
 */
export async function ensureBaseImage(opts: PrepareOptions, report: PrepareReport): Promise<void> {
  if (await new Engine().imageExists(BASE_IMAGE)) return;
  opts.log(`pulling ${BASE_IMAGE}`);
  const pulled = await new Engine().docker(["pull", BASE_IMAGE], { reject: false, timeoutMs: 120_000 });
  if (pulled.exitCode === 0) {
    report.actions.push(`pulled ${BASE_IMAGE}`);
    return;
  }
  opts.log(`no registry reachable; building ${BASE_IMAGE} locally with debootstrap (air-gapped mode)`);
  await requireDebianRoot(`Building ${BASE_IMAGE} locally`);
  if (!(await host.which("debootstrap"))) await aptInstall(["debootstrap"], opts);
  const dir = await mkdtemp(join(tmpdir(), "stevie-rootfs-"));
  const tarball = `${dir}.tar`;
  try {
    await host.run("debootstrap", ["--variant=minbase", "trixie", dir, DEBIAN_MIRROR], { timeoutMs: 15 * 60_000 });
    await host.run("tar", ["-C", dir, "-cf", tarball, "."], { timeoutMs: 5 * 60_000 });
    await new Engine().docker(["import", tarball, BASE_IMAGE], { timeoutMs: 5 * 60_000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(tarball, { force: true });
  }
  report.actions.push(`built ${BASE_IMAGE} with debootstrap`);
}

/** `command`, from Debian's package `pkg` when it is missing (root on Debian or Ubuntu; asks first unless `yes`). */
export async function ensureCommand(
  command: string,
  pkg: string,
  opts: PrepareOptions,
  report: PrepareReport,
): Promise<void> {
  if (await host.which(command)) return;
  await requireDebianRoot(`Installing ${pkg}`);
  await mayChange(opts, `${command} is missing; stevie-stack will install it`);
  await aptInstall([pkg], opts);
  report.actions.push(`installed ${pkg}`);
}

export async function prepareHost(opts: PrepareOptions): Promise<PrepareReport> {
  const report: PrepareReport = { actions: [] };
  await ensureEngine(opts, report);
  await ensureCompose(opts, report);
  await ensureDaemon(opts, report);
  await ensureBaseImage(opts, report);
  await ensureCommand("openssl", "openssl", opts, report);
  return report;
}
