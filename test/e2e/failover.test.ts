import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadStack, stackTopology } from "../../cli/commands/status.js";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { patroniMembers, redisTopology } from "../../cli/stack/cluster.js";
import { stackPaths } from "../../cli/stack/paths.js";
import type { Topology } from "../../cli/stack/topology.js";
import { runCli } from "../setup/cli.js";
import { trpcClient } from "../setup/client.js";
import { probeTable, stackSecret } from "../setup/data.js";
import { steady } from "../setup/load.js";
import { writeTestConfig } from "../setup/stack.js";
import { waitUntil } from "../setup/wait.js";

/**
 * Failover of each part of the data tier and of one API replica, in the real stack, each under a steady load from
 * this process. Runs after every other e2e file (see the sequencer in vitest.config.ts): it stops containers.
 * The figures are printed as `[failover] ...` lines and recorded in docs/performance.md.
 */
const stack = inject("stack");
const paths = stackPaths(stack.dir);
const report = (line: string) => process.stderr.write(`[failover] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let topo: Topology;

async function containerOf(service: string): Promise<docker.ContainerState> {
  const c = (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).find((x) => x.service === service);
  if (!c) throw new Error(`no container for ${service}`);
  return c;
}

/** What HAProxy and Patroni say about roles and health checks: the lines a failing test shows. */
const EVENTS = /is DOWN|is UP|failsafe|demot|promot|failed to update|DCS|Lock owner|Selected new etcd/;

/** The lines of a service's log since `since` that match `pattern`, the last `last` of them. */
async function logLines(service: string, since: string, pattern: RegExp, last = 40): Promise<string> {
  const r = await run("docker", ["logs", "--since", since, (await containerOf(service)).id], { reject: false });
  return `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => pattern.test(l)).slice(-last).join("\n");
}

