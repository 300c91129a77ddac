import { join } from "node:path";
import { readIfExists } from "../stack/files.js";
import type { StackPaths } from "../stack/paths.js";
import { inLeader } from "../stack/cluster.js";
import { type DrillRecord, type ScheduledDrillFile, judgeScheduled } from "./parse.js";
import { Stack } from "../stack/handle.js";

/** The drills so far: the CLI's (in the stack's state directory) and the stack's own scheduled ones (on the leader). */

export function drillLog(paths: StackPaths): string {
  return join(paths.state, "drills.json");
}

export async function readDrills(paths: StackPaths): Promise<DrillRecord[]> {
  const text = await readIfExists(drillLog(paths));
  return text ? (JSON.parse(text) as DrillRecord[]) : [];
}

/** The stack's own drills, judged; asked on the leader (none when there is no leader). */
export async function scheduledDrills(stack: Stack): Promise<DrillRecord[]> {
  const r = await inLeader(stack, ["stevie-drill-records"], { timeoutMs: 60_000 }).catch(() => undefined);
  if (!r || r.exitCode !== 0) return [];
  return r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => judgeScheduled(JSON.parse(l) as ScheduledDrillFile));
}

/** Every drill, the CLI's and the stack's own, oldest first. */
export async function allDrills(stack: Stack): Promise<DrillRecord[]> {
  const { paths } = stack;
  const [mine, theirs] = await Promise.all([readDrills(paths), scheduledDrills(stack)]);
  return [...mine, ...theirs].sort((a, b) => a.at.localeCompare(b.at));
}
