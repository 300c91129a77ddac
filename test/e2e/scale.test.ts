import { X509Certificate } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { prometheusGet } from "../../cli/stack/alerts.js";
import { patroniMembers } from "../../cli/stack/cluster.js";
import { stackPaths } from "../../cli/stack/paths.js";
import type { Topology } from "../../cli/stack/topology.js";
import { packageVersion } from "../../cli/package-root.js";
import { repoRoot, runCli } from "../setup/cli.js";
import { resendingClient, stackFetch } from "../setup/client.js";
import { loginAndAsk } from "../setup/data.js";
import { steady } from "../setup/load.js";
import { resignShort } from "../setup/test-ca.js";
import { writeTestConfig } from "../setup/stack.js";
import { waitUntil } from "../setup/wait.js";
import { loadStack, stackTopology } from "../../cli/stack/load.js";
import { compose } from "../../cli/stack/handle.js";
import { Stack } from "../../cli/stack/handle.js";

/**
 * `scale api=N` under a steady load through nginx: up to 4 and back to 2 without a failed request; then the
 * autoscaler reads that load from Prometheus and decides (dry run); then `upgrade` to a newer build, and to one whose
 * replicas never become healthy (rolled back by itself), again under load. Runs just before the failover suite (see
 * the sequencer): it exempts this host from nginx's per-IP limit, as that suite does.
 */
