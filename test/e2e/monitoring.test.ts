import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { packageVersion } from "../../cli/package-root.js";
import { activeAlerts, prometheusGet } from "../../cli/stack/alerts.js";
import { stackPaths } from "../../cli/stack/paths.js";
import { imageRef } from "../../cli/stack/services/common.js";
import { parseConfig } from "../../cli/config/load.js";
import { renderLogsRules, renderStackRules } from "../../cli/stack/services/monitoring.js";
import { dashboardExpressions } from "../../grafana/dashboards.js";
import { cliBin, runCli } from "../setup/cli.js";
import { freePort } from "../setup/ports.js";
import { trpcClient } from "../setup/client.js";
import { LOGS_ALERT_CASES, STACK_VALUES } from "../monitoring/alert-cases.js";
import { metricNames, promtoolTests } from "../monitoring/promtool-tests.js";
import { compose } from "../../cli/stack/handle.js";
import { Stack } from "../../cli/stack/handle.js";
import { waitUntil } from "../setup/wait.js";
import { startAlertReceivers, type AlertReceivers } from "../fakes/alert-receivers.js";
import { bridgeGateway, testCa } from "../setup/test-ca.js";

/**
 * Prometheus, Alertmanager and the exporters in the real stack: their own checkers accept the generated files,
 * promtool's unit tests of every alert pass, every metric an alert rule reads and every Grafana dashboard query
 * answers in the live stack, and an API replica that stops makes APIReplicaDown fire (shown by `stevie-stack status`
 * too). Figures go to `[monitoring]`.
 */
