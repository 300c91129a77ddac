import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../cli/exec.js";
import { BASE_IMAGE } from "../../cli/host/prepare.js";
import { poll } from "../../cli/wait.js";
import { SwarmCluster, type SwarmNode } from "./nodes.js";

/**
 * Issue 27's test bed, and what a Swarm itself promises here before any of our stack runs on it: three
 * Docker-in-Docker managers form one Swarm; an overlay network carries TCP between a service's task on one node and a
 * container on another; a node killed outright (SIGKILL to its whole container, as a VM that dies) leaves the other two
 * with a Raft leader, its task starts again on a survivor, and the node rejoins when it comes back. The times are
 * printed: they bound what the stack can promise on a Swarm. Services use DNS round robin (`--endpoint-mode dnsrr`):
 * a virtual IP answers "no route to host" here (no IPVS in this kernel), so the routing mesh is out too.
 * STEVIE_SWARM_KEEP=1 leaves the nodes running.
 */
const log = (line: string) => process.stderr.write(`[swarm] ${line}\n`);
const cluster = new SwarmCluster(`stevie-swarm-${process.pid}`);
const node = (i: number): SwarmNode => cluster.nodes[i]!;
const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

/** A TCP server in Perl (perl-base is in every Debian image): one line naming the task that answered. */
const PONG_SERVER =
  'use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalPort => 7000, Listen => 16, ReuseAddr => 1) or die "listen: $!"; while (my $c = $s->accept) { print $c "pong from $ENV{HOSTNAME}\\n"; close $c }';
const pongClient = (host: string) =>
  `use IO::Socket::INET; my $c = IO::Socket::INET->new(PeerAddr => "${host}:7000", Timeout => 5) or die "connect: $@"; print scalar <$c>`;

/** The node that runs SERVICE's task now, as ASKER sees it. */
async function taskNode(asker: SwarmNode, service: string): Promise<string | undefined> {
  const r = await cluster.docker(
    asker,
    ["service", "ps", service, "--filter", "desired-state=running", "--format", "{{.Node}}\t{{.CurrentState}}"],
    { reject: false },
  );
  const running = r.stdout.split("\n").find((l) => l.includes("\tRunning"));
  return running?.split("\t")[0];
}

beforeAll(async () => {
  const started = Date.now();
  await cluster.start(log);
  await cluster.loadImage(BASE_IMAGE);
  log(`three nodes up, Swarm formed and ${BASE_IMAGE} loaded in ${seconds(started)} s`);
});

afterAll(async () => {
  if (!process.env.STEVIE_SWARM_KEEP) await cluster.destroy();
});

describe("a three-node Swarm of Docker-in-Docker nodes (issue 27's test bed)", () => {
  it("has three managers, all Ready, one of them the Raft leader", async () => {
    const nodes = await cluster.nodeList(node(0));
    expect(nodes.map((n) => n.name).sort()).toEqual(cluster.nodes.map((n) => n.name).sort());
    expect(nodes.every((n) => n.status === "Ready")).toBe(true);
    expect(nodes.filter((n) => n.manager === "Leader")).toHaveLength(1);
    expect(nodes.filter((n) => n.manager === "Reachable")).toHaveLength(2);
  });

  it("carries TCP over an overlay network from a container on one node to a service's task on another", async () => {
    await cluster.docker(node(0), ["network", "create", "-d", "overlay", "--attachable", "probe"]);
    await cluster.docker(node(0), [
      // DNS round robin, not a virtual IP: Swarm's VIPs need the kernel's IPVS, which these machines lack.
      ...["service", "create", "--detach", "--name", "pong", "--network", "probe", "--no-resolve-image"],
      ...["--endpoint-mode", "dnsrr"],
      ...["--constraint", `node.hostname==${node(1).name}`, BASE_IMAGE, "perl", "-e", PONG_SERVER],
    ]);
    expect(await poll(() => taskNode(node(0), "pong"), { timeoutMs: 60_000, everyMs: 1_000 })).toBe(node(1).name);
    // From the third node, by the service's name: DNS and the overlay both cross nodes. The first tries may come
    // before the task listens.
    let last = "";
    const answer = await poll(
      async () => {
        const r = await cluster.docker(
          node(2),
          ["run", "--rm", "--network", "probe", BASE_IMAGE, "perl", "-e", pongClient("pong")],
          { reject: false },
        );
        last = `${r.stdout}${r.stderr}`;
        return r.stdout.startsWith("pong from") ? r.stdout : undefined;
      },
      { timeoutMs: 60_000, everyMs: 2_000 },
    );
    expect(answer ?? last).toMatch(/^pong from \w+/);
  });

  it("survives a node killed outright: a leader among the other two, its task started again on one of them, and it rejoins", async () => {
    // Free to run anywhere now; it stays where it runs until its node dies.
    await cluster.docker(node(0), [
      ...["service", "update", "--detach=false", "--no-resolve-image"],
      ...["--constraint-rm", `node.hostname==${node(1).name}`, "pong"],
    ]);
    const victimName = (await poll(() => taskNode(node(0), "pong"), { timeoutMs: 60_000, everyMs: 1_000 }))!;
    const victim = cluster.nodes.find((n) => n.name === victimName)!;
    const survivor = cluster.nodes.find((n) => n !== victim)!;
    const killed = Date.now();
    await run("docker", ["kill", victim.name]);

    const moved = await poll(
      async () => {
        const at = await taskNode(survivor, "pong");
        return at && at !== victim.name ? at : undefined;
      },
      { timeoutMs: 120_000, everyMs: 1_000 },
    );
    const movedAfter = seconds(killed);
    expect(moved).not.toBe(victim.name);
    const during = await cluster.nodeList(survivor);
    expect(during.find((n) => n.name === victim.name)?.status).toBe("Down");
    expect(during.filter((n) => n.manager === "Leader")).toHaveLength(1);
    const answer = await cluster.docker(
      survivor,
      ["run", "--rm", "--network", "probe", BASE_IMAGE, "perl", "-e", pongClient("pong")],
      { reject: false },
    );
    expect(answer.stdout).toMatch(/^pong from \w+/);

    const back = Date.now();
    await run("docker", ["start", victim.name]);
    await cluster.engineUp(victim);
    const ready = await poll(
      async () => {
        const nodes = await cluster.nodeList(survivor);
        return nodes.every((n) => n.status === "Ready") ? nodes : undefined;
      },
      { timeoutMs: 120_000, everyMs: 1_000 },
    );
    expect(ready?.filter((n) => n.manager === "Leader")).toHaveLength(1);
    log(
      `node ${victim.name} killed: its task ran again on ${moved} after ${movedAfter} s; the node was Ready again ${seconds(back)} s after it restarted`,
    );
  });
});
