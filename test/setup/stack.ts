import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestProject } from "vitest/node";
import * as docker from "../../cli/docker.js";
import { prepareHost } from "../../cli/host/prepare.js";
import { unhealthyReport } from "../../cli/stack/health.js";
import { stackPaths } from "../../cli/stack/paths.js";
import { removeProjectResources } from "../../cli/commands/uninstall/run.js";
import { removeRelay } from "./data.js";
import { cliBin, runCli } from "./cli.js";
import { freePort } from "./ports.js";
import { startTestS3, type TestS3 } from "./s3.js";
import { prepareServicesData, startTestServices, stopTestServices, type TestServices } from "./services.js";
import { packageVersion } from "../../cli/package-root.js";
import { compose } from "../../cli/stack/handle.js";
import { Project } from "../../cli/stack/handle.js";

/** Every stack the test suite creates has a project name starting with this, so leftovers can be found by label. */
export const TEST_PROJECT_PREFIX = "stevietest";

export interface TestStack {
  dir: string;
  project: string;
  httpPort: number;
  httpsPort: number;
  caFile: string;
  baseUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: TestStack;
    services: TestServices;
    s3: TestS3;
  }
}

/** True when a project name ends in the pid of a process that is still running (another test run or a bench). */
function ownerAlive(project: string): boolean {
  const pid = Number(/-(\d+)$/.exec(project)?.[1]);
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Remove containers, networks and volumes of earlier test runs (a restarted daemon revives them); spare live runs'. */
export async function removeTestLeftovers(): Promise<number> {
  const projects = new Set<string>();
  for (const c of await docker.listContainers(docker.PROJECT_LABEL)) {
    const labels = await docker.containerLabels(c.id).catch(() => ({}) as Record<string, string>);
    const p = labels[docker.PROJECT_LABEL];
    if (p?.startsWith(TEST_PROJECT_PREFIX)) projects.add(p);
  }
  for (const v of await docker.listVolumes(docker.PROJECT_LABEL))
    if (v.includes(TEST_PROJECT_PREFIX)) projects.add(v.split("_")[0]!);
  for (const n of await docker.listNetworks(docker.PROJECT_LABEL))
    if (n.name.startsWith(TEST_PROJECT_PREFIX)) projects.add(n.name.split("_")[0]!);
  // A developer's kept stack (STEVIE_TEST_REUSE) is spared even by a run that does not reuse it.
  const kept = await readFile(process.env.STEVIE_TEST_REUSE ?? "", "utf8").then(
    (t) => (JSON.parse(t) as Reused).stack.project,
    () => "",
  );
  const keptPid = kept.split("-").at(-1);
  const dead = [...projects].filter((p) => !(kept && p.endsWith(`-${keptPid}`)) && !ownerAlive(p));
  for (const p of dead) {
    await removeRelay(p);
    await removeProjectResources(new Project(p), true);
  }
  return dead.length;
}

/** The origin the suite's stack lets browser pages call it from (api.corsOrigins): a web app served on this port. */
export const TEST_WEB_ORIGIN = "http://127.0.0.1:5999";

/**
 * The suite's stevie.yaml. Its clients all reach the API from one address (the host's, as nginx sees it), so the
 * application limits per address are lifted here; the limits are shown by tests that bring their own (the HTTP
 * integration test, and API keys with small limits of their own through nginx). The autoscaler is off: the tests'
 * own load would otherwise change the replica count under other tests (the ops test turns it on for a while).
 */
export async function writeTestConfig(
  dir: string,
  project: string,
  httpPort: number,
  httpsPort: number,
  extra = "",
): Promise<string> {
  const file = join(dir, "..", `${project}.yaml`);
  await writeFile(
    file,
    `environment: dev\nprojectName: ${project}\nnetwork:\n  bindAddress: 127.0.0.1\n  httpPort: ${httpPort}\n  httpsPort: ${httpsPort}\nresources:\n  profile: small\napi:\n  rateLimitPerHour: 1000000\n  sessionsPerHour: 1000000\n  corsOrigins: ["${TEST_WEB_ORIGIN}"]\n  autoscale: false\n${extra}`,
  );
  return file;
}

async function diagnostics(project: string, dir: string): Promise<void> {
  const paths = stackPaths(dir);
  if (existsSync(paths.compose)) {
    const ps = await compose(paths, project, ["ps", "--all"], { reject: false });
    process.stderr.write(`\n=== docker compose ps (${project}) ===\n${ps.stdout}\n${ps.stderr}\n`);
  }
  process.stderr.write(
    `=== unhealthy services (last log lines) ===\n${await unhealthyReport(new Project(project), 40).catch((e: Error) => e.message)}\n`,
  );
}

/**
 * For a developer's loop only (never CI): STEVIE_TEST_REUSE=<file> keeps the stack and services after the run and
 * reuses them on the next one while their containers run. The S3 repository lives in this process, so the backup
 * tests need a fresh stack.
 */
interface Reused {
  stack: TestStack;
  services: TestServices;
  s3Port?: number;
}

async function reusable(file: string | undefined): Promise<Reused | undefined> {
  if (!file || !existsSync(file)) return undefined;
  const r = JSON.parse(await readFile(file, "utf8")) as Reused;
  const running = await docker.listContainers(docker.PROJECT_LABEL, r.stack.project).catch(() => []);
  return running.length > 0 ? r : undefined;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(cliBin)) throw new Error("dist/cli/bin.js is missing: run `npm run build` first (npm test does)");
  const started = Date.now();
  const log = (l: string) => process.stderr.write(`[stack] ${l}\n`);
  const reuseFile = process.env.CI ? undefined : process.env.STEVIE_TEST_REUSE;
  const reused = await reusable(reuseFile);
  if (reused) {
    log(`reusing ${reused.stack.project} (STEVIE_TEST_REUSE=${reuseFile})`);
    const { runMigrations } = await import("../../server/migrate.js");
    const { createLogger } = await import("../../server/logger.js");
    await runMigrations(reused.services.pg, "prisma/migrations", createLogger("warn"));
    const { s3, stop } = reused.s3Port
      ? await startTestS3(dirname(reused.stack.dir), { port: reused.s3Port })
      : await startTestS3(await mkdtemp(join(tmpdir(), "stevie-e2e-s3-")));
    project.provide("stack", reused.stack);
    project.provide("services", reused.services);
    project.provide("s3", s3);
    return stop;
  }
  // The same host preparation the README's install command runs: engine, compose plugin, daemon, base image.
  const prep = await prepareHost({ yes: true, log });
  if (prep.actions.length) log(`host prepared: ${prep.actions.join("; ")}`);
  const removed = await removeTestLeftovers();
  if (removed) log(`removed ${removed} leftover test stack(s)`);

  const base = await mkdtemp(join(tmpdir(), "stevie-e2e-"));
  const dir = join(base, "stack");
  const name = `${TEST_PROJECT_PREFIX}-${process.pid}`;
  const httpPort = await freePort();
  const httpsPort = await freePort();
  // The stack's second backup repository, on an S3-compatible service of the test's own.
  const { s3, stop: stopS3 } = await startTestS3(base);
  const s3Yaml = `backup:\n  s3:\n    endpoint: "${s3.endpoint}"\n    port: ${s3.port}\n    bucket: ${s3.bucket}\n    uriStyle: path\n    caFile: ${s3.caFile}\n`;
  const cfg = await writeTestConfig(dir, name, httpPort, httpsPort, s3Yaml);
  log(`installing ${name} into ${dir} (https port ${httpsPort}; S3 repository at ${s3.endpoint}:${s3.port})`);
  const s3Env = { STEVIE_S3_ACCESS_KEY_ID: s3.accessKeyId, STEVIE_S3_SECRET_ACCESS_KEY: s3.secretAccessKey };
  const r = await runCli(["install", "--non-interactive", "--config", cfg, "--dir", dir], {
    env: s3Env,
    timeoutMs: 20 * 60_000,
    echo: Boolean(process.env.STEVIE_TEST_VERBOSE),
  });
  if (r.code !== 0) {
    process.stderr.write(`${r.stdout}\n${r.stderr}\n`);
    await diagnostics(name, dir);
    await removeProjectResources(new Project(name), true).catch(() => undefined);
    await stopS3();
    throw new Error(`stevie-stack install failed with exit code ${r.code}`);
  }
  const installSeconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`stack healthy after ${installSeconds} s`);
  await writeFile(join(base, "install-seconds"), installSeconds);

  const svcProject = `${TEST_PROJECT_PREFIX}-svc-${process.pid}`;
  const services = await startTestServices(svcProject, packageVersion());
  const seeded = Date.now();
  await prepareServicesData(services);
  log(`integration services ready (migrated, seeded, embedded in ${((Date.now() - seeded) / 1000).toFixed(1)} s)`);
  project.provide("services", services);

  const stack: TestStack = {
    dir,
    project: name,
    httpPort,
    httpsPort,
    caFile: join(dir, "tls", "ca.crt"),
    baseUrl: `https://127.0.0.1:${httpsPort}`,
  };
  project.provide("stack", stack);
  project.provide("s3", s3);
  if (reuseFile) {
    await writeFile(reuseFile, JSON.stringify({ stack, services, s3Port: s3.port } satisfies Reused));
    return stopS3;
  }

  return async () => {
    if (process.env.STEVIE_TEST_FAILED) await diagnostics(name, dir);
    await removeRelay(name);
    if (existsSync(stackPaths(dir).config)) {
      const u = await runCli(["uninstall", "--purge-data", "--yes", "--dir", dir], { timeoutMs: 5 * 60_000 });
      if (u.code !== 0) process.stderr.write(`uninstall failed:\n${u.stdout}\n${u.stderr}\n`);
    }
    await removeProjectResources(new Project(name), true).catch(() => undefined);
    await stopTestServices(svcProject);
    await stopS3();
  };
}
