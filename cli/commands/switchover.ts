import { recordAudit } from "../stack/audit.js";
import { leaderOf, switchover } from "../stack/cluster.js";
import { loadStack, stackTopology } from "./status.js";

/** `stevie-stack switchover`: Patroni hands the leadership over, waits for the new leader, and we record it. */
export async function runSwitchover(opts: { dir: string; to?: string }): Promise<{ from: string; to: string; leader?: string }> {
  const { paths, config } = await loadStack(opts.dir);
  const topo = await stackTopology(config);
  const r = await switchover(paths, config.projectName, topo, opts.to);
  // Patroni returns once the switchover is scheduled and done; confirm who leads now.
  let leader: string | undefined;
  for (let i = 0; i < 30 && leader !== r.to; i++) {
    leader = await leaderOf(paths, config.projectName, topo).catch(() => undefined);
    if (leader !== r.to) await new Promise((res) => setTimeout(res, 1_000));
  }
  await recordAudit(paths, config.projectName, { action: "switchover", target: r.to, details: { from: r.from, to: r.to } });
  return { ...r, leader };
}
