import { setTimeout as sleep } from "node:timers/promises";
import { UserError } from "./errors.js";

/** The CLI's one way to pause and to wait for something: `sleep(ms)`, `poll` and `waitFor` below. */
export { sleep };

export interface PollOptions {
  timeoutMs: number;
  /** Between two probes; 1 s unless said. */
  everyMs?: number;
}

/**
 * Ask `probe` until it gives a value (anything but undefined), at most until `timeoutMs` has passed: the value, or
 * undefined at the deadline for the caller to judge. The probe runs at least once. A probe that throws ends the wait
 * with its error (one that means "not yet" catches its own).
 */
export async function poll<T>(probe: () => Promise<T | undefined>, opts: PollOptions): Promise<T | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined || Date.now() >= deadline) return v;
    await sleep(Math.max(0, Math.min(opts.everyMs ?? 1_000, deadline - Date.now())));
  }
}

/** `poll`, and a UserError naming `what` ("the migrations to finish") and the next thing to try at the deadline. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: PollOptions & { fix?: string },
): Promise<T> {
  const v = await poll(probe, opts);
  if (v === undefined)
    throw new UserError(`gave up after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${what}`, opts.fix);
  return v;
}
