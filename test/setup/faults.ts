import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import type { Topology } from "../../cli/stack/topology.js";
import { runCli } from "./cli.js";
import { stackSecret } from "./data.js";
import { writeTestConfig, type TestStack } from "./stack.js";
import { loadStack, stackTopology } from "../../cli/stack/load.js";

/** What the failure tests (test/e2e/failover.test.ts, test/chaos/) share: finding a service, and measuring an outage. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A crash: SIGKILL from the host to the container's init (and so to everything in it), which its restart policy
 * answers (`docker kill` would count as a stop by hand, and nothing would restart it).
 */
export async function crashContainer(id: string): Promise<void> {
  process.kill((await docker.inspectContainer(id)).pid, "SIGKILL");
}

/** The (first) container of one of the stack's services. */
export async function serviceContainer(project: string, service: string): Promise<docker.ContainerState> {
  const c = (await docker.listContainers(docker.PROJECT_LABEL, project)).find((x) => x.service === service);
  if (!c) throw new Error(`no container for ${service}`);
  return c;
}

/** Wait (up to a minute) until `op` succeeds `n` times in a row; the errors seen on the way, for the report. */
export async function recovers(op: () => Promise<unknown>, n = 5): Promise<string[]> {
  const errors: string[] = [];
  const deadline = Date.now() + 60_000;
  for (let streak = 0; streak < n;) {
    if (Date.now() > deadline)
      throw new Error(`no ${n} successful calls in a row within 60 s; errors: ${errors.slice(-5).join(" | ")}`);
    const e = await op().then(
      () => undefined,
      (x: Error) => x.message.slice(0, 200),
    );
    if (e === undefined) streak++;
    else {
      streak = 0;
      errors.push(e);
      await sleep(500);
    }
  }
  return errors;
}

/** Longest stretch after `from` with no successful call completing: how long the service was unavailable. */
export function longestGap(calls: { end: number; ok: boolean }[], from: number): number {
  const oks = calls
    .filter((c) => c.ok && c.end >= from)
    .map((c) => c.end)
    .sort((a, b) => a - b);
  let prev = from;
  let gap = 0;
  for (const t of oks) {
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  return gap;
}

export interface CanaryCall {
  start: number;
  end: number;
  ok: boolean;
  n: number;
}

/**
 * A psql loop in a container of its own on the data network, through HAProxy, inserting `from`+1, +2, … into `table`:
 * each call's start, end and outcome. With no `limitS`, psql waits as long as libpq does (for ever by default): a
 * client that would hang; with it, each call is killed after that many seconds (availability). `peek()` reads the
 * calls so far; `stop()` also counts a call still running.
 */
export async function psqlCanary(stack: TestStack, table: string, from: number, limitS?: number) {
  const image = (
    await run("docker", [
      "inspect",
      "-f",
      "{{.Config.Image}}",
      (await serviceContainer(stack.project, "postgres-1")).id,
    ])
  ).stdout.trim();
  const psql = `${limitS ? `timeout -s KILL ${limitS} ` : ""}psql -qAtX -c "INSERT INTO ${table} (seq) VALUES ($n)"`;
  const loop = `n=${from}; while :; do n=$((n+1)); a=$(date +%s%3N); if ${psql} >/dev/null 2>&1; then r=ok; else r=err; fi; echo "$a $(date +%s%3N) $r $n"; sleep 0.05; done`;
  const id =
    // Labelled as the stack's: if the test fails before stop(), uninstall removes it (and can remove the network).
    (
      await run(
        "docker",
        [
          "run",
          "-d",
          "--rm",
          "--label",
          `${docker.PROJECT_LABEL}=${stack.project}`,
          "--network",
          `${stack.project}_data`,
          "-e",
          "PGHOST=haproxy",
          "-e",
          "PGDATABASE=stevie",
          "-e",
          "PGUSER",
          "-e",
          "PGPASSWORD",
          "--entrypoint",
          "sh",
          image,
          "-c",
          loop,
        ],
        {
          env: {
            PGUSER: await stackSecret(stack, "postgres_user"),
            PGPASSWORD: await stackSecret(stack, "postgres_password"),
          },
        },
      )
    ).stdout.trim();
  const peek = async () => {
    const out = (await run("docker", ["logs", id])).stdout;
    const calls: CanaryCall[] = out
      .trim()
      .split("\n")
      .map((l) => l.split(" "))
      .filter((f) => f.length === 4)
      .map(([a, b, r, n]) => ({ start: Number(a), end: Number(b), ok: r === "ok", n: Number(n) }));
    return { calls };
  };
  return {
    peek,
    async stop() {
      const stoppedAt = Date.now();
      const { calls } = await peek();
      await run("docker", ["rm", "-f", id], { reject: false });
      // A call still running when stopped counts from the end of the one before.
      const running = { start: calls.at(-1)?.end ?? stoppedAt, end: stoppedAt };
      const longest = [...calls, running].reduce((x, c) => (c.end - c.start > x.end - x.start ? c : x));
      return {
        calls,
        acked: calls.filter((c) => c.ok).map((c) => c.n),
        failed: calls.filter((c) => !c.ok).length,
        longestMs: longest.end - longest.start,
        longestStart: longest.start,
      };
    },
  };
}

/**
 * What the failure tests start from: the stack's data-tier topology, and this host exempt from the limits (below).
 */
export async function faultTestTopology(stack: TestStack): Promise<Topology> {
  const { config } = await loadStack(stack.dir);
  const topo = await stackTopology(config);
  await exemptThisHost(stack);
  return topo;
}

/**
 * The load of the failure tests comes from this host through Docker's proxy, i.e. from the edge network's gateway:
 * exempt it from nginx's per-IP limit, the way an operator exempts a monitoring host (install applies the change).
 */
export async function exemptThisHost(stack: TestStack): Promise<void> {
  const gateway = (
    await run("docker", [
      "network",
      "inspect",
      "-f",
      "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
      `${stack.project}_edge`,
    ])
  ).stdout.trim();
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(gateway))
    throw new Error(`no gateway address for ${stack.project}_edge: "${gateway}"`);
  const cfg = await writeTestConfig(
    stack.dir,
    stack.project,
    stack.httpPort,
    stack.httpsPort,
    `edge:\n  exempt: ["${gateway}"]\n`,
  );
  const r = await runCli(["install", "--non-interactive", "--config", cfg, "--dir", stack.dir], {
    timeoutMs: 10 * 60_000,
  });
  if (r.code !== 0) throw new Error(`install with the exemption failed:\n${r.stdout}\n${r.stderr}`);
}