const stack = inject("stack");
const paths = stackPaths(stack.dir);
const report = (line: string) => process.stderr.write(`[scale] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const apiContainers = async () =>
  (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).filter(
    (c) => c.service === "api" && c.state === "running",
  );

/**
 * Workers calling a cheap procedure through nginx until stopped. Like a browser, the client sends a request again
 * when nginx closed the idle connection it went out on (nginx does so on every reload); `resent` says how often.
 */
const load = (concurrency: number, pauseMs: number) => {
  const { client, resent } = resendingClient(stack);
  return Object.assign(
    steady(() => client.categories.get.query({ code: "ABA-CORP-001" }), pauseMs, concurrency),
    { resent },
  );
};

/**
 * One writer through nginx, every 100 ms: each recommendation is new text, not in the cache, so it reads the catalogue
 * and writes its history row.
 */
const newRecommendations = (text: (i: number) => string) => {
  const { client } = resendingClient(stack);
  return steady((i) => client.recommend.query({ description: text(i), topK: 3 }), 100, 1);
};

/** Every series of a Prometheus query, as [labels, value]. */
async function promVector(expr: string): Promise<[Record<string, string>, number][]> {
  const body = await prometheusGet(new Stack(paths, stack.project), `/api/v1/query?query=${encodeURIComponent(expr)}`);
  const result = (
    JSON.parse(body) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
  ).data.result;
  return result.map((r) => [r.metric, Number(r.value[1])]);
}

async function promValue(expr: string): Promise<number | undefined> {
  return (await promVector(expr))[0]?.[1];
}

/** When requests failed: what nginx said about its upstreams meanwhile (the client only sees nginx's error page). */
async function nginxErrors(sinceMs: number): Promise<string> {
  const r = await compose(
    paths,
    stack.project,
    ["logs", "--no-color", "--since", new Date(sinceMs).toISOString(), "nginx"],
    { reject: false, timeoutMs: 60_000 },
  );
  return `${r.stdout}\n${r.stderr}`
    .split("\n")
    .filter((l) => /\[(error|warn|crit)\]|" 50[0-9] /.test(l))
    .slice(-15)
    .join("\n");
}

beforeAll(async () => {
  const gateway = (
    await run("docker", [
      "network",
      "inspect",
      "-f",
      "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
      `${stack.project}_edge`,
    ])
  ).stdout.trim();
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
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
}, 15 * 60_000);

afterAll(async () => {
  // Leave two replicas, as the other suites expect, whatever happened above.
  await runCli(["scale", "api=2", "--dir", stack.dir], { timeoutMs: 10 * 60_000 });
}, 15 * 60_000);

describe.sequential("scaling the API", () => {
  it("refuses what it cannot do, with the reason", async () => {
    for (const [spec, why] of [
      ["api=1", /between 2 and 20/],
      ["api=21", /between 2 and 20/],
      ["postgres=3", /only the API scales/],
      ["api=two", /only the API scales/],
    ] as const) {
      const r = await runCli(["scale", spec, "--dir", stack.dir]);
      expect(r.code, spec).toBe(1);
      expect(r.stderr, spec).toMatch(why);
    }
    expect((await apiContainers()).length).toBe(2);
  });

  it(
    "scale api=4 then api=2 under a steady load: every request answered; the autoscaler reads that load from Prometheus and decides (dry run)",
    { timeout: 900_000 },
    async () => {
      const l = load(4, 10);
      await sleep(3_000);
      const t0 = Date.now();
      const up = await runCli(["scale", "api=4", "--dir", stack.dir], { timeoutMs: 10 * 60_000 });
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toMatch(/Scaled the API from 2 to 4 replicas/);
      const upSeconds = (Date.now() - t0) / 1000;
      expect((await apiContainers()).length).toBe(4);
      // Prometheus follows: the new replicas are scraped (Docker DNS) and the expected count is 4 (rules re-read, no restart).
      await waitUntil("Prometheus to see 4 replicas up and 4 expected", 90_000, async () => {
        const [up, expected] = await Promise.all([
          promValue('count(up{job="api"} == 1)'),
          promValue("stevie:api_replicas_expected"),
        ]);
        return up === 4 && expected === 4;
      });
      // Every replica's database pool, as it reports it: the same fixed size on each, small enough that the most
      // replicas the config allows (20, and one more during a rolling update) fit in PostgreSQL's connections with
      // room for Patroni, the exporter, backups and the CLI (issue 23: 20 x 50 was 1,000 against 300).
      const pools = await promVector('stevie_db_pool_max{job="api"}');
      const maxConnections = await promValue('max(pg_settings_max_connections{job="postgres"})');
      const open = await promValue('sum(stevie_db_pool_connections{job="api",state=~"in_use|idle"})');
      expect(pools.map(([m]) => m.instance).sort()).toHaveLength(4);
      const perReplica = Math.max(...pools.map(([, v]) => v));
      expect(pools.every(([, v]) => v === perReplica)).toBe(true);
      expect(maxConnections).toBeGreaterThan(0);
      expect(perReplica * (20 + 1)).toBeLessThanOrEqual(maxConnections! - 15);
      expect(open).toBeLessThanOrEqual(4 * perReplica);
      report(
        `pools at 4 replicas: ${perReplica} connections each at most (${perReplica * 21} for 20 + 1 replicas of PostgreSQL's ${maxConnections}); ${open} open now`,
      );
      const t1 = Date.now();
      const down = await runCli(["scale", "api=2", "--dir", stack.dir], { timeoutMs: 10 * 60_000 });
      expect(down.code, down.stderr).toBe(0);
      const downSeconds = (Date.now() - t1) / 1000;
      await sleep(3_000);
      // The load has run for a minute or more: several of Prometheus' 15-s scrapes, enough for the rates the
      // autoscaler reads (it runs here, under that load, rather than after a wait of its own).
      const auto = await runCli(["autoscale", "--once", "--dry-run", "--json", "--dir", stack.dir], {
        timeoutMs: 120_000,
      });
      await l.stop();
      expect((await apiContainers()).length).toBe(2);
      const failed = l.calls.filter((c) => !c.ok);
      report(
        `scale 2 -> 4 in ${upSeconds.toFixed(0)} s, 4 -> 2 in ${downSeconds.toFixed(0)} s, under load: ${l.calls.length} requests, ${failed.length} failed, ${l.resent()} resent on a connection nginx closed`,
      );
      if (failed.length)
        report(
          `failed at ${failed.map((c) => `${((c.start - t0) / 1000).toFixed(1)} s`).join(", ")} (down from ${((t1 - t0) / 1000).toFixed(1)} s): ${failed.map((c) => c.error).join(" | ")}; nginx:\n${await nginxErrors(t0)}`,
        );
      expect(failed.map((c) => c.error)).toEqual([]);
      expect(l.calls.length).toBeGreaterThan(1000);
      const again = await runCli(["scale", "api=2", "--dir", stack.dir]);
      expect(again.stdout).toMatch(/already runs 2 replicas/);

      expect(auto.code, auto.stderr).toBe(0);
      const d = JSON.parse(auto.stdout) as {
        action: string;
        from: number;
        to: number;
        reason: string;
        applied: boolean;
        samples: number;
        last?: { cpu: number; memory: number; rpmPerReplica: number; p95Seconds: number };
      };
      expect(["hold", "up", "down"]).toContain(d.action);
      expect(d.applied).toBe(false);
      expect(d.from).toBe(2);
      // The window is 6 minutes at 15 s; the replicas may be younger than that (recreated by this file's setup).
      expect(d.samples).toBeGreaterThanOrEqual(8);
      expect(d.last!.rpmPerReplica, auto.stdout).toBeGreaterThan(100);
      expect(d.last!.cpu).toBeGreaterThan(0);
      expect(d.last!.memory).toBeGreaterThan(0);
      report(
        `autoscaler (dry run): ${d.action} (${d.reason}); last sample: CPU ${(d.last!.cpu * 100).toFixed(0)} %, memory ${(d.last!.memory * 100).toFixed(0)} %, ${d.last!.rpmPerReplica.toFixed(0)} req/min per replica, p95 ${(d.last!.p95Seconds * 1000).toFixed(1)} ms`,
      );
    },
  );

  it(
    "a replica that Docker stops gets SIGTERM through its init process, drains and exits 0",
    { timeout: 300_000 },
    async () => {
      // One replica more, outside nginx's list (nginx resolves `api` only when it reloads): no client meets it.
      const before = await apiContainers();
      const up = await compose(
        paths,
        stack.project,
        ["up", "-d", "--no-deps", "--no-recreate", "--scale", `api=${before.length + 1}`, "api"],
        { reject: false, timeoutMs: 5 * 60_000 },
      );
      expect(up.exitCode, up.stderr).toBe(0);
      const extra = (await apiContainers()).find((c) => !before.some((b) => b.id === c.id));
      expect(extra).toBeDefined();
      try {
        await waitUntil("the extra replica to be healthy", 120_000, async () =>
          (await apiContainers()).find((c) => c.id === extra!.id && c.health === "healthy"),
        );
        const stop = await run("docker", ["stop", "-t", "30", extra!.id], { reject: false, timeoutMs: 60_000 });
        expect(stop.exitCode, stop.stderr).toBe(0);
        const logs = await docker.containerLogs(extra!.id, 20);
        expect(logs, logs).not.toMatch(/tini.*(FATAL|Operation not permitted)/);
        expect(logs, logs).toMatch(/"signal":"SIGTERM","msg":"draining"/);
        expect(logs, logs).toMatch(/"msg":"stopped"/);
        expect((await docker.inspectContainer(extra!.id)).exitCode).toBe(0);
      } finally {
        await docker.removeContainer(extra!.id);
      }
    },
  );
});

