import { describe, expect, it } from "vitest";
import { container, FakeRunner } from "../../test/support/fake-runner.js";
import { inLeader, leaderService, psqlOnLeader, switchover, whilePatroniPaused } from "./cluster.js";
import { Stack } from "./handle.js";
import { stackPaths } from "./paths.js";

/**
 * The data tier's operations over the Stack handle, on the in-memory engine: which member they ask, what they run
 * where, and how they refuse. The failover and backup e2e files run them against a real Patroni cluster.
 */
const list = (leader: string | undefined, replicas: string[]) =>
  JSON.stringify([
    ...(leader ? [{ Member: leader, Role: "Leader", State: "running", TL: 3 }] : []),
    ...replicas.map((m) => ({ Member: m, Role: "Sync Standby", State: "streaming", TL: 3, "Lag in MB": 0 })),
  ]);

/** The service a `docker exec` ran in: the fake engine's container ids are `<service>-id`. */
const target = (args: string[]) => args.find((a) => a.endsWith("-id"))?.replace(/-id$/, "");

/** A stack whose members answer `patronictl list` with LISTING (postgres-1 down when `firstDown`). */
function cluster(listing: string, opts: { firstDown?: boolean } = {}) {
  const runner = new FakeRunner((args) => {
    const member = target(args);
    if (!args.includes("patronictl")) return undefined;
    if (opts.firstDown && member === "postgres-1") return { exitCode: 1, stderr: "container is not running" };
    return args.includes("list") ? { stdout: listing } : undefined;
  });
  runner.containerList = [container("postgres-1"), container("postgres-2"), container("api")];
  return { runner, stack: new Stack(stackPaths("/opt/stevie-test"), "stevie", runner) };
}
const execs = (runner: FakeRunner) => runner.calls.map((c) => c.args.slice(c.args.indexOf("exec")));
const targets = (runner: FakeRunner) => runner.calls.map((c) => target(c.args));

describe("the Postgres data tier over the handle", () => {
  it("runs psql in the leader's container as postgres, the SQL on stdin, after asking the first member that answers", async () => {
    const { runner, stack } = cluster(list("postgres-2", ["postgres-1"]), { firstDown: true });
    await psqlOnLeader(stack, { database: "stevie", input: "SELECT 1;" });
    const last = runner.calls.at(-1)!;
    expect(last.args.slice(0, 5)).toEqual(["exec", "-i", "-u", "postgres", "postgres-2-id"]);
    expect(last.args[5]).toBe("psql");
    expect(last.opts.input).toBe("SELECT 1;");
    // postgres-1 was asked first and did not answer; postgres-2 answered for the cluster.
    expect(targets(runner)).toEqual(["postgres-1", "postgres-2", "postgres-2"]);
  });

  it("asks only the running members (no config needed) and refuses clearly when none leads", async () => {
    const { runner, stack } = cluster(list(undefined, ["postgres-1", "postgres-2"]));
    runner.containerList = [container("postgres-1"), container("postgres-2", "exited"), container("api")];
    expect(await leaderService(stack)).toBeUndefined();
    expect(targets(runner)).toEqual(["postgres-1"]);
    await expect(inLeader(stack, ["true"])).rejects.toThrow("the Postgres cluster has no leader right now");
  });

  it("switches over to the streaming replica, through the leader's patronictl", async () => {
    const { runner, stack } = cluster(list("postgres-1", ["postgres-2"]));
    const topo = { postgres: ["postgres-1", "postgres-2"] } as Parameters<typeof switchover>[1];
    expect(await switchover(stack, topo)).toEqual({ from: "postgres-1", to: "postgres-2" });
    expect(execs(runner).at(-1)).toEqual(
      expect.arrayContaining(["switchover", "--leader", "postgres-1", "--candidate", "postgres-2", "--force"]),
    );
  });

  it("pauses Patroni around work that takes etcd away, resumes it once etcd takes the resume, and leaves an operator's pause", async () => {
    let resumeRefusals = 1;
    const members = [container("postgres-1"), container("postgres-2"), container("api")];
    const answers = new FakeRunner((args) =>
      args.includes("resume") && resumeRefusals-- > 0 ? { exitCode: 1, stderr: "etcd: no leader" } : undefined,
    );
    answers.containerList = members;
    const order: string[] = [];
    const done = await whilePatroniPaused(
      new Stack(stackPaths("/opt/stevie-test"), "stevie", answers),
      async () => {
        order.push("work");
        return 42;
      },
      (l) => order.push(l),
    );
    expect(done).toBe(42);
    const patroni = answers.calls.map((c) => c.args.slice(c.args.indexOf("patronictl") + 3).join(" "));
    expect(patroni).toEqual(["pause --wait", "resume --wait", "resume --wait"]);
    expect(order).toEqual(["work"]);

    // Already paused by the operator: the work runs, and the cluster is left paused.
    const operator = new FakeRunner((args) =>
      args.includes("pause") ? { exitCode: 1, stderr: "Error: Cluster is already paused" } : undefined,
    );
    operator.containerList = members;
    const lines: string[] = [];
    await whilePatroniPaused(
      new Stack(stackPaths("/opt/stevie-test"), "stevie", operator),
      async () => 0,
      (l) => lines.push(l),
    );
    expect(operator.calls.filter((c) => c.args.includes("resume"))).toEqual([]);
    expect(lines.join("\n")).toMatch(/Patroni not paused \(postgres-1: Error: Cluster is already paused; postgres-2/);
  });
});