/** Wait (up to a minute) until `op` succeeds `n` times in a row; the errors seen on the way, for the report. */
async function recovers(op: () => Promise<unknown>, n = 5): Promise<string[]> {
  const errors: string[] = [];
  const deadline = Date.now() + 60_000;
  for (let streak = 0; streak < n; ) {
    if (Date.now() > deadline) throw new Error(`no ${n} successful calls in a row within 60 s; errors: ${errors.slice(-5).join(" | ")}`);
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
function longestGap(calls: { end: number; ok: boolean }[], from: number): number {
  const oks = calls.filter((c) => c.ok && c.end >= from).map((c) => c.end).sort((a, b) => a - b);
  let prev = from;
  let gap = 0;
  for (const t of oks) {
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  return gap;
}

/**
 * A psql loop in a container of its own on the data network, through HAProxy, with no timeout of its own (libpq
 * waits for ever by default): each call's start, end and outcome. `stop()` also counts a call still running.
 */
async function psqlCanary(member: string, from: number): Promise<{ stop: () => Promise<{ acked: number[]; failed: number; longestMs: number; longestStart: number }> }> {
  const image = (await run("docker", ["inspect", "-f", "{{.Config.Image}}", (await containerOf(member)).id])).stdout.trim();
  const loop = `n=${from}; while :; do n=$((n+1)); a=$(date +%s%3N); if psql -qAtX -c "INSERT INTO failover_probe (seq) VALUES ($n)" >/dev/null 2>&1; then r=ok; else r=err; fi; echo "$a $(date +%s%3N) $r $n"; sleep 0.05; done`;
  const id = (
    // Labelled as the stack's: if the test fails before stop(), uninstall removes it (and can remove the network).
    await run("docker", ["run", "-d", "--rm", "--label", `${docker.PROJECT_LABEL}=${stack.project}`, "--network", `${stack.project}_data`, "-e", "PGHOST=haproxy", "-e", "PGDATABASE=stevie", "-e", "PGUSER", "-e", "PGPASSWORD", "--entrypoint", "sh", image, "-c", loop], {
      env: { PGUSER: await stackSecret(stack, "postgres_user"), PGPASSWORD: await stackSecret(stack, "postgres_password") },
    })
  ).stdout.trim();
  return {
    async stop() {
      const stoppedAt = Date.now();
      const out = (await run("docker", ["logs", id])).stdout;
      await run("docker", ["rm", "-f", id], { reject: false });
      const calls = out.trim().split("\n").map((l) => l.split(" ")).filter((f) => f.length === 4).map(([a, b, r, n]) => ({ start: Number(a), end: Number(b), ok: r === "ok", n: Number(n) }));
      // A call still running when stopped counts from the end of the one before.
      const running = { start: calls.at(-1)?.end ?? stoppedAt, end: stoppedAt };
      const longest = [...calls, running].reduce((x, c) => (c.end - c.start > x.end - x.start ? c : x));
      return { acked: calls.filter((c) => c.ok).map((c) => c.n), failed: calls.filter((c) => !c.ok).length, longestMs: longest.end - longest.start, longestStart: longest.start };
    },
  };
}

beforeAll(async () => {
  const { config } = await loadStack(stack.dir);
  topo = await stackTopology(config);
  // The load below comes from this host through Docker's proxy, i.e. from the edge network's gateway: exempt it from
  // nginx's per-IP limit, the way an operator exempts a monitoring host. Re-running install applies the change.
  const gateway = (await run("docker", ["network", "inspect", "-f", "{{range .IPAM.Config}}{{.Gateway}}{{end}}", `${stack.project}_edge`])).stdout.trim();
  expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  // The API's own per-client limit (1,000 an hour by default) would refuse the few thousand calls below as well.
  const cfg = await writeTestConfig(stack.dir, stack.project, stack.httpPort, stack.httpsPort, `edge:\n  exempt: ["${gateway}"]\n`);
  const r = await runCli(["install", "--non-interactive", "--config", cfg, "--dir", stack.dir], { timeoutMs: 10 * 60_000 });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
}, 15 * 60_000);

describe.sequential("failover under load", () => {
  let pool: pg.Pool;

  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ pool, drop } = await probeTable(stack, "failover_probe"));
  });

  afterAll(async () => {
    await drop?.();
  });

  it("Patroni leader crashed (SIGKILL): a replica takes over, no acknowledged write is lost, no client without timeouts hangs, the old leader rejoins", { timeout: 300_000 }, async () => {
    const before = await patroniMembers(paths, stack.project, topo);
    const leader = before.find((m) => m.role === "leader")!.member;
    const acked: number[] = [];
    const writes = steady(async (i) => {
      await pool.query("INSERT INTO failover_probe (seq) VALUES ($1)", [i]);
      acked.push(i);
    }, 20);
    const api = trpcClient(stack);
    const reads = steady(() => api.categories.get.query({ code: "ABA-CORP-001" }), 100);
    const canary = await psqlCanary(leader, 5_000_000);
    await sleep(2_000);

    const old = await containerOf(leader);
    const since = new Date().toISOString();
    const t0 = Date.now();
    // SIGKILL: no shutdown, so the leader key is not handed over and must expire (the member's sockets close with it).
    await run("docker", ["kill", old.id]);
    const newLeader = await waitUntil("a new leader", 90_000, async () => (await patroniMembers(paths, stack.project, topo)).find((m) => m.role === "leader" && m.member !== leader)?.member);
    await waitUntil("writes to succeed again", 30_000, async () => writes.calls.some((c) => c.ok && c.start > Date.now() - 1_000) || undefined);
    const writeGap = longestGap(writes.calls, t0);

    await run("docker", ["start", old.id]);
    await waitUntil(`${leader} to rejoin as a streaming replica`, 180_000, async () => {
      const m = (await patroniMembers(paths, stack.project, topo)).find((x) => x.member === leader);
      return m && m.role !== "leader" && m.state === "streaming" ? m : undefined;
    });
    const rejoinS = (Date.now() - t0) / 1000;
    await sleep(1_000);
    await writes.stop();
    await reads.stop();
    const psql = await canary.stop();

    const stored = new Set((await pool.query<{ seq: number }>("SELECT seq FROM failover_probe")).rows.map((r) => r.seq));
    const lost = acked.filter((s) => !stored.has(s));
    const psqlLost = psql.acked.filter((s) => !stored.has(s));
    const failedWrites = writes.calls.filter((c) => !c.ok).length;
    const failedReads = reads.calls.filter((c) => !c.ok && c.start >= t0).length;
    // After the event the API reads again (its pool reconnected through HAProxy without a restart).
    const late = await recovers(() => api.categories.get.query({ code: "ABA-CORP-001" }));
    const readErrors = [...new Set(reads.calls.filter((c) => !c.ok).map((c) => c.error))].join(" | ");
    report(
      `postgres leader crash (SIGKILL, ${leader} -> ${newLeader}, synchronous): writes unavailable ${(writeGap / 1000).toFixed(1)} s; ${acked.length} acknowledged, ${lost.length} lost; ` +
        `psql without timeouts: ${psql.acked.length} acknowledged, ${psqlLost.length} lost, longest call ${(psql.longestMs / 1000).toFixed(1)} s (from ${((psql.longestStart - t0) / 1000).toFixed(1)} s), ${psql.failed} failed; ` +
        `${failedWrites} writes and ${failedReads}/${reads.calls.length} API reads failed during the event; old leader streaming again after ${rejoinS.toFixed(0)} s${readErrors ? `; read errors: ${readErrors}` : ""}${late.length ? `; ${late.length} more before reads recovered` : ""}`,
    );
    const account = `haproxy:\n${await logLines("haproxy", since, EVENTS)}\n${newLeader}:\n${await logLines(newLeader, since, EVENTS)}`;
    expect(newLeader).not.toBe(leader);
    // Patroni's leader key outlives a crashed leader by up to its ttl (20 s, Patroni's minimum); then one turn (1 s),
    // the promotion and HAProxy's next check; the writer's own connect timeout (3 s) can add to the gap it sees.
    // Measured 22.6-24.6 s (issue 23 asks for 15 s: see docs/design.md).
    expect(writeGap, account).toBeLessThanOrEqual(30_000);
    expect(lost).toEqual([]);
    expect(psqlLost).toEqual([]);
    // A client that sets no timeout of its own is never left waiting on the dead member: its calls end (with an error
    // or an answer) within the failover.
    expect(psql.longestMs, account).toBeLessThan(writeGap + 5_000);
    expect(psql.acked.length).toBeGreaterThan(20);
    expect(acked.length).toBeGreaterThan(100);
  });

  it("switchover moves the leader on purpose: writes pause briefly and none is lost", { timeout: 180_000 }, async () => {
    const before = (await patroniMembers(paths, stack.project, topo)).find((m) => m.role === "leader")!.member;
    const acked: number[] = [];
    const writes = steady(async (i) => {
      await pool.query("INSERT INTO failover_probe (seq) VALUES ($1)", [2_000_000 + i]);
      acked.push(2_000_000 + i);
    }, 20);
    await sleep(1_000);
    const t0 = Date.now();
    const r = await runCli(["switchover", "--json", "--dir", stack.dir], { timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { from: string; to: string; leader?: string; replicasReady: boolean };
    expect(s.replicasReady).toBe(true);
    await waitUntil("writes after the switchover", 30_000, async () => writes.calls.some((c) => c.ok && c.start > Date.now() - 1_000) || undefined);
    await writes.stop();
    const gap = longestGap(writes.calls, t0);
    const stored = new Set((await pool.query<{ seq: number }>("SELECT seq FROM failover_probe WHERE seq >= 2000000")).rows.map((x) => x.seq));
    report(`switchover ${s.from} -> ${s.to}: writes paused ${(gap / 1000).toFixed(1)} s; ${acked.length} acknowledged, ${acked.filter((x) => !stored.has(x)).length} lost`);
    expect(s.from).toBe(before);
    expect(s.to).not.toBe(before);
    expect(s.leader).toBe(s.to);
    expect(acked.filter((x) => !stored.has(x))).toEqual([]);
    const members = await patroniMembers(paths, stack.project, topo);
    expect(members.find((m) => m.member === before)?.role).not.toBe("leader");
  });

  it("a backup cut off by a leader failover fails with a clear message; earlier backups stay; the next one runs on the new leader", { timeout: 300_000 }, async () => {
    const cli = (args: string[]) => runCli([...args, "--dir", stack.dir], { timeoutMs: 10 * 60_000 });
    const setsBefore = (JSON.parse((await cli(["backup", "list", "--json"])).stdout) as { label: string }[]).map((b) => b.label);
    // Synchronous replication: Patroni promotes only the member it named synchronous standby (the switchover before
    // this returns once it has named one again).
    await waitUntil("a synchronous standby", 60_000, async () => (await patroniMembers(paths, stack.project, topo)).find((m) => m.role === "sync-standby" && m.state === "streaming"));
    const leader = (await patroniMembers(paths, stack.project, topo)).find((m) => m.role === "leader")!.member;
    const backup = cli(["backup", "--type", "full", "--json"]);
    // Stop the leader once pgBackRest has started copying on it.
    await waitUntil("the backup to start", 60_000, async () => {
      // pgBackRest holds <stanza>-backup.lock in its lock path while a backup runs.
      const ps = await run("docker", ["exec", (await containerOf(leader)).id, "sh", "-c", "ls /tmp/pgbackrest 2>/dev/null | grep backup || true"], { reject: false });
      return ps.stdout.trim() ? true : undefined;
    });
    const old = await containerOf(leader);
    await run("docker", ["stop", old.id]);
    const b = await backup;
    const newLeader = await waitUntil("a new leader", 60_000, async () => (await patroniMembers(paths, stack.project, topo)).find((m) => m.role === "leader" && m.member !== leader)?.member);
    await run("docker", ["start", old.id]);
    if (b.code === 0) report("backup during failover: it finished before the leader stopped (nothing to show)");
    else {
      expect(b.code).toBe(1);
      expect(b.stderr).toMatch(/backup failed: the database leader changed while it ran \(postgres-\d -> .+, a failover\)/);
      expect(b.stderr).toMatch(/existing backups are untouched/);
      report(`backup during failover: "${b.stderr.trim().split("\n")[0]}"`);
    }
    const after = await cli(["backup", "--type", "incr", "--json"]);
    expect(after.code, after.stderr).toBe(0);
    const setsAfter = (JSON.parse((await cli(["backup", "list", "--json"])).stdout) as { label: string }[]).map((x) => x.label);
    for (const l of setsBefore) expect(setsAfter).toContain(l);
    report(`backup on the new leader ${newLeader} after the failover: ${(JSON.parse(after.stdout) as { set: { label: string } }).set.label}`);
    await waitUntil(`${leader} to rejoin as a streaming replica`, 180_000, async () => {
      const m = (await patroniMembers(paths, stack.project, topo)).find((x) => x.member === leader);
      return m && m.role !== "leader" && m.state === "streaming" ? m : undefined;
    });
  });

  it("one etcd member stopped: the leader stays and no write or read fails", { timeout: 120_000 }, async () => {
    const leader = (await patroniMembers(paths, stack.project, topo)).find((m) => m.role === "leader")?.member;
    const writes = steady((i) => pool.query("INSERT INTO failover_probe (seq) VALUES ($1)", [1_000_000 + i]), 20);
    const api = trpcClient(stack);
    const reads = steady(() => api.categories.get.query({ code: "ABA-CORP-001" }), 100);
    const etcd = await containerOf("etcd-2");
    const since = new Date().toISOString();
    await run("docker", ["stop", etcd.id]);
    await sleep(8_000);
    const during = (await patroniMembers(paths, stack.project, topo)).find((m) => m.role === "leader")?.member;
    await run("docker", ["start", etcd.id]);
    await writes.stop();
    await reads.stop();
    const failed = writes.calls.filter((c) => !c.ok).length + reads.calls.filter((c) => !c.ok).length;
    report(`etcd member loss: ${failed} of ${writes.calls.length + reads.calls.length} calls failed; leader ${leader} -> ${during}`);
    expect(during).toBe(leader);
    // On a failure, what HAProxy and the leader's Patroni said meanwhile comes with it (the cause is in one of them).
    const errors = [...writes.calls, ...reads.calls].filter((c) => !c.ok).map((c) => `${new Date(c.start).toISOString()} ${c.error}`);
    expect(errors, errors.length ? `haproxy:\n${await logLines("haproxy", since, EVENTS)}\n${leader}:\n${await logLines(leader!, since, EVENTS)}` : "").toEqual([]);
    expect(failed).toBe(0);
    expect(writes.calls.length).toBeGreaterThan(100);
  });

  it("etcd quorum lost for longer than the leader key lives: the leader is not demoted and takes writes without etcd (failsafe mode)", { timeout: 180_000 }, async () => {
    const leader = (await patroniMembers(paths, stack.project, topo)).find((m) => m.role === "leader")?.member;
    const writes = steady((i) => pool.query("INSERT INTO failover_probe (seq) VALUES ($1)", [3_000_000 + i]), 20);
    const lost = [await containerOf("etcd-2"), await containerOf("etcd-3")];
    const since = new Date().toISOString();
    const t0 = Date.now();
    for (const c of lost) await run("docker", ["stop", c.id]);
    // Patroni's leader key lives 20 s (ttl). Without failsafe mode the leader demotes itself at its first failed turn.
    await sleep(40_000);
    const restarted = Date.now();
    for (const c of lost) await run("docker", ["start", c.id]);
    await writes.stop();
    const after = await waitUntil("Patroni to report a leader again", 60_000, async () => (await patroniMembers(paths, stack.project, topo)).find((m) => m.role === "leader")?.member);
    const patroniLog = await logLines(leader!, since, EVENTS, Infinity);
    const failed = writes.calls.filter((c) => !c.ok);
    // Writes acknowledged after the leader key would have expired and before etcd came back: served by failsafe alone.
    const withoutEtcd = writes.calls.filter((c) => c.ok && c.start > t0 + 25_000 && c.end < restarted).length;
    const gap = longestGap(writes.calls, t0);
    report(
      `etcd quorum lost for 40 s: leader ${leader} -> ${after}, not demoted; ${withoutEtcd} writes acknowledged 25-40 s in; ${failed.length} of ${writes.calls.length} failed, ` +
        `longest stretch without a write ${(gap / 1000).toFixed(1)} s`,
    );
    // With a failure, Patroni's own account of each turn of its loop (and HAProxy's) comes with it.
    const account = `${patroniLog.split("\n").slice(-40).join("\n")}\n${await logLines("haproxy", since, EVENTS)}`;
    expect(patroniLog, account).toMatch(/continue to run as a leader because failsafe mode is enabled/);
    expect(patroniLog, account).not.toMatch(/demoting self|demoted self/);
    expect(after).toBe(leader);
    expect(withoutEtcd, account).toBeGreaterThan(100);
    expect(gap, account).toBeLessThan(15_000);
    expect(failed.filter((c) => c.start > t0 + 35_000 && c.end < restarted).map((c) => c.error), account).toEqual([]);
    for (const service of ["etcd-1", "etcd-2", "etcd-3"]) await waitUntil(`${service} to be healthy again`, 60_000, async () => (await containerOf(service)).health === "healthy");
  });

  it("Redis master stopped: Sentinel promotes a replica, the API keeps serving, Redis-backed calls resume within 10 s", { timeout: 240_000 }, async () => {
    const before = await redisTopology(paths, stack.project, topo);
    const master = before.master!;
    const api = trpcClient(stack);
    // session.start needs Redis (sessions live there); categories.get does not (cache misses fall through).
    const sessions = steady(() => api.session.start.mutate({ data: { probe: true } }), 100);
    const reads = steady(() => api.categories.get.query({ code: "ABA-CORP-001" }), 100);
    await sleep(2_000);
    const t0 = Date.now();
    const old = await containerOf(master);
    await run("docker", ["stop", old.id]);
    const promoted = await waitUntil("Sentinel to promote a replica", 60_000, async () => {
      const t = await redisTopology(paths, stack.project, topo);
      return t.master !== master ? t.master : undefined;
    });
    await waitUntil("sessions to work again", 60_000, async () => sessions.calls.some((c) => c.ok && c.start > t0 && c.start > Date.now() - 1_000) || undefined);
    await sleep(3_000);
    const failures = sessions.calls.filter((c) => !c.ok && c.start >= t0);
    const resumedMs = failures.length ? Math.max(...failures.map((c) => c.end)) - t0 : 0;
    const failedReads = reads.calls.filter((c) => !c.ok && c.start >= t0).length;

    await run("docker", ["start", old.id]);
    await waitUntil(`${master} to rejoin as a replica`, 120_000, async () => {
      const t = await redisTopology(paths, stack.project, topo);
      return t.nodes.some((n) => n.service === master && n.role === "replica" && n.flags === "online") || undefined;
    });
    await sessions.stop();
    await reads.stop();
    await recovers(() => api.session.start.mutate({ data: { probe: true } }));
    report(`redis master loss (${master} -> ${promoted}): Redis-backed calls resumed after ${(resumedMs / 1000).toFixed(1)} s (${failures.length} session calls failed); ${failedReads}/${reads.calls.length} reads failed`);
    expect(promoted).not.toBe(master);
    expect(resumedMs).toBeLessThanOrEqual(10_000);
    expect(reads.calls.filter((c) => !c.ok && c.start >= t0).map((c) => c.error)).toEqual([]);
    expect(failedReads).toBe(0);
  });

  it("one API replica stopped: nginx sends traffic to the other; at most 1 % of requests fail, none afterwards", { timeout: 180_000 }, async () => {
    const api = trpcClient(stack);
    const load = steady(() => api.categories.get.query({ code: "ABA-CORP-001" }), 25, 4);
    await sleep(3_000);
    const replica = (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).find((c) => c.service === "api" && c.state === "running")!;
    const t0 = Date.now();
    await run("docker", ["stop", replica.id]);
    const stoppedAt = Date.now();
    await sleep(10_000);
    await load.stop();
    await run("docker", ["start", replica.id]);
    const during = load.calls.filter((c) => c.start >= t0 - 1_000);
    const failed = during.filter((c) => !c.ok);
    const after = load.calls.filter((c) => c.start >= stoppedAt + 1_000);
    report(`api replica loss: ${failed.length} of ${during.length} requests failed during the event (${((100 * failed.length) / Math.max(1, during.length)).toFixed(2)} %), ${after.filter((c) => !c.ok).length} of ${after.length} after it`);
    expect(during.length).toBeGreaterThan(200);
    expect(failed.length / during.length).toBeLessThanOrEqual(0.01);
    expect(after.filter((c) => !c.ok)).toEqual([]);
    await waitUntil("the stopped API replica to be healthy again", 120_000, async () => (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).filter((c) => c.service === "api" && c.health === "healthy").length === 2 || undefined);
  });
});