describe.sequential("config show and config set", () => {
  it("shows the configuration in effect and changes one key, applying only that", { timeout: 600_000 }, async () => {
    const show = await runCli(["config", "show", "--json", "--dir", stack.dir]);
    expect(show.code, show.stderr).toBe(0);
    const cfg = JSON.parse(show.stdout) as {
      projectName: string;
      monitoring: { openaiMonthlyBudgetUsd: number; retentionDays: number };
    };
    expect(cfg.projectName).toBe(stack.project);
    // A default the test config never sets is shown too.
    expect(cfg.monitoring.retentionDays).toBe(31);

    const before = await docker.listContainers(docker.PROJECT_LABEL, stack.project);
    const budget = cfg.monitoring.openaiMonthlyBudgetUsd + 50;
    const set = await runCli(
      ["config", "set", "monitoring.openaiMonthlyBudgetUsd", String(budget), "--dir", stack.dir],
      { timeoutMs: 600_000 },
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(
      `monitoring.openaiMonthlyBudgetUsd: ${cfg.monitoring.openaiMonthlyBudgetUsd} -> ${budget}`,
    );
    expect(await readFile(join(stack.dir, "stevie.yaml"), "utf8")).toMatch(
      new RegExp(`openaiMonthlyBudgetUsd: ${budget}`),
    );
    // A threshold lives in Prometheus's rules: re-read on SIGHUP, no container recreated.
    await waitUntil(
      "Prometheus to read the new budget",
      60_000,
      async () => (await promValue("stevie:openai_budget_usd")) === budget,
    );
    const after = await docker.listContainers(docker.PROJECT_LABEL, stack.project);
    expect(
      after
        .filter((c) => c.state === "running")
        .map((c) => c.id)
        .sort(),
    ).toEqual(
      before
        .filter((c) => c.state === "running")
        .map((c) => c.id)
        .sort(),
    );
    const same = await runCli([
      "config",
      "set",
      "monitoring.openaiMonthlyBudgetUsd",
      String(budget),
      "--dir",
      stack.dir,
    ]);
    expect(same.stdout).toMatch(/No change/);
  });

  it("refuses a bad key or value with the reason, and leaves stevie.yaml as it was", async () => {
    const file = join(stack.dir, "stevie.yaml");
    const text = await readFile(file, "utf8");
    for (const [args, why] of [
      [["api.replicas", "50"], /api\.replicas/],
      [["api.nosuchkey", "1"], /nosuchkey/],
      [["api..replicas", "3"], /not a configuration key/],
      [["api.replicas", "[unclosed"], /not valid YAML/],
      [["api.replicas", "3", "domain"], /has no value/],
    ] as const) {
      const r = await runCli(["config", "set", ...args, "--dir", stack.dir]);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(why);
    }
    expect(await readFile(file, "utf8")).toBe(text);
  });
});

/**
 * A newer stevie-stack beside this checkout: package.json with the next patch version, a copy of dist (its API bundle
 * changed by `patch`), everything else linked. Its CLI builds images tagged with its own version.
 */
async function newerPackage(version: string, patch: (bundleMain: string) => string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `stevie-pkg-${version}-`));
  for (const entry of await readdir(repoRoot)) {
    if (entry === "dist" || entry === "package.json" || entry.startsWith(".")) continue;
    await symlink(join(repoRoot, entry), join(root, entry));
  }
  const pkg = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as { version: string };
  await writeFile(join(root, "package.json"), JSON.stringify({ ...pkg, version }, null, 2));
  await cp(join(repoRoot, "dist"), join(root, "dist"), { recursive: true });
  const main = join(root, "dist", "server-bundle", "main.mjs");
  await writeFile(main, patch(await readFile(main, "utf8")));
  return join(root, "dist", "cli", "bin.js");
}

