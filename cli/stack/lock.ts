import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { UserError } from "../errors.js";
import { readIfExists, writeAtomic } from "./files.js";
import { insideOps } from "./ops.js";
import type { StackPaths } from "./paths.js";

/**
 * One change to a stack at a time. The CLI on the host and the ops service (ops.ts) both apply changes, and two
 * applies at once would each start and stop containers on what it saw before the other began. The lock is a directory
 * in state/ (proper-lockfile): taken atomically, kept fresh every 10 s while held, and taken over once it is 60 s
 * stale, so a holder that was killed does not block the stack for good. The same process may nest changes.
 */
const held = new Set<string>();

export class StackBusyError extends UserError {}

interface Holder {
  what: string;
  pid: number;
  since: string;
  ops: boolean;
}

export async function withStackLock<T>(
  paths: Pick<StackPaths, "state">,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (held.has(paths.state)) return fn();
  await mkdir(paths.state, { recursive: true });
  const holderFile = join(paths.state, "change.json");
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(paths.state, {
      lockfilePath: join(paths.state, "change.lock"),
      realpath: false,
      stale: 60_000,
      update: 10_000,
      onCompromised: (err) => process.emitWarning(`the stack's change lock was lost: ${err.message}`),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ELOCKED") throw err;
    const h = JSON.parse((await readIfExists(holderFile)) ?? "null") as Holder | null;
    throw new StackBusyError(
      `another change to this stack is in progress${h ? `: ${h.what}, by ${h.ops ? "the ops service" : `process ${h.pid}`} since ${h.since}` : ""}`,
      "wait until it ends and run the command again",
    );
  }
  held.add(paths.state);
  try {
    const holder: Holder = { what, pid: process.pid, since: new Date().toISOString(), ops: insideOps() };
    await writeAtomic(holderFile, `${JSON.stringify(holder)}\n`);
    return await fn();
  } finally {
    held.delete(paths.state);
    await release().catch(() => undefined);
  }
}
