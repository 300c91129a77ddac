import { waitFor } from "../wait.js";
import { patroniMembers, runningMembers, switchover, type PatroniMember } from "./cluster.js";
import type { Stack } from "./handle.js";

const STREAM_TIMEOUT_MS = 5 * 60_000;

/** The order to recreate CHANGED members in: the replicas, then the leader (after a switchover). Pure. */
export function memberOrder(
  changed: string[],
  members: PatroniMember[],
): { replicas: string[]; leader?: string; atOnce: boolean } {
  const leader = members.find((m) => m.role === "leader")?.member;
  const streaming = members.filter((m) => m.role !== "leader" && m.state === "streaming").map((m) => m.member);
  // Nothing to hand the leadership to (one member, no leader now, or no replica streaming that stays or is redone
  // first): recreated together, as before rolling existed.
  if (!leader || streaming.length === 0) return { replicas: changed, atOnce: true };
  return {
    replicas: changed.filter((m) => m !== leader),
    ...(changed.includes(leader) ? { leader } : {}),
    atOnce: false,
  };
}

/**
 * PostgreSQL's members recreated one at a time, so the cluster keeps a leader throughout: each replica first, back to
 * streaming before the next; then a switchover to a streaming replica (Patroni's choice: the synchronous standby);
 * then the former leader, back to streaming. Writes pause for the switchover only (2-5 s measured in the suite), not
 * for a member's restart. `recreate` recreates the named services and waits for their health checks.
 */
export async function rollMembers(
  stack: Stack,
  changed: string[],
  recreate: (services: string[]) => Promise<void>,
  log: (l: string) => void,
): Promise<void> {
  const topo = { postgres: await runningMembers(stack) };
  const before = await patroniMembers(stack, topo).catch(() => []);
  const order = memberOrder(changed, before);
  if (order.atOnce) {
    log(`recreating PostgreSQL's members together (no replica streaming to hand over to): ${changed.join(", ")}`);
    await recreate(changed);
    return;
  }
  for (const member of order.replicas) {
    log(`recreating ${member} (a replica), then waiting for it to stream from the leader`);
    await recreate([member]);
    await untilStreaming(stack, topo, member);
  }
  if (!order.leader) return;
  // In synchronous mode Patroni hands the leadership only to the synchronous standby, which the leader names again a
  // loop after a recreated replica streams: wait for it rather than have the switchover refused.
  if (before.some((m) => m.role === "sync-standby"))
    await until(stack, topo, "a synchronous standby", (ms) => ms.some((m) => m.role === "sync-standby"));
  const moved = await switchover(stack, topo);
  log(`switched the leader over from ${moved.from} to ${moved.to}; recreating ${moved.from}`);
  await recreate([moved.from]);
  await untilStreaming(stack, topo, moved.from);
}

const untilStreaming = (stack: Stack, topo: { postgres: string[] }, member: string) =>
  until(stack, topo, `${member} streaming from the leader`, (ms) =>
    ms.some((m) => m.member === member && m.role !== "leader" && m.state === "streaming"),
  );

/** Wait until Patroni's list of members satisfies `ok`, or fail naming what did not happen (waitFor). */
const until = (stack: Stack, topo: { postgres: string[] }, what: string, ok: (members: PatroniMember[]) => boolean) =>
  waitFor(what, async () => (ok(await patroniMembers(stack, topo).catch(() => [])) ? true : undefined), {
    timeoutMs: STREAM_TIMEOUT_MS,
    fix: "check `stevie-stack status` and `stevie-stack logs`; the members not yet recreated run as before",
  });