const liveVersion = async () =>
  ((await (await stackFetch(stack)(`${stack.baseUrl}/api/health/live`)).json()) as { version: string }).version;

describe.sequential("upgrading under load", () => {
  const current = packageVersion();
  const next = semver.inc(current, "patch")!;
  const broken = semver.inc(next, "patch")!;

  /** `stevie-stack ARGS --dir ...` (the CLI at BIN) while 6 workers read through nginx, 3 s of load on each side. */
  async function cliUnderLoad(args: string[], bin?: string) {
    const l = load(6, 5);
    await sleep(3_000);
    const t0 = Date.now();
    const r = await runCli([...args, "--dir", stack.dir], { ...(bin ? { bin } : {}), timeoutMs: 15 * 60_000 });
    const seconds = (Date.now() - t0) / 1000;
    await sleep(3_000);
    await l.stop();
    const failed = l.calls.filter((c) => !c.ok);
    const rate = l.calls.length / ((l.calls.at(-1)!.end - l.calls[0]!.start) / 1000);
    return { r, t0, seconds, l, failed, rate };
  }

  it(
    "upgrade to a newer build: a backup first, replicas replaced one at a time, every request answered",
    { timeout: 900_000 },
    async () => {
      // A build of its own each run (images outlive a run on a developer's machine).
      const bin = await newerPackage(next, (m) => `// ${next}, built at ${Date.now()}\n${m}`);
      const dry = await runCli(["upgrade", "--dry-run", "--json", "--dir", stack.dir], { bin, timeoutMs: 300_000 });
      expect(dry.code, dry.stderr).toBe(0);
      const plan = JSON.parse(dry.stdout) as {
        from: string;
        to: string;
        status: string;
        files: string[];
        images: { ref: string; action: string }[];
      };
      expect(plan).toMatchObject({ from: current, to: next, status: "dry-run" });
      // Only the API's build context changed: every other image is re-tagged, not rebuilt.
      expect(plan.images.filter((i) => i.action === "build").map((i) => i.ref)).toEqual([`stevie-stack/api:${next}`]);
      expect(plan.files).toContain("compose.yaml");
      const wrongTo = await runCli(["upgrade", "--to", "9.9.9", "--dir", stack.dir], { bin });
      expect(wrongTo.code).toBe(1);
      expect(wrongTo.stderr).toMatch(
        new RegExp(`this stevie-stack is version ${next.replaceAll(".", "\\.")}, not 9\\.9\\.9`),
      );

      // The ops service runs the CLI that installed the stack: the upgrade moves it to the new one.
      const others = (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).filter(
        (c) => !["api", "migrate", "ops"].includes(c.service) && c.state === "running",
      );
      const { r, t0, seconds, l, failed, rate } = await cliUnderLoad(["upgrade", "--yes"], bin);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(
          `Upgraded ${current.replaceAll(".", "\\.")} -> ${next.replaceAll(".", "\\.")}: 2 API replicas replaced`,
        ),
      );
      expect(await liveVersion()).toBe(next);
      expect((await readFile(join(stack.dir, ".stevie", "version"), "utf8")).trim()).toBe(next);
      report(
        `upgrade ${current} -> ${next} in ${seconds.toFixed(0)} s under ${rate.toFixed(0)} req/s: ${l.calls.length} requests, ${failed.length} failed, ${l.resent()} resent on a connection nginx closed`,
      );
      if (failed.length)
        report(
          `failed at ${failed.map((c) => `${((c.start - t0) / 1000).toFixed(1)} s`).join(", ")}: ${failed.map((c) => c.error).join(" | ")}; upgrade output:\n${r.stdout}\nnginx:\n${await nginxErrors(t0)}`,
        );
      expect(failed.map((c) => c.error)).toEqual([]);
      expect(rate).toBeGreaterThan(50);
      expect((await apiContainers()).length).toBe(2);
      // Nothing but the API (and its migration job) was recreated: the same containers, still running.
      const after = await docker.listContainers(docker.PROJECT_LABEL, stack.project);
      for (const o of others) expect(after.find((c) => c.id === o.id)?.state, o.name).toBe("running");
      const ops = after.find((c) => c.service === "ops");
      expect(ops?.state).toBe("running");
      const cmd = JSON.parse(
        (await run("docker", ["inspect", "-f", "{{json .Config.Cmd}}", ops!.id])).stdout,
      ) as string[];
      expect(cmd[1]).toBe(bin);
    },
  );

  it(
    "an upgrade whose new replica never becomes healthy rolls back by itself, every request answered",
    { timeout: 900_000 },
    async () => {
      // The API of this build looks for its database where there is none: it starts, but is never ready.
      const bin = await newerPackage(
        broken,
        (m) => `// built at ${Date.now()}\nprocess.env.PGHOST = "127.0.0.1"; process.env.PGPORT = "9";\n${m}`,
      );
      const before = (await apiContainers()).map((c) => c.id).sort();
      const { r, l, failed } = await cliUnderLoad(["upgrade", "--yes", "--replica-timeout", "15"], bin);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(4);
      expect(r.stdout).toMatch(
        new RegExp(
          `upgrade to ${broken.replaceAll(".", "\\.")} was rolled back: the new API replica \\S+ did not become healthy`,
        ),
      );
      expect(await liveVersion()).toBe(next);
      expect((await readFile(join(stack.dir, ".stevie", "version"), "utf8")).trim()).toBe(next);
      // No replica of the broken build ever took traffic, so the old ones are still the ones serving.
      expect((await apiContainers()).map((c) => c.id).sort()).toEqual(before);
      report(
        `rolled-back upgrade to ${broken}: ${l.calls.length} requests, ${failed.length} failed, ${l.resent()} resent; ${r.stdout.split("\n").find((x) => x.includes("rolled back"))}`,
      );
      expect(failed.map((c) => c.error)).toEqual([]);
    },
  );

  it(
    "rollback goes back to the previous version's images, replica by replica, every request answered (issue 29)",
    { timeout: 900_000 },
    async () => {
      const before = (await apiContainers()).map((c) => c.id);
      const { r, t0, seconds, l, failed, rate } = await cliUnderLoad(["rollback", "--yes"]);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(
          `Rolled back ${next.replaceAll(".", "\\.")} -> ${current.replaceAll(".", "\\.")}: 2 API replicas replaced`,
        ),
      );
      expect(await liveVersion()).toBe(current);
      expect((await readFile(join(stack.dir, ".stevie", "version"), "utf8")).trim()).toBe(current);
      // New replicas, of the image the stack was installed with.
      const after = await apiContainers();
      expect(after.filter((c) => before.includes(c.id))).toEqual([]);
      report(
        `rollback ${next} -> ${current} in ${seconds.toFixed(0)} s under ${rate.toFixed(0)} req/s: ${l.calls.length} requests, ${failed.length} failed, ${l.resent()} resent`,
      );
      if (failed.length)
        report(
          `failed: ${failed.map((c) => c.error).join(" | ")}; output:\n${r.stdout}\nnginx:\n${await nginxErrors(t0)}`,
        );
      expect(failed.map((c) => c.error)).toEqual([]);
      expect(rate).toBeGreaterThan(50);
      // The files are the previous version's own: its install finds nothing to change.
      const plan = await runCli(["install", "--dry-run", "--dir", stack.dir]);
      expect(plan.stdout, plan.stderr).toMatch(/Nothing to do: the stack runs this configuration and is healthy/);
      // Once: a second rollback is refused and changes nothing.
      const again = await runCli(["rollback", "--yes", "--dir", stack.dir]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/nothing to roll back: the stack was rolled back from \S+ to \S+ already/);
      const audit = await runCli(["audit", "--action", "rollback", "--json", "--dir", stack.dir]);
      const entries = JSON.parse(audit.stdout) as { target: string; details: { from: string; status: string } }[];
      expect(entries[0]).toMatchObject({ target: current, details: { from: next, status: "rolled-back" } });
    },
  );
});