const stack = inject("stack");
const paths = stackPaths(stack.dir);
const report = (line: string) => process.stderr.write(`[monitoring] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inService(service: string, args: string[]) {
  return compose(paths, stack.project, ["exec", "-T", service, ...args], { reject: false, timeoutMs: 60_000 });
}

const prom = async <T>(path: string): Promise<T> =>
  (JSON.parse(await prometheusGet(new Stack(paths, stack.project), path)) as { data: T }).data;
const instant = (q: string) =>
  prom<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
    `/api/v1/query?query=${encodeURIComponent(q)}`,
  ).then((d) => d.result);

const SMTP_PASSWORD = "relay-pass-7f3a9c1e";
let receivers: AlertReceivers | undefined;
let workDir: string | undefined;
const amContainer = async () =>
  (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).find((c) => c.service === "alertmanager")!;

afterAll(async () => {
  // The receivers go away with this file: the stack sends alerts nowhere again.
  if (receivers) {
    const r = await runCli(["config", "set", "monitoring.alerts", "{}", "--dir", stack.dir], { timeoutMs: 240_000 });
    if (r.code !== 0) report(`could not take the receivers out: ${r.stderr}`);
    await receivers.close();
  }
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.sequential("monitoring in the live stack", () => {
  it("opens Prometheus's and Alertmanager's UIs on this host's loopback through Docker, and only there (issue 25)", async () => {
    const port = await freePort();
    for (const [service, path, answer] of [
      ["prometheus", "/-/ready", /Prometheus Server is Ready/],
      ["alertmanager", "/api/v2/status", /"cluster"/],
    ] as const) {
      const child = spawn(process.execPath, [cliBin, "forward", service, "--port", String(port), "--dir", stack.dir]);
      try {
        const line = await new Promise<string>((resolve, reject) => {
          child.stdout.on("data", (d: Buffer) => resolve(d.toString()));
          child.on("exit", (code) => reject(new Error(`forward ${service} exited ${code}`)));
        });
        expect(line).toContain(`${service} on http://127.0.0.1:${port}/`);
        // Several at once, as a browser opens them: each its own way through.
        const pages = await Promise.all(
          Array.from({ length: 4 }, () =>
            fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) }),
          ),
        );
        for (const page of pages) {
          expect(page.status, service).toBe(200);
          expect(await page.text(), service).toMatch(answer);
        }
        // The port is taken while it runs: a second one says so.
        const second = await runCli(["forward", service, "--port", String(port), "--dir", stack.dir]);
        expect(second.code).not.toBe(0);
        expect(second.stderr).toContain(`127.0.0.1:${port} is taken`);
      } finally {
        child.kill("SIGINT");
        expect(await new Promise((resolve) => child.on("close", resolve))).toBe(0);
      }
    }
    const unknown = await runCli(["forward", "postgres-1", "--dir", stack.dir]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/forward serves no postgres-1[\s\S]*prometheus, alertmanager/);
  });

  it("promtool and amtool accept the generated configuration and rules", async () => {
    const config = await inService("prometheus", ["promtool", "check", "config", "/etc/prometheus/prometheus.yml"]);
    expect(config.exitCode, config.stdout + config.stderr).toBe(0);
    expect(config.stdout).toMatch(/SUCCESS: 3 rule files found/);
    const am = await inService("alertmanager", ["amtool", "check-config", "/etc/alertmanager/alertmanager.yml"]);
    expect(am.exitCode, am.stdout + am.stderr).toBe(0);
    expect(am.stdout).toMatch(/SUCCESS/);
  });

  it(
    "promtool's unit tests: every alert fires just above its threshold and stays silent just below",
    { timeout: 120_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "stevie-promtool-"));
      try {
        const rules = await readFile(join(paths.dir, "monitoring", "rules", "alerts.yml"), "utf8");
        await writeFile(join(dir, "alerts.yml"), rules);
        await writeFile(join(dir, "stack.yml"), renderStackRules(STACK_VALUES));
        await writeFile(join(dir, "tests.yml"), promtoolTests(rules, ["alerts.yml", "stack.yml"]));
        // The log store's rule, as written when monitoring.logs is on (this stack runs without it).
        const logsRules = renderLogsRules(parseConfig({ monitoring: { logs: { enabled: true } } }, "test"));
        await writeFile(join(dir, "logs.yml"), logsRules);
        await writeFile(join(dir, "logs-tests.yml"), promtoolTests(logsRules, ["logs.yml"], LOGS_ALERT_CASES));
        const r = await run(
          "docker",
          [
            "run",
            "--rm",
            "-v",
            `${dir}:/t:ro`,
            "-w",
            "/t",
            imageRef("monitoring", packageVersion()),
            "promtool",
            "test",
            "rules",
            "tests.yml",
            "logs-tests.yml",
          ],
          { reject: false, timeoutMs: 100_000 },
        );
        expect(r.exitCode, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toMatch(/SUCCESS/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it(
    "scrapes every target of the stack; every metric the alert rules read and every dashboard query has a series",
    { timeout: 480_000 },
    async () => {
      // Traffic first, so the API's request, procedure and cache series exist since its last restart.
      const client = trpcClient(stack);
      for (let i = 0; i < 3; i++)
        await client.recommend.query({
          description: "A regional bank that rebuilt its mobile app around accessibility for blind customers.",
          topK: 3,
        });
      // Drill figures exist once a drill ran (the backup suite runs several before this one; alone, run one here).
      if (!(await instant("count(stevie_drill_last_pass)")).length) {
        const d = await runCli(["drill", "--dir", stack.dir], { timeoutMs: 300_000 });
        expect(d.code, d.stderr).toBe(0);
      }

      type Target = { labels: { job: string; instance: string }; health: string; lastError: string };
      let down: Target[] = [];
      const deadline = Date.now() + 120_000;
      let targets: Target[] = [];
      do {
        targets = (await prom<{ activeTargets: Target[] }>("/api/v1/targets?state=active")).activeTargets;
        down = targets.filter((t) => t.health !== "up");
        // A replica replaced just before (the previous file's rollout) stays a target until Prometheus asks Docker's
        // DNS again (every 10 s), still "up" from its last scrape: wait for the two that serve.
        if (!down.length && targets.filter((t) => t.labels.job === "api").length === 2) break;
        await sleep(5_000);
      } while (Date.now() < deadline);
      expect(down.map((t) => `${t.labels.job} ${t.labels.instance}: ${t.lastError}`)).toEqual([]);
      const jobs = [...new Set(targets.map((t) => t.labels.job))].sort();
      expect(jobs).toEqual([
        "alertmanager",
        "api",
        "haproxy",
        "nginx",
        "node",
        "patroni",
        "postgres",
        "prometheus",
        "redis",
        "sentinel",
      ]);
      expect(targets.filter((t) => t.labels.job === "api")).toHaveLength(2);
      report(`${targets.length} targets up: ${jobs.join(", ")}`);

      // Every metric an alert or recording rule reads (after a rule evaluation or two, for the recording rules).
      type RuleGroup = { rules: { name: string; query: string; type: string }[] };
      const groups = (await prom<{ groups: RuleGroup[] }>("/api/v1/rules")).groups;
      const rules = groups.flatMap((g) => g.rules);
      expect(rules.filter((r) => r.type === "alerting").length).toBeGreaterThanOrEqual(25);
      const names = [...new Set(rules.flatMap((r) => metricNames(r.query)))].sort();
      let missing: string[] = [];
      for (let attempt = 0; attempt < 12; attempt++) {
        missing = [];
        for (const n of names) if (!(await instant(`count({__name__="${n}"})`)).length) missing.push(n);
        if (!missing.length) break;
        await sleep(10_000);
      }
      expect(missing).toEqual([]);
      report(`${names.length} metrics read by ${rules.length} rules: every one has a series`);

      // Every expression of every Grafana dashboard answers with at least one series.
      // A rate needs two scrapes of a series: an API replica replaced just before this test (by an earlier file) has
      // its counters from the traffic above after one scrape only.
      let empty: string[] = [];
      for (let attempt = 0; attempt < 12; attempt++) {
        empty = [];
        for (const e of dashboardExpressions())
          if (!(await instant(e.expr)).length) empty.push(`${e.dashboard} / ${e.panel}: ${e.expr}`);
        if (!empty.length) break;
        await sleep(10_000);
      }
      expect(empty).toEqual([]);
      report(`${dashboardExpressions().length} dashboard queries: every one returns a series`);

      // A few figures that show the exporters read the real thing.
      expect(Number((await instant("sum(patroni_primary)"))[0]?.value[1])).toBe(1);
      expect(Number((await instant('count(redis_instance_info{job="redis", role="master"})'))[0]?.value[1])).toBe(1);
      expect(Number((await instant("max(stevie_backup_sets)"))[0]?.value[1])).toBeGreaterThan(0);
      expect(
        Number((await instant("min(stevie_tls_certificate_expiry_timestamp_seconds) - time()"))[0]?.value[1]),
      ).toBeGreaterThan(300 * 86400);
      // Every certificate of the stack, from the CLI's file that node-exporter serves: the edge's and the services'.
      const certificates = await instant("stevie_tls_certificate_expiry_timestamp_seconds");
      expect(certificates.map((c) => c.metric.certificate).sort()).toEqual([
        "etcd",
        "patroni-client",
        "postgres",
        "redis",
        "server",
      ]);
      // Each container's use, from the ops service's file (issue 29 point 3): the services by name, each within its limit.
      const use = await instant("stevie_container_memory_bytes / stevie_container_memory_limit_bytes");
      expect(use.map((u) => u.metric.service)).toEqual(
        expect.arrayContaining(["api", "nginx", "postgres-1", "redis-1", "etcd-1", "prometheus", "ops"]),
      );
      for (const u of use) expect(Number(u.value[1]), u.metric.service).toBeGreaterThan(0);
      for (const u of use) expect(Number(u.value[1]), u.metric.service).toBeLessThan(1);
    },
  );

  it(
    "alerts reach a webhook and a mail relay (STARTTLS, login, the password a secret); `alerts test`, silence, unsilence (issue 29)",
    { timeout: 300_000 },
    async () => {
      const gateway = await bridgeGateway();
      workDir = await mkdtemp(join(tmpdir(), "stevie-alerts-"));
      const ca = await testCa(workDir, "smtp");
      receivers = await startAlertReceivers({
        host: gateway,
        tls: await ca.issue("relay", `IP:${gateway}`),
        user: "alerts@stevie.test",
        password: SMTP_PASSWORD,
      });
      const email = {
        to: "oncall@stevie.test",
        from: "stack@stevie.test",
        smarthost: receivers.smarthost,
        username: "alerts@stevie.test",
        caFile: ca.ca,
      };
      // Without the password in the environment the change is refused, and nothing changes.
      const refused = await runCli(
        ["config", "set", "monitoring.alerts.email", JSON.stringify(email), "--dir", stack.dir],
        { timeoutMs: 60_000 },
      );
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/STEVIE_SMTP_PASSWORD was never given/);
      const set = await runCli(
        [
          ...["config", "set", "monitoring.alerts.webhookUrl", receivers.webhookUrl],
          ...["monitoring.alerts.email", JSON.stringify(email), "--dir", stack.dir],
        ],
        { timeoutMs: 240_000, env: { STEVIE_SMTP_PASSWORD: SMTP_PASSWORD } },
      );
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout + set.stderr).not.toContain(SMTP_PASSWORD);
      // The password is a 0600 file Alertmanager's user reads, in neither its configuration nor its container's.
      const secret = await stat(join(paths.secrets, "alert_smtp_password"));
      expect(secret.mode & 0o777).toBe(0o600);
      expect(await readFile(join(paths.dir, "monitoring", "alertmanager.yml"), "utf8")).not.toContain(SMTP_PASSWORD);
      const am = await inService("alertmanager", ["amtool", "check-config", "/etc/alertmanager/alertmanager.yml"]);
      expect(am.exitCode, am.stdout + am.stderr).toBe(0);
      const inspect = await run("docker", ["inspect", (await amContainer()).id]);
      expect(inspect.stdout).not.toContain(SMTP_PASSWORD);

      // `alerts test`: through both, at once (critical), then its resolution.
      const sent = Date.now();
      const t = await runCli(["alerts", "test", "--dir", stack.dir]);
      expect(t.code, t.stderr).toBe(0);
      expect(t.stdout).toMatch(/StevieStackTest .*webhook, mail to oncall@stevie\.test/);
      const hook = await waitUntil("the test alert at the webhook", 60_000, async () =>
        receivers!.posts.find((p) => p.groupLabels.alertname === "StevieStackTest"),
      );
      const mail = await waitUntil("the test alert by mail", 60_000, async () =>
        receivers!.mails.find((m) => m.data.includes("StevieStackTest")),
      );
      expect(hook.status).toBe("firing");
      expect(mail).toMatchObject({ user: "alerts@stevie.test", secure: true });
      expect(mail.data).toMatch(/^To: oncall@stevie\.test/m);
      expect(receivers.refusedLogins).toEqual([]);
      report(
        `alerts test: webhook after ${((hook.receivedAt - sent) / 1000).toFixed(1)} s, mail (STARTTLS, login) after ${((mail.receivedAt - sent) / 1000).toFixed(1)} s`,
      );

      // A silence holds a notification back; it shows in `alerts list`; unsilence lifts it.
      const badFor = await runCli(["alerts", "silence", "HighCPU", "--for", "2 weeks", "--dir", stack.dir]);
      expect(badFor.code).toBe(2);
      expect(badFor.stderr).toMatch(/--for must be a duration from 1m to 90d/);
      const sil = await runCli(["alerts", "silence", "StevieStackTest", "--for", "2h", "--dir", stack.dir]);
      expect(sil.code, sil.stderr).toBe(0);
      const again = await runCli(["alerts", "test", "--dir", stack.dir]);
      expect(again.code, again.stderr).toBe(0);
      const listed = JSON.parse(
        (
          await waitUntil("Alertmanager to hold the silenced test alert back", 60_000, async () => {
            const l = await runCli(["alerts", "list", "--json", "--dir", stack.dir]);
            return (JSON.parse(l.stdout) as { held: string[] }).held.includes("StevieStackTest") ? l : undefined;
          })
        ).stdout,
      ) as { silences: { id: string; comment: string }[]; held: string[] };
      expect(listed.silences.map((x) => x.comment)).toContain("set with `stevie-stack alerts silence`");
      const human = await runCli(["alerts", "list", "--dir", stack.dir]);
      expect(human.stdout).toMatch(/Silences \(1\):\n {2}\S+ {2}StevieStackTest {2}until /);
      const none = await runCli(["alerts", "unsilence", "NoSuchAlert", "--dir", stack.dir]);
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/no active silence covers NoSuchAlert/);
      const un = await runCli(["alerts", "unsilence", "StevieStackTest", "--dir", stack.dir]);
      expect(un.code, un.stderr).toBe(0);
      expect(un.stdout).toMatch(/Lifted 1 silence/);
      const after = JSON.parse((await runCli(["alerts", "list", "--json", "--dir", stack.dir])).stdout) as {
        silences: unknown[];
      };
      expect(after.silences).toEqual([]);
    },
  );

  it(
    "an API replica that stops makes APIReplicaDown fire within its 1-minute window; status lists it; it resolves",
    { timeout: 420_000 },
    async () => {
      const replicas = (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).filter(
        (c) => c.service === "api" && c.state === "running",
      );
      expect(replicas.length).toBe(2);
      const victim = replicas[0]!;
      const stopped = Date.now();
      await run("docker", ["stop", victim.id]);
      try {
        let firingAfter: number | undefined;
        while (Date.now() - stopped < 240_000) {
          const alerts = await activeAlerts(new Stack(paths, stack.project));
          if (alerts.some((a) => a.name === "APIReplicaDown" && a.state === "firing")) {
            firingAfter = (Date.now() - stopped) / 1000;
            break;
          }
          await sleep(2_000);
        }
        expect(firingAfter, "APIReplicaDown never fired").toBeDefined();
        // 1 minute of `for`, plus DNS refresh (10 s), a scrape and a rule evaluation (15 s each).
        expect(firingAfter!).toBeLessThan(60 + 10 + 15 + 15 + 30);
        report(`APIReplicaDown firing ${firingAfter!.toFixed(0)} s after an API replica stopped (for: 1m)`);
        const status = await runCli(["status", "--dir", stack.dir]);
        expect(status.stdout).toMatch(/FIRING\s+critical\s+APIReplicaDown/);
        if (receivers) {
          // Delivered: one notification of its group (alertname, severity) to the webhook, and a mail.
          const firedAt = stopped + firingAfter! * 1000;
          const hook = await waitUntil("APIReplicaDown at the webhook", 60_000, async () =>
            receivers!.posts.find((p) => p.groupLabels.alertname === "APIReplicaDown" && p.status === "firing"),
          );
          expect(hook.groupLabels).toEqual({ alertname: "APIReplicaDown", severity: "critical" });
          expect(hook.alerts.every((a) => a.labels.alertname === "APIReplicaDown")).toBe(true);
          expect((hook.receivedAt - firedAt) / 1000).toBeLessThanOrEqual(60);
          const mail = await waitUntil("APIReplicaDown by mail", 60_000, async () =>
            receivers!.mails.find((m) => /Subject: \[FIRING:\d+\] APIReplicaDown/.test(m.data)),
          );
          // Measured from the stop: Prometheus's "firing" above is seen by polling every 2 s.
          report(
            `APIReplicaDown delivered ${((hook.receivedAt - stopped) / 1000).toFixed(1)} s (webhook) and ${((mail.receivedAt - stopped) / 1000).toFixed(1)} s (mail) after the replica stopped; seen firing at ${firingAfter!.toFixed(0)} s`,
          );
        }
      } finally {
        await run("docker", ["start", victim.id]);
      }
      const back = Date.now();
      let resolved = false;
      while (Date.now() - back < 150_000) {
        if (!(await activeAlerts(new Stack(paths, stack.project))).some((a) => a.name === "APIReplicaDown")) {
          resolved = true;
          break;
        }
        await sleep(3_000);
      }
      expect(resolved).toBe(true);
      report(`APIReplicaDown resolved ${((Date.now() - back) / 1000).toFixed(0)} s after the replica started again`);
      if (receivers) {
        // The resolved notice, to both (critical alerts are regrouped every minute).
        const hook = await waitUntil("APIReplicaDown's resolved notice at the webhook", 150_000, async () =>
          receivers!.posts.find((p) => p.groupLabels.alertname === "APIReplicaDown" && p.status === "resolved"),
        );
        await waitUntil("APIReplicaDown's resolved notice by mail", 60_000, async () =>
          receivers!.mails.find((m) => /Subject: \[RESOLVED\] APIReplicaDown/.test(m.data)),
        );
        report(
          `APIReplicaDown's resolved notice ${((hook.receivedAt - back) / 1000).toFixed(0)} s after the replica started`,
        );
      }
    },
  );
});
