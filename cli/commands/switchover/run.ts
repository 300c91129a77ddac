import { withAlertsSilenced } from "../../stack/alerts.js";
import { recordAudit } from "../../stack/audit.js";
import type { Stack } from "../../stack/handle.js";
import type { Topology } from "../../stack/topology.js";
import { poll } from "../../wait.js";
import { leaderOf, patroniMembers, switchover } from "../../stack/cluster.js";
import { loadStack, stackTopology } from "../../stack/load.js";

/** `stevie-stack switchover`: Patroni hands the leadership over, waits for the new leader, and we record it. */
export async function runSwitchover(opts: {
  dir: string;
  to?: string;
}): Promise<{ from: string; to: string; leader?: string; replicasReady: boolean }> {
  const { config, stack } = await loadStack(opts.dir);
  const topo = await stackTopology(config);
  return withAlertsSilenced(stack, "switchover", () => switchAndConfirm(stack, topo, opts.to));
}

async function switchAndConfirm(
  stack: Stack,
  topo: Topology,
  to: string | undefined,
): Promise<{ from: string; to: string; leader?: string; replicasReady: boolean }> {
  const r = await switchover(stack, topo, to);
  // Patroni returns once the switchover is scheduled and done; confirm who leads now.
  let leader: string | undefined;
  await poll(
    async () => {
      leader = await leaderOf(stack, topo).catch(() => undefined);
      return leader === r.to || undefined;
    },
    { timeoutMs: 30_000 },
  );
  // The former leader rejoins as a replica. With synchronous replication Patroni fails over again only to the member
  // named as synchronous standby, which it names a moment after the switch: until then, losing the new leader would
  // leave the cluster without one. Return once every replica streams and (if synchronous) one is that standby.
  const isProtected = async () => {
    const replicas = (await patroniMembers(stack, topo).catch(() => [])).filter((m) => m.role !== "leader");
    const ok =
      replicas.length === topo.postgres.length - 1 &&
      replicas.every((m) => m.state === "streaming") &&
      (!topo.synchronous || replicas.some((m) => m.role === "sync-standby"));
    return ok || undefined;
  };
  const protectedAgain = (await poll(isProtected, { timeoutMs: 60_000 })) ?? false;
  await recordAudit(stack, {
    action: "switchover",
    target: r.to,
    details: { from: r.from, to: r.to, replicasReady: protectedAgain },
  });
  return { ...r, leader, replicasReady: protectedAgain };
}
