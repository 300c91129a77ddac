import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as docker from "../../cli/docker.js";
import { run } from "../../cli/exec.js";
import { patroniMembers, redisTopology } from "../../cli/stack/cluster.js";
import { alertmanagerApi, SETTLE_MS, silencedNames, type Silence } from "../../cli/stack/alerts.js";
import { stackPaths } from "../../cli/stack/paths.js";
import type { Topology } from "../../cli/stack/topology.js";
import { FOLLOW_FILE, upstreamAddresses } from "../../nginx/render.js";
import { runCli } from "../setup/cli.js";
import { resendingClient, stackFetch, trpcClient } from "../setup/client.js";
import { probeTable } from "../setup/data.js";
import {
  crashContainer,
  faultTestTopology,
  longestGap,
  psqlCanary,
  recovers,
  serviceContainer,
} from "../setup/faults.js";
import { steady } from "../setup/load.js";
import { waitUntil } from "../setup/wait.js";
import { Stack } from "../../cli/stack/handle.js";

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

const containerOf = (service: string) => serviceContainer(stack.project, service);

/** What HAProxy and Patroni say about roles and health checks: the lines a failing test shows. */
const EVENTS =
  /is DOWN|is UP|failsafe|demot|promot|failed to update|DCS|Lock owner|Selected new etcd|leader-watch|ending its/;

/** The lines of a service's log since `since` that match `pattern`, the last `last` of them. */
async function logLines(service: string, since: string, pattern: RegExp, last = 40): Promise<string> {
  const r = await run("docker", ["logs", "--since", since, (await containerOf(service)).id], { reject: false });
  return `${r.stdout}\n${r.stderr}`
    .split("\n")
    .filter((l) => pattern.test(l))
    .slice(-last)
    .join("\n");
}