describe.sequential("rotating secrets under load", () => {
  const secret = async (name: string) => (await readFile(join(paths.secrets, name), "utf8")).trim();
  /** Log in to PostgreSQL through HAProxy from this host: the role acted as, or the server's refusal. */
  const pgLogin = (user: string, password: string) => loginAndAsk(stack, { user, password }, "SELECT current_user");
  /** AUTH then PING on a Redis server or Sentinel, the password on stdin: both replies. */
  const redisLogin = async (service: string, port: number, password: string) => {
    const r = await compose(paths, stack.project, ["exec", "-T", service, "stevie-redis-cli", "-p", String(port)], {
      input: `AUTH ${password}\nPING\n`,
      reject: false,
      timeoutMs: 30_000,
    });
    return r.stdout.trim();
  };
  /** A read as an etcd user, the password on stdin: "ok", or etcdctl's refusal. */
  const etcdLogin = async (user: string, password: string) => {
    const what = user === "root" ? "etcdctl auth status" : "etcdctl get --prefix /stevie-stack/ --keys-only --limit 1";
    const r = await compose(
      paths,
      stack.project,
      ["exec", "-T", "etcd-1", "sh", "-c", `ETCDCTL_USER="${user}:$(cat)" ${what} >/dev/null && echo ok`],
      { input: password, reject: false, timeoutMs: 30_000 },
    );
    return `${r.stdout}${r.stderr}`.trim();
  };
  let topology: Topology;
  beforeAll(async () => {
    topology = await stackTopology((await loadStack(stack.dir)).config);
  });

  it(
    "rotate-secrets all: every request answered (reads and database writes), the old passwords refused, exporters back",
    { timeout: 1_200_000 },
    async () => {
      const before = {
        user: await secret("postgres_user"),
        db: await secret("postgres_password"),
        monitor: await secret("postgres_monitor_password"),
        redis: await secret("redis_password"),
        superuser: await secret("postgres_superuser_password"),
        replication: await secret("postgres_replication_password"),
        etcdRoot: await secret("etcd_root_password"),
        etcdPatroni: await secret("etcd_patroni_password"),
      };
      expect(before.user).toBe("stevie");
      const streaming = "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'";
      const replicasStreaming = await loginAndAsk(stack, { user: "postgres", password: before.superuser }, streaming);
      expect(Number(replicasStreaming)).toBeGreaterThan(0);
      const reads = load(4, 10);
      const writes = newRecommendations(
        (i) => `A regional courier (${i}) that moved its fleet to electric vans and cut emissions by a third`,
      );
      await sleep(3_000);
      const t0 = Date.now();
      const r = await runCli(["rotate-secrets", "all", "--dir", stack.dir], { timeoutMs: 15 * 60_000 });
      const seconds = (Date.now() - t0) / 1000;
      await sleep(3_000);
      await Promise.all([reads.stop(), writes.stop()]);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/Rotated db, redis, etcd in \d+ s/);
      const failed = [...reads.calls, ...writes.calls].filter((c) => !c.ok);
      report(
        `rotate-secrets all in ${seconds.toFixed(0)} s under load: ${reads.calls.length} reads and ${writes.calls.length} recommendations, ${failed.length} failed, ${reads.resent()} resent`,
      );
      if (failed.length)
        report(
          `failed: ${failed.map((c) => c.error).join(" | ")}; output:\n${r.stdout}\nnginx:\n${await nginxErrors(t0)}`,
        );
      expect(failed.map((c) => c.error)).toEqual([]);
      expect(writes.calls.length).toBeGreaterThan(20);

      const after = {
        user: await secret("postgres_user"),
        db: await secret("postgres_password"),
        monitor: await secret("postgres_monitor_password"),
        redis: await secret("redis_password"),
        superuser: await secret("postgres_superuser_password"),
        replication: await secret("postgres_replication_password"),
        etcdRoot: await secret("etcd_root_password"),
        etcdPatroni: await secret("etcd_patroni_password"),
      };
      expect(after.user).toBe("stevie_alt");
      const rotatedKeys = ["db", "monitor", "redis", "superuser", "replication", "etcdRoot", "etcdPatroni"] as const;
      for (const k of rotatedKeys) expect(after[k], k).not.toBe(before[k]);
      // etcd: the old passwords are refused, the new ones let their user in (root: the authentication settings;
      // patroni: its namespace).
      for (const [user, old, now] of [
        ["root", before.etcdRoot, after.etcdRoot],
        ["patroni", before.etcdPatroni, after.etcdPatroni],
      ] as const) {
        expect(await etcdLogin(user, old), user).toMatch(/authentication failed/);
        expect(await etcdLogin(user, now), user).toBe("ok");
      }
      // Patroni took its new password: a leader, and every member reachable in etcd's view.
      await waitUntil(
        "Patroni to lead with etcd's new password",
        60_000,
        async () =>
          (await patroniMembers(new Stack(paths, stack.project), topology)).some((m) => m.role === "leader") ||
          undefined,
      );
      for (const n of [
        "postgres_user",
        "postgres_password",
        "postgres_monitor_password",
        "redis_password",
        "postgres_superuser_password",
        "postgres_replication_password",
        "etcd_root_password",
        "etcd_patroni_password",
      ])
        expect((await stat(join(paths.secrets, n))).mode & 0o777, n).toBe(0o600);
      // The superuser's password changed on the server; the replicas, whose streaming connections are cut, come back
      // with the new replication password (the old one no longer works, so that is the one Patroni reloaded).
      expect(await loginAndAsk(stack, { user: "postgres", password: before.superuser }, "SELECT 1")).toMatch(
        /refused: password authentication failed/,
      );
      const asSuperuser = (sql: string) => loginAndAsk(stack, { user: "postgres", password: after.superuser }, sql);
      expect(Number(await asSuperuser("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_replication"))).toBe(
        Number(replicasStreaming),
      );
      await waitUntil(
        "the replicas to stream again",
        60_000,
        async () => (await asSuperuser(streaming)) === replicasStreaming,
      );
      // The second role acts as the owner; the first no longer logs in, with either password.
      expect(await pgLogin("stevie_alt", after.db)).toBe("stevie");
      expect(await pgLogin("stevie", before.db)).toMatch(/refused: password authentication failed/);
      expect(await pgLogin("stevie", after.db)).toMatch(/refused: password authentication failed/);
      expect(await pgLogin("stevie_monitor", before.monitor)).toMatch(/refused: password authentication failed/);
      for (const [service, port] of [
        ["redis-1", 6379],
        ["redis-2", 6379],
        ["sentinel-1", 26379],
        ["sentinel-3", 26379],
      ] as const) {
        expect(await redisLogin(service, port, before.redis), service).toMatch(/WRONGPASS/);
        expect(await redisLogin(service, port, after.redis), service).toBe("OK\nPONG");
      }
      // The exporters log in with the new passwords; Sentinel still agrees on a master.
      await waitUntil(
        "the exporters to log in again",
        90_000,
        async () => (await promValue("min(pg_up)")) === 1 && (await promValue("min(redis_up)")) === 1,
      );
      // The recreated exporters report healthy after their first probe (up to one interval after they started).
      let status = "";
      await waitUntil("status to report the stack healthy", 60_000, async () => {
        status = (await runCli(["status", "--json", "--dir", stack.dir])).stdout;
        return (JSON.parse(status) as { healthy: boolean }).healthy;
      }).catch((e: Error) => {
        throw new Error(`${e.message}; last status: ${status}`);
      });
      // No new value in any container's log.
      const logs = await compose(paths, stack.project, ["logs", "--no-color", "--since", new Date(t0).toISOString()], {
        reject: false,
        timeoutMs: 120_000,
      });
      for (const k of rotatedKeys) expect(`${logs.stdout}${logs.stderr}`.includes(after[k]), k).toBe(false);

      // The next rotation goes back to the first role: the alternation is cli/stack/rotate.test.ts's; one rotation
      // here proves the switch on the real cluster.
      const audit = await runCli(["audit", "--action", "rotate-secrets", "--json", "--dir", stack.dir]);
      expect(audit.code, audit.stderr).toBe(0);
      const entries = JSON.parse(audit.stdout) as { action: string; target: string; details: { rotated: string[] } }[];
      expect(entries.slice(0, 1).map((e) => [e.target, e.details.rotated])).toEqual([
        ["db,redis,etcd", ["db", "redis", "etcd"]],
      ]);
      const bad = await runCli(["rotate-secrets", "everything", "--dir", stack.dir]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/cannot rotate "everything"/);
    },
  );
});

