import { createReadStream, existsSync, readdirSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as docker from "../../cli/docker.js";
import { run, type RunResult } from "../../cli/exec.js";
import { prepareHost } from "../../cli/host/prepare.js";
import { packageVersion } from "../../cli/package-root.js";
import { repoRoot } from "../setup/cli.js";
import { oneLinerFrom, quickStartOneLiner } from "../setup/quick-start.js";
import { ensureFreshHostImage, FRESH_HOSTS, freshHostRunArgs, type FreshHost } from "./hosts.js";

/**
 * The README's one-liner on fresh VMs: Debian 13, Debian 12 and Ubuntu 24.04 with no Node.js and no Docker, each a
 * Docker-in-Docker host (hosts.ts). The package is this checkout's `npm pack` tarball (prepack builds it), served by
 * an HTTP server this test starts under the file name the registry would give it; the one-liner is the README's line
 * with only the registry's URL replaced, and STEVIE_STACK_PACKAGE points install.sh at the same tarball. Nothing of
 * the test machine's (Node.js, the CLI, images) goes in: the host fetches Node.js and the CLI's dependencies from the
 * npm registry, installs Docker from its own archive, builds the base image with debootstrap and every stack image
 * (cold), and brings the stack up. Then the one-liner runs again, as an operator re-running it would.
 *
 * Heavy (about 10 minutes a host): `npm run test:fresh-vm`, never part of `npm test`. STEVIE_FRESH_VM=trixie,bookworm
 * picks hosts (default: all three); STEVIE_FRESH_VM_TARBALL=path uses a tarball packed earlier; STEVIE_FRESH_VM_KEEP=1
 * leaves the hosts running for a look inside (`docker exec -it <name> bash`).
 *
 * This network intercepts TLS with its own CA (MACHINES.md): the test machine's extra CA certificates are installed in
 * each host as part of its baseline, and NODE_EXTRA_CA_CERTS points Node.js at the system store, as on the test
 * machine. A VM on the open internet needs neither.
 */
const selected = (process.env.STEVIE_FRESH_VM ?? FRESH_HOSTS.map((h) => h.id).join(","))
  .split(",")
  .map((s) => s.trim());
const hosts = FRESH_HOSTS.filter((h) => selected.includes(h.id));
const HOST_CA_DIR = "/usr/local/share/ca-certificates";
const STACK_DIR = "/opt/stevie-stack";

interface Timing {
  host: string;
  baselineS: number;
  firstS?: number;
  rerunS?: number;
}
const timings: Timing[] = [];
const containers: string[] = [];
let server: Server | undefined;
let packDir: string | undefined;
let tarballUrl = "";
let tarballBase = "";

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
const log = (line: string) => process.stderr.write(`[fresh-vm] ${line}\n`);

/** The package as `npm publish` would upload it: `npm pack` runs prepack (the build) first. */
async function packTarball(): Promise<string> {
  if (process.env.STEVIE_FRESH_VM_TARBALL) return process.env.STEVIE_FRESH_VM_TARBALL;
  packDir = await mkdtemp(join(tmpdir(), "stevie-pack-"));
  const started = Date.now();
  await run("npm", ["pack", "--pack-destination", packDir, "--loglevel=error"], {
    cwd: repoRoot,
    timeoutMs: 15 * 60_000,
  });
  const tgz = (await readdir(packDir)).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error(`npm pack wrote no tarball into ${packDir}`);
  log(`npm pack (with its prepack build): ${seconds(started)} s`);
  return join(packDir, tgz);
}

/** Serve the tarball on the Docker bridge's gateway address, where the hosts (and only they) reach this machine. */
async function serveTarball(file: string): Promise<void> {
  const gateway = (
    await run("docker", ["network", "inspect", "bridge", "-f", "{{(index .IPAM.Config 0).Gateway}}"])
  ).stdout.trim();
  const name = basename(file);
  server = createServer((req, res) => {
    if (req.method !== "GET" || req.url !== `/${name}`) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server!.once("error", reject);
    server!.listen(0, gateway, resolve);
  });
  const { port } = server.address() as AddressInfo;
  tarballBase = `http://${gateway}:${port}/`;
  tarballUrl = `${tarballBase}${name}`;
}

function exec(
  name: string,
  script: string,
  opts: { env?: Record<string, string>; timeoutMs: number },
): Promise<RunResult> {
  const env = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  return run("docker", ["exec", ...env, name, "sh", "-c", script], { reject: false, timeoutMs: opts.timeoutMs });
}

/** The output of a step that must succeed; on failure, with what the host's Docker says. */
async function expectOk(name: string, r: RunResult, what: string): Promise<string> {
  const output = `${r.stdout}\n${r.stderr}`;
  if (r.exitCode !== 0) {
    const inside = await exec(name, "tail -n 30 /var/log/stevie-stack-dockerd.log; docker ps -a; stevie-stack status", {
      timeoutMs: 60_000,
    });
    expect.fail(
      `${what} failed (exit code ${r.exitCode}):\n${output.split("\n").slice(-60).join("\n")}\n--- on the host ---\n${inside.stdout}\n${inside.stderr}`,
    );
  }
  return output;
}

beforeAll(async () => {
  // The test machine's own Docker (not the hosts'): engine, daemon and the debian:trixie-slim image hosts.ts uses.
  const prep = await prepareHost({ yes: true, log });
  if (prep.actions.length) log(`test machine prepared: ${prep.actions.join("; ")}`);
  const tgz = await packTarball();
  expect(basename(tgz)).toBe(`stevie-stack-${packageVersion()}.tgz`);
  await serveTarball(tgz);
  log(`serving ${tgz} at ${tarballUrl}`);
}, 30 * 60_000);

afterAll(async () => {
  server?.close();
  if (packDir) await rm(packDir, { recursive: true, force: true });
  if (!process.env.STEVIE_FRESH_VM_KEEP) {
    for (const name of containers)
      await run("docker", ["rm", "-f", "-v", name], { reject: false, timeoutMs: 5 * 60_000 });
  }
  if (timings.length) {
    const rows = timings.map(
      (t) =>
        `  ${t.host.padEnd(22)} ${String(t.baselineS).padStart(8)} ${String(t.firstS ?? "-").padStart(10)} ${String(t.rerunS ?? "-").padStart(8)}`,
    );
    process.stdout.write(
      `\nFresh VM → healthy stack with the README's one-liner (seconds; budget: first ≤ 480, re-run ≤ 90)\n  ${"host".padEnd(22)} ${"baseline".padStart(8)} ${"one-liner".padStart(10)} ${"re-run".padStart(8)}\n${rows.join("\n")}\n`,
    );
  }
}, 10 * 60_000);

describe.each(hosts.map((h) => [h.label, h] as [string, FreshHost]))(
  "a fresh %s VM, no Node.js, no Docker",
  (_label, host) => {
    it("gets a healthy stack from the README's one-liner, and runs it again", { timeout: 45 * 60_000 }, async () => {
      await ensureFreshHostImage(host);
      const name = `stevietest-freshvm-${host.id}-${process.pid}`;
      const caFiles = existsSync(HOST_CA_DIR) ? readdirSync(HOST_CA_DIR).filter((f) => f.endsWith(".crt")) : [];
      await run("docker", ["rm", "-f", "-v", name], { reject: false });
      containers.push(name);
      await run(
        "docker",
        freshHostRunArgs({
          name,
          label: `${docker.PROJECT_LABEL}=${name}`,
          image: host.image,
          mounts: caFiles.length ? [`${HOST_CA_DIR}:/run/host-ca:ro`] : [],
          env: caFiles.length ? { NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca-certificates.crt" } : {},
        }),
      );
      const timing: Timing = { host: host.label, baselineS: 0 };
      timings.push(timing);
      try {
        await installTwice(name, host, timing, caFiles.length > 0);
      } finally {
        // Each host's stack keeps both CPUs busy: gone before the next host starts (unless kept for a look).
        if (!process.env.STEVIE_FRESH_VM_KEEP)
          await run("docker", ["rm", "-f", "-v", name], { reject: false, timeoutMs: 5 * 60_000 });
      }
    });
  },
);

/** On a running host: its baseline, the README's one-liner (timed), checks, the one-liner again (timed). */
async function installTwice(name: string, host: FreshHost, timing: Timing, installCaFiles: boolean): Promise<void> {
  // What a cloud image has before anyone logs in; and no Node.js, no Docker.
  let started = Date.now();
  const installCa = installCaFiles
    ? ["cp /run/host-ca/*.crt /usr/local/share/ca-certificates/", "update-ca-certificates >/dev/null 2>&1"]
    : [];
  const baseline = [
    "set -e",
    ...host.baseline,
    ...installCa,
    "! command -v node >/dev/null || { echo 'node is already present'; exit 9; }",
    "! command -v docker >/dev/null || { echo 'docker is already present'; exit 9; }",
    '. /etc/os-release && echo "os=$PRETTY_NAME"',
  ];
  await expectOk(name, await exec(name, baseline.join("\n"), { timeoutMs: 10 * 60_000 }), "the VM baseline");
  timing.baselineS = seconds(started);

  // The README's line, downloading from this test's server instead of the registry.
  const oneLiner = oneLinerFrom(quickStartOneLiner(repoRoot), tarballBase);
  const env = { STEVIE_STACK_PACKAGE: tarballUrl };
  log(`${host.id}: ${oneLiner}  (STEVIE_STACK_PACKAGE=${tarballUrl})`);
  started = Date.now();
  const first = await expectOk(name, await exec(name, oneLiner, { env, timeoutMs: 40 * 60_000 }), "the one-liner");
  timing.firstS = seconds(started);
  log(`${host.id}: healthy stack after ${timing.firstS} s`);
  expect(first).toMatch(
    /Node\.js 24\.\d+\.\d+ from the npm registry into \/usr\/local\/lib\/stevie-stack\/node \(this host has none\)/,
  );
  // install --yes prepared the host itself: Docker from the distribution's archive, the base image by debootstrap.
  expect(first).toContain("apt-get install docker.io");
  expect(first).toMatch(/building debian:trixie-slim locally with debootstrap/);
  expect(first).toContain("The stack is up and healthy.");

  const health = `curl -fsS --cacert ${STACK_DIR}/tls/ca.crt https://localhost/api/health/ready`;
  const checks = [
    "set -e",
    health,
    "echo",
    "stevie-stack status --json >/tmp/status.json && echo status-ok",
    'echo "node=$(/usr/local/lib/stevie-stack/node/bin/node -v) cli=$(stevie-stack --version)"',
    "! command -v node >/dev/null || echo 'node on PATH'",
  ];
  const after = await expectOk(name, await exec(name, checks.join("\n"), { timeoutMs: 120_000 }), "the health checks");
  expect(after).toContain('"status":"ready"');
  expect(after).toContain("status-ok");
  expect(after).toContain(`cli=${packageVersion()}`);
  // The installer's Node.js is the CLI's own: nothing else on the host sees a `node`.
  expect(after).not.toContain("node on PATH");

  started = Date.now();
  const again = await expectOk(
    name,
    await exec(name, oneLiner, { env, timeoutMs: 20 * 60_000 }),
    "the one-liner, again",
  );
  timing.rerunS = seconds(started);
  log(`${host.id}: re-run took ${timing.rerunS} s`);
  expect(again).toMatch(/Node\.js 24\.\d+\.\d+: already installed/);
  expect(again).toMatch(/stevie-stack \S+: already installed from/);
  expect(again).toContain("No changes: the stack is already installed with this configuration and healthy.");
  await expectOk(name, await exec(name, health, { timeoutMs: 60_000 }), "the health check after the re-run");
}
