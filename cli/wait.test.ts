import { describe, expect, it } from "vitest";
import { UserError } from "./errors.js";
import { poll, waitFor } from "./wait.js";

describe("poll and waitFor", () => {
  it("returns the first value the probe gives, after probing as often as needed", async () => {
    let calls = 0;
    const v = await poll(async () => (++calls === 3 ? "ready" : undefined), { timeoutMs: 5_000, everyMs: 10 });
    expect(v).toBe("ready");
    expect(calls).toBe(3);
  });

  it("keeps false and 0 as answers: only undefined means not yet", async () => {
    expect(await poll(async () => false, { timeoutMs: 1_000 })).toBe(false);
    expect(await poll(async () => 0, { timeoutMs: 1_000 })).toBe(0);
  });

  it("gives undefined at the deadline, having probed at least once and not long after it", async () => {
    let calls = 0;
    const t0 = Date.now();
    expect(await poll(async () => void calls++, { timeoutMs: 120, everyMs: 50 })).toBeUndefined();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(Date.now() - t0).toBeLessThan(1_000);
    calls = 0;
    expect(await poll(async () => void calls++, { timeoutMs: 0 })).toBeUndefined();
    expect(calls).toBe(1);
  });

  it("ends with the probe's own error", async () => {
    await expect(poll(async () => Promise.reject(new Error("gone")), { timeoutMs: 1_000 })).rejects.toThrow("gone");
  });

  it("waitFor names what it waited for and the fix when it gives up", async () => {
    const err = await waitFor("the leader", async () => undefined, {
      timeoutMs: 30,
      everyMs: 10,
      fix: "see status",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe("gave up after 0 s waiting for the leader");
    expect((err as UserError).fix).toBe("see status");
    expect(await waitFor("x", async () => 7, { timeoutMs: 10 })).toBe(7);
  });
});