describe.sequential("renewing PostgreSQL's certificate under load (issue 29)", () => {
  it(
    "recreates the members one at a time (replicas first, a switchover, then the former leader): reads never fail, writes pause for the switchover only",
    { timeout: 900_000 },
    async () => {
      const s = new Stack(paths, stack.project);
      const topo = await stackTopology((await loadStack(stack.dir)).config);
      const leaderBefore = (await patroniMembers(s, topo)).find((m) => m.role === "leader")?.member;
      // PostgreSQL's certificate as it would be 377 days after install: the same key and CA, 20 days left.
      await resignShort(paths.tls, "postgres", 20);
      const members = async () =>
        (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).filter((c) =>
          /^postgres-\d$/.test(c.service),
        );
      const before = await members();
      const reads = load(4, 10);
      const writes = newRecommendations((i) => `A family bakery (${i}) that renewed its ovens and halved its gas bill`);
      await sleep(3_000);
      const t0 = Date.now();
      const r = await runCli(["install", "--non-interactive", "--dir", stack.dir], { timeoutMs: 15 * 60_000 });
      const seconds = (Date.now() - t0) / 1000;
      await sleep(3_000);
      await Promise.all([reads.stop(), writes.stop()]);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      const output = `${r.stdout}\n${r.stderr}`;
      const moved = /switched the leader over from (postgres-\d) to (postgres-\d)/.exec(output);
      // Every member was recreated, and each now holds the renewed certificate.
      const after = await members();
      expect(after.filter((c) => before.some((b) => b.id === c.id))).toEqual([]);
      for (const m of after) {
        const pem = await compose(paths, stack.project, [
          "exec",
          "-T",
          m.service,
          "cat",
          "/run/secrets/postgres_tls_cert",
        ]);
        const days = (Date.parse(new X509Certificate(pem.stdout).validTo) - Date.now()) / 86_400_000;
        expect(days, m.service).toBeGreaterThan(390);
      }
      const failedReads = reads.calls.filter((c) => !c.ok);
      const failedWrites = writes.calls.filter((c) => !c.ok);
      const span = (calls: { start: number; end: number }[]) =>
        calls.length
          ? ((Math.max(...calls.map((c) => c.end)) - Math.min(...calls.map((c) => c.start))) / 1000).toFixed(1)
          : "0";
      report(
        `renewing PostgreSQL's certificate: ${seconds.toFixed(0)} s, leader ${moved?.[1]} -> ${moved?.[2]}; ${reads.calls.length} reads, ${failedReads.length} failed; ${writes.calls.length} recommendations, ${failedWrites.length} failed (within ${span(failedWrites)} s)`,
      );
      if (failedWrites.length) report(`failed writes: ${[...new Set(failedWrites.map((c) => c.error))].join(" | ")}`);
      expect(moved?.[1], output).toBe(leaderBefore);
      expect(failedReads.map((c) => c.error)).toEqual([]);
      expect(writes.calls.length).toBeGreaterThan(20);
      // The writes that failed did so in one short stretch: the switchover, not each member's restart.
      expect(Number(span(failedWrites))).toBeLessThan(10);
    },
  );
});