beforeAll(async () => {
  topo = await faultTestTopology(stack);
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

  it(
    "Patroni leader crashed (SIGKILL): a replica takes over, no acknowledged write is lost, no client without timeouts hangs, the old leader rejoins",
    { timeout: 300_000 },
    async () => {
      const before = await patroniMembers(new Stack(paths, stack.project), topo);
      const leader = before.find((m) => m.role === "leader")!.member;
      const acked: number[] = [];
      const writes = steady(async (i) => {
        await pool.query("INSERT INTO failover_probe (seq) VALUES ($1)", [i]);
        acked.push(i);
      }, 20);
      const api = trpcClient(stack);
      const reads = steady(() => api.categories.get.query({ code: "ABA-CORP-001" }), 100);
      const canary = await psqlCanary(stack, "failover_probe", 5_000_000);
      await sleep(2_000);

      const old = await containerOf(leader);
      const since = new Date().toISOString();
      const t0 = Date.now();
      // SIGKILL: no shutdown, so the leader key is not handed over and must expire (the member's sockets close with it).
      await run("docker", ["kill", old.id]);
      const newLeader = await waitUntil(
        "a new leader",
        90_000,
        async () =>
          (await patroniMembers(new Stack(paths, stack.project), topo)).find(
            (m) => m.role === "leader" && m.member !== leader,
          )?.member,
      );
      await waitUntil(
        "writes to succeed again",
        30_000,
        async () => writes.calls.some((c) => c.ok && c.start > Date.now() - 1_000) || undefined,
      );
      const writeGap = longestGap(writes.calls, t0);

      await run("docker", ["start", old.id]);
      await waitUntil(`${leader} to rejoin as a streaming replica`, 180_000, async () => {
        const m = (await patroniMembers(new Stack(paths, stack.project), topo)).find((x) => x.member === leader);
        return m && m.role !== "leader" && m.state === "streaming" ? m : undefined;
      });
      const rejoinS = (Date.now() - t0) / 1000;
      await sleep(1_000);
      await writes.stop();
      await reads.stop();
      const psql = await canary.stop();

      const stored = new Set(
        (await pool.query<{ seq: number }>("SELECT seq FROM failover_probe")).rows.map((r) => r.seq),
      );
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
      // The new leader's watch saw the old one's address stop answering handshakes and ended its term (without it,
      // the key outlives a crashed leader by up to its ttl, 20 s: 22.6-24.6 s measured). Then the promotion and
      // HAProxy's next check; the writer's own connect timeout (3 s) can add to the gap it sees. Measured 6.8-10 s.
      expect(account).toMatch(new RegExp(`stevie-leader-watch: leader ${leader} .* revoked its lease`));
      expect(writeGap, account).toBeLessThanOrEqual(15_000);
      expect(lost).toEqual([]);
      expect(psqlLost).toEqual([]);
      // A client that sets no timeout of its own is never left waiting on the dead member: its calls end (with an error
      // or an answer) within the failover.
      expect(psql.longestMs, account).toBeLessThan(writeGap + 5_000);
      expect(psql.acked.length).toBeGreaterThan(20);
      expect(acked.length).toBeGreaterThan(100);
    },
  );

  it(
    "switchover moves the leader on purpose: writes pause briefly and none is lost",
    { timeout: 180_000 },
    async () => {
      const before = (await patroniMembers(new Stack(paths, stack.project), topo)).find(
        (m) => m.role === "leader",
      )!.member;
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
      await waitUntil(
        "writes after the switchover",
        30_000,
        async () => writes.calls.some((c) => c.ok && c.start > Date.now() - 1_000) || undefined,
      );
      await writes.stop();
      const gap = longestGap(writes.calls, t0);
      const stored = new Set(
        (await pool.query<{ seq: number }>("SELECT seq FROM failover_probe WHERE seq >= 2000000")).rows.map(
          (x) => x.seq,
        ),
      );
      report(
        `switchover ${s.from} -> ${s.to}: writes paused ${(gap / 1000).toFixed(1)} s; ${acked.length} acknowledged, ${acked.filter((x) => !stored.has(x)).length} lost`,
      );
      expect(s.from).toBe(before);
      expect(s.to).not.toBe(before);
      expect(s.leader).toBe(s.to);
      expect(acked.filter((x) => !stored.has(x))).toEqual([]);
      const members = await patroniMembers(new Stack(paths, stack.project), topo);
      expect(members.find((m) => m.member === before)?.role).not.toBe("leader");
      // Nobody was paged for it: the alerts a switchover trips were silenced while it ran, the silence lifted
      // (ending SETTLE_MS after it) when it returned.
      const silences = JSON.parse(
        await alertmanagerApi(new Stack(paths, stack.project), "GET", "/silences"),
      ) as Silence[];
      const ours = silences.filter((x) => x.comment.startsWith("stevie-stack switchover"));
      expect(ours.length).toBeGreaterThanOrEqual(1);
      const last = ours.sort((a, b) => a.startsAt.localeCompare(b.startsAt)).at(-1)!;
      expect(silencedNames(last)).toContain("PostgresWriteEndpointDown");
      expect(Date.parse(last.startsAt)).toBeGreaterThanOrEqual(t0 - 5_000);
      expect(Date.parse(last.endsAt)).toBeLessThanOrEqual(Date.now() + SETTLE_MS);
    },
  );

  it(
    "a backup cut off by a leader failover fails with a clear message; earlier backups stay; the next one runs on the new leader",
    { timeout: 300_000 },
    async () => {
      const cli = (args: string[]) => runCli([...args, "--dir", stack.dir], { timeoutMs: 10 * 60_000 });
      const setsBefore = (JSON.parse((await cli(["backup", "list", "--json"])).stdout) as { label: string }[]).map(
        (b) => b.label,
      );
      // Synchronous replication: Patroni promotes only the member it named synchronous standby (the switchover before
      // this returns once it has named one again).
      await waitUntil("a synchronous standby", 60_000, async () =>
        (await patroniMembers(new Stack(paths, stack.project), topo)).find(
          (m) => m.role === "sync-standby" && m.state === "streaming",
        ),
      );
      const leader = (await patroniMembers(new Stack(paths, stack.project), topo)).find(
        (m) => m.role === "leader",
      )!.member;
      const backup = cli(["backup", "--type", "full", "--json"]);
      // Stop the leader once pgBackRest has started copying on it.
      await waitUntil("the backup to start", 60_000, async () => {
        // pgBackRest holds <stanza>-backup.lock in its lock path while a backup runs.
        const ps = await run(
          "docker",
          ["exec", (await containerOf(leader)).id, "sh", "-c", "ls /tmp/pgbackrest 2>/dev/null | grep backup || true"],
          { reject: false },
        );
        return ps.stdout.trim() ? true : undefined;
      });
      const old = await containerOf(leader);
      await run("docker", ["stop", old.id]);
      const b = await backup;
      const newLeader = await waitUntil(
        "a new leader",
        60_000,
        async () =>
          (await patroniMembers(new Stack(paths, stack.project), topo)).find(
            (m) => m.role === "leader" && m.member !== leader,
          )?.member,
      );
      await run("docker", ["start", old.id]);
      if (b.code === 0) report("backup during failover: it finished before the leader stopped (nothing to show)");
      else {
        expect(b.code).toBe(1);
        expect(b.stderr).toMatch(
          /backup failed: the database leader changed while it ran \(postgres-\d -> .+, a failover\)/,
        );
        expect(b.stderr).toMatch(/existing backups are untouched/);
        report(`backup during failover: "${b.stderr.trim().split("\n")[0]}"`);
      }
      const after = await cli(["backup", "--type", "incr", "--json"]);
      expect(after.code, after.stderr).toBe(0);
      const setsAfter = (JSON.parse((await cli(["backup", "list", "--json"])).stdout) as { label: string }[]).map(
        (x) => x.label,
      );
      for (const l of setsBefore) expect(setsAfter).toContain(l);
      report(
        `backup on the new leader ${newLeader} after the failover: ${(JSON.parse(after.stdout) as { set: { label: string } }).set.label}`,
      );
      await waitUntil(`${leader} to rejoin as a streaming replica`, 180_000, async () => {
        const m = (await patroniMembers(new Stack(paths, stack.project), topo)).find((x) => x.member === leader);
        return m && m.role !== "leader" && m.state === "streaming" ? m : undefined;
      });
    },
  );

  it("one etcd member stopped: the leader stays and no write or read fails", { timeout: 120_000 }, async () => {
    const leader = (await patroniMembers(new Stack(paths, stack.project), topo)).find(
      (m) => m.role === "leader",
    )?.member;
    const writes = steady((i) => pool.query("INSERT INTO failover_probe (seq) VALUES ($1)", [1_000_000 + i]), 20);
    const api = trpcClient(stack);
    const reads = steady(() => api.categories.get.query({ code: "ABA-CORP-001" }), 100);
    const etcd = await containerOf("etcd-2");
    const since = new Date().toISOString();
    await run("docker", ["stop", etcd.id]);
    await sleep(8_000);
    const during = (await patroniMembers(new Stack(paths, stack.project), topo)).find(
      (m) => m.role === "leader",
    )?.member;
    await run("docker", ["start", etcd.id]);
    await writes.stop();
    await reads.stop();
    const failed = writes.calls.filter((c) => !c.ok).length + reads.calls.filter((c) => !c.ok).length;
    report(
      `etcd member loss: ${failed} of ${writes.calls.length + reads.calls.length} calls failed; leader ${leader} -> ${during}`,
    );
    expect(during).toBe(leader);
    // On a failure, what HAProxy and the leader's Patroni said meanwhile comes with it (the cause is in one of them).
    const errors = [...writes.calls, ...reads.calls]
      .filter((c) => !c.ok)
      .map((c) => `${new Date(c.start).toISOString()} ${c.error}`);
    expect(
      errors,
      errors.length
        ? `haproxy:\n${await logLines("haproxy", since, EVENTS)}\n${leader}:\n${await logLines(leader!, since, EVENTS)}`
        : "",
    ).toEqual([]);
    expect(failed).toBe(0);
    expect(writes.calls.length).toBeGreaterThan(100);
    // The next test cuts etcd's quorum: from three members in step, not one still rejoining.
    await waitUntil(
      "etcd-2 to be healthy again",
      60_000,
      async () => (await containerOf("etcd-2")).health === "healthy",
    );
  });

  it(
    "etcd quorum lost for longer than the leader key lives: the leader is not demoted and takes writes without etcd (failsafe mode)",
    { timeout: 180_000 },
    async () => {
      const leader = (await patroniMembers(new Stack(paths, stack.project), topo)).find(
        (m) => m.role === "leader",
      )?.member;
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
      const after = await waitUntil(
        "Patroni to report a leader again",
        60_000,
        async () =>
          (await patroniMembers(new Stack(paths, stack.project), topo)).find((m) => m.role === "leader")?.member,
      );
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
      expect(
        failed.filter((c) => c.start > t0 + 35_000 && c.end < restarted).map((c) => c.error),
        account,
      ).toEqual([]);
      for (const service of ["etcd-1", "etcd-2", "etcd-3"])
        await waitUntil(
          `${service} to be healthy again`,
          60_000,
          async () => (await containerOf(service)).health === "healthy",
        );
    },
  );

  it(
    "Redis master stopped: Sentinel promotes a replica, the API keeps serving, Redis-backed calls resume within 10 s",
    { timeout: 240_000 },
    async () => {
      const before = await redisTopology(new Stack(paths, stack.project), topo);
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
        const t = await redisTopology(new Stack(paths, stack.project), topo);
        return t.master !== master ? t.master : undefined;
      });
      await waitUntil(
        "sessions to work again",
        60_000,
        async () => sessions.calls.some((c) => c.ok && c.start > t0 && c.start > Date.now() - 1_000) || undefined,
      );
      await sleep(3_000);
      const failures = sessions.calls.filter((c) => !c.ok && c.start >= t0);
      const resumedMs = failures.length ? Math.max(...failures.map((c) => c.end)) - t0 : 0;
      const failedReads = reads.calls.filter((c) => !c.ok && c.start >= t0).length;

      await run("docker", ["start", old.id]);
      await waitUntil(`${master} to rejoin as a replica`, 120_000, async () => {
        const t = await redisTopology(new Stack(paths, stack.project), topo);
        return t.nodes.some((n) => n.service === master && n.role === "replica" && n.flags === "online") || undefined;
      });
      await sessions.stop();
      await reads.stop();
      await recovers(() => api.session.start.mutate({ data: { probe: true } }));
      report(
        `redis master loss (${master} -> ${promoted}): Redis-backed calls resumed after ${(resumedMs / 1000).toFixed(1)} s (${failures.length} session calls failed); ${failedReads}/${reads.calls.length} reads failed`,
      );
      expect(promoted).not.toBe(master);
      expect(resumedMs).toBeLessThanOrEqual(10_000);
      expect(reads.calls.filter((c) => !c.ok && c.start >= t0).map((c) => c.error)).toEqual([]);
      expect(failedReads).toBe(0);
    },
  );

  it(
    "database out of reach (HAProxy frozen): readiness says 503 to an uptime check, answers from the cache keep coming",
    { timeout: 120_000 },
    async () => {
      const api = trpcClient(stack);
      const input = { description: "A cooperative dairy that cut its water use by half with a closed loop.", topK: 3 };
      await api.recommend.query(input); // cached from here on: answered from Redis without the database
      const fetchEdge = stackFetch(stack);
      const statuses: number[] = [];
      // Uptime checks (a load balancer's, from four places) polling readiness through nginx, beside clients of a
      // cached answer.
      const monitor = steady(
        async () => {
          const r = await fetchEdge(`${stack.baseUrl}/api/health/ready`);
          await r.arrayBuffer();
          statuses.push(r.status);
        },
        500,
        4,
      );
      const cached = steady(() => api.recommend.query(input), 200);
      await sleep(1_000);
      const haproxy = await containerOf("haproxy");
      await run("docker", ["pause", haproxy.id]);
      const t0 = Date.now();
      try {
        await waitUntil(
          "readiness to report the database away",
          30_000,
          async () => statuses.includes(503) || undefined,
        );
        // Longer than nginx's fail_timeout (10 s): a replica nginx had counted out would stay out that long.
        await sleep(15_000);
      } finally {
        await run("docker", ["unpause", haproxy.id]);
      }
      await waitUntil("readiness back", 60_000, async () => statuses.at(-1) === 200 || undefined);
      await monitor.stop();
      await cached.stop();
      const during = cached.calls.filter((c) => c.start >= t0);
      const failed = during.filter((c) => !c.ok);
      const ms = during.map((c) => c.end - c.start).sort((a, b) => a - b);
      report(
        `database out of reach ${((Date.now() - t0) / 1000).toFixed(0)} s: readiness answered ${[...new Set(statuses)].join("/")}; ` +
          `${failed.length} of ${during.length} cached answers failed, p50 ${ms[ms.length >> 1]} ms, max ${ms.at(-1)} ms`,
      );
      // nginx passes the API's 503 on instead of counting it against the replica: no 502 "no live upstreams".
      expect(statuses).toContain(503);
      expect(statuses).not.toContain(502);
      expect(failed.map((c) => c.error)).toEqual([]);
      expect(during.length).toBeGreaterThan(40);
    },
  );

  it(
    "HAProxy restarted under reads the cache cannot answer: none answers 500, and a read whose connection was cut is tried again",
    { timeout: 120_000 },
    async () => {
      const api = trpcClient(stack);
      // A page from anywhere in the catalogue, of any length: each call a query the response cache has not seen.
      const ids = (await api.categories.list.query({ limit: 200 })).items.map((c) => c.id);
      const reads = steady(
        (i) => api.categories.list.query({ cursor: ids[(i * 7) % ids.length]!, limit: 1 + ((i * 13) % 150) }),
        20,
        4,
      );
      await sleep(1_000);
      const t0 = Date.now();
      await run("docker", ["restart", (await containerOf("haproxy")).id]);
      await waitUntil("HAProxy healthy again", 60_000, async () => (await containerOf("haproxy")).health === "healthy");
      await sleep(3_000);
      await reads.stop();
      const during = reads.calls.filter((c) => c.start >= t0 - 1_000);
      const failed = during.filter((c) => !c.ok);
      const by = (m: RegExp) => failed.filter((c) => m.test(c.error ?? "")).length;
      report(
        `HAProxy restarted in ${((Date.now() - t0) / 1000).toFixed(0)} s under uncached reads: ${failed.length} of ${during.length} failed ` +
          `(${by(/not answering/)} answered 503 to retry, ${by(/internal error/)} answered 500)`,
      );
      expect(during.length).toBeGreaterThan(50);
      // The outage is a 503 that says to retry, never a 500: Prisma's connection errors count as the database's.
      expect(failed.filter((c) => !/not answering/.test(c.error ?? "")).map((c) => c.error)).toEqual([]);
      // And it ended: the last second of reads all answered.
      expect(reads.calls.filter((c) => c.start > Date.now() - 2_000 && !c.ok)).toEqual([]);
    },
  );

  /**
   * An API replica crashed (SIGKILL to its init from the host: the restart policy brings it back), frozen (`docker pause`)
   * and cut off (disconnected from the edge network, then reconnected on whatever address Docker gives it), each under
   * reads and mutations through nginx with a 10-s client timeout. nginx's follow loop takes the replica out and puts it
   * back (on its new address) without an operator.
   */
  it(
    "one API replica crashed, frozen, cut off: nginx follows it, at most 1 % of requests fail, none after 10 s",
    { timeout: 300_000 },
    async () => {
      // Resending as a browser does when nginx closed the idle connection a request went out on (each reload of the
      // list does that), counted and reported; mutations are never resent after an answer could have been made.
      const { client: api, resent } = resendingClient(stack);
      const edge = `${stack.project}_edge`;
      const replicas = async () =>
        (await docker.listContainers(docker.PROJECT_LABEL, stack.project)).filter((c) => c.service === "api");
      const nginxList = async () =>
        upstreamAddresses((await run("docker", ["exec", (await containerOf("nginx")).id, "cat", FOLLOW_FILE])).stdout)
          .sort()
          .join(" ");
      const healthyList = async () =>
        (
          await Promise.all(
            (await replicas())
              .filter((c) => c.state === "running" && c.health === "healthy")
              .map((c) => docker.containerAddresses(c.id)),
          )
        )
          .map((a) => a[edge])
          .sort()
          .join(" ");
      const bothBack = () =>
        waitUntil("both replicas healthy and in nginx's list", 90_000, async () => {
          const [healthy, listed] = [await healthyList(), await nginxList()];
          return (healthy.split(" ").length === 2 && healthy === listed) || undefined;
        });
      await bothBack();
      // Longer than nginx's loop takes to drop a frozen replica (two silent probes: 3-5 s on a loaded host), so a call
      // stuck on it fails once, not twice: what fails is what was sent before the loop noticed, as the issue counts it.
      const signal = () => AbortSignal.timeout(10_000);
      const faults: [string, (id: string) => Promise<void>][] = [
        [
          "crash",
          async (id) => {
            await crashContainer(id);
            await sleep(15_000);
          },
        ],
        [
          "freeze",
          async (id) => {
            await run("docker", ["pause", id]);
            await sleep(15_000);
            await run("docker", ["unpause", id]);
          },
        ],
        [
          "cut",
          async (id) => {
            await run("docker", ["network", "disconnect", "--force", edge, id]);
            // A stand-in takes the freed address meanwhile, so the replica comes back on another (as after a restart).
            const image = (
              await run("docker", ["inspect", "-f", "{{.Config.Image}}", (await containerOf("nginx")).id])
            ).stdout.trim();
            await run("docker", [
              "run",
              "-d",
              "--rm",
              "--network",
              edge,
              "--label",
              `${docker.PROJECT_LABEL}=${stack.project}`,
              image,
              "sleep",
              "30",
            ]);
            await sleep(8_000);
            // Back with the names compose gave it (a bare reconnect would drop them), on whatever address Docker picks.
            const name = (await replicas()).find((c) => c.id === id)!.name;
            await run("docker", ["network", "connect", "--alias", "api", "--alias", name, edge, id]);
            await sleep(7_000);
          },
        ],
      ];
      const lines: string[] = [];
      const after: string[] = [];
      let failedShare = 0;
      for (const [kind, fault] of faults) {
        const reads = steady(() => api.categories.get.query({ code: "ABA-CORP-001" }, { signal: signal() }), 25, 4);
        const writes = steady(() => api.session.start.mutate({ data: { probe: true } }, { signal: signal() }), 50, 2);
        await sleep(2_000);
        const victim = (await replicas()).find((c) => c.state === "running")!;
        const before = (await docker.containerAddresses(victim.id))[edge];
        const t0 = Date.now();
        await fault(victim.id);
        const back = await bothBack();
        await sleep(2_000);
        await reads.stop();
        await writes.stop();
        const now = (await docker.containerAddresses(victim.id))[edge];
        const calls = [...reads.calls, ...writes.calls].filter((c) => c.start >= t0);
        const failed = calls.filter((c) => !c.ok);
        const late = failed.filter((c) => c.start >= t0 + 10_000);
        failedShare = Math.max(failedShare, failed.length / calls.length);
        after.push(...late.map((c) => `${kind}: ${c.error}`));
        lines.push(
          `${kind} ${failed.length}/${calls.length} failed (${((100 * failed.length) / calls.length).toFixed(2)} %, ${writes.calls.filter((c) => c.start >= t0 && !c.ok).length} of them mutations), ${late.length} after 10 s; address ${before} -> ${now}; nginx listed both again ${((Date.now() - t0) / 1000).toFixed(0)} s after the fault${back ? "" : "?"}`,
        );
        expect(calls.filter((c) => c.ok).length).toBeGreaterThan(200);
        if (kind === "cut") expect(now, "the replica came back on another address").not.toBe(before);
      }
      report(`api replica: ${lines.join("; ")}; ${resent()} resent on a connection nginx closed`);
      expect(after).toEqual([]);
      expect(failedShare).toBeLessThanOrEqual(0.01);
      // Chat mutations after it all (nginx never resends one): every one answered, none sent to an address from before.
      const chats = await Promise.allSettled(
        Array.from({ length: 6 }, async () => {
          const { sessionId } = await api.chat.start.mutate();
          return api.chat.sendAndWait.mutate(
            { sessionId, message: "Which categories fit a rural clinic's telehealth programme?" },
            { signal: AbortSignal.timeout(30_000) },
          );
        }),
      );
      expect(
        chats.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason)),
      ).toEqual([]);
    },
  );
});
