import { describe, expect, it } from "vitest";
import { decide, SPEC_POLICY, withinCapacity, type Capacity, type Decision, type LoadSample } from "./autoscale.js";

const MIN = 60_000;
const now = 100 * MIN;
const calm: Omit<LoadSample, "at"> = { cpu: 0.5, memory: 0.5, rpmPerReplica: 300, p95Seconds: 0.05 };

/** Samples every 15 s over the last `minutes`, each from `f(minutesAgo)`. */
function series(minutes: number, f: (ago: number) => Partial<LoadSample>): LoadSample[] {
  const out: LoadSample[] = [];
  for (let t = now - minutes * MIN; t <= now; t += 15_000) out.push({ ...calm, at: t, ...f((now - t) / MIN) });
  return out;
}

describe("autoscaling policy (spec §1, §5, §10)", () => {
  it("scales up by 1 after 2 minutes above a threshold, whichever it is", () => {
    expect(
      decide(
        series(10, (ago) => (ago <= 2 ? { cpu: 0.75 } : {})),
        { replicas: 2 },
        now,
      ),
    ).toMatchObject({ action: "up", to: 3, reason: expect.stringMatching(/CPU 75 % > 70 %/) });
    expect(
      decide(
        series(10, (ago) => (ago <= 2 ? { memory: 0.85 } : {})),
        { replicas: 4 },
        now,
      ),
    ).toMatchObject({ action: "up", to: 5 });
    expect(
      decide(
        series(10, (ago) => (ago <= 2 ? { rpmPerReplica: 1100 } : {})),
        { replicas: 2 },
        now,
      ),
    ).toMatchObject({ action: "up", to: 3, reason: expect.stringMatching(/1100 req\/min/) });
    expect(
      decide(
        series(10, (ago) => (ago <= 2 ? { p95Seconds: 0.6 } : {})),
        { replicas: 2 },
        now,
      ),
    ).toMatchObject({ action: "up", to: 3, reason: expect.stringMatching(/p95 600 ms/) });
    // Different thresholds in turn still count as sustained load.
    expect(
      decide(
        series(10, (ago) => (ago <= 1 ? { cpu: 0.8 } : ago <= 2 ? { p95Seconds: 0.7 } : {})),
        { replicas: 2 },
        now,
      ).action,
    ).toBe("up");
  });

  it("scales up by 2 when the load is far past the line the whole time", () => {
    expect(
      decide(
        series(5, () => ({ rpmPerReplica: 1600 })),
        { replicas: 2 },
        now,
      ),
    ).toMatchObject({ action: "up", to: 4 });
    expect(
      decide(
        series(5, () => ({ p95Seconds: 0.8 })),
        { replicas: 2 },
        now,
      ),
    ).toMatchObject({ action: "up", to: 4 });
    expect(
      decide(
        series(5, () => ({ rpmPerReplica: 1400 })),
        { replicas: 2 },
        now,
      ),
    ).toMatchObject({ action: "up", to: 3 });
  });

  it("ignores short spikes: 1 minute, or 1 m 45 s, of load does nothing", () => {
    expect(
      decide(
        series(10, (ago) => (ago <= 1 ? { cpu: 0.95 } : {})),
        { replicas: 2 },
        now,
      ).action,
    ).toBe("hold");
    expect(
      decide(
        series(10, (ago) => (ago <= 1.75 ? { cpu: 0.95 } : {})),
        { replicas: 2 },
        now,
      ).action,
    ).toBe("hold");
    // A dip in the middle of the window breaks "sustained".
    expect(
      decide(
        series(10, (ago) => (ago <= 2 && Math.abs(ago - 1) > 0.1 ? { cpu: 0.9 } : {})),
        { replicas: 2 },
        now,
      ).action,
    ).toBe("hold");
    // NaN p95 (no traffic) is not a breach.
    expect(
      decide(
        series(5, () => ({ p95Seconds: Number.NaN })),
        { replicas: 3 },
        now,
      ).action,
    ).toBe("hold");
  });

  it("respects the cooldowns: 3 minutes before another scale-up, 10 before a scale-down", () => {
    const loaded = series(5, () => ({ cpu: 0.8 }));
    expect(decide(loaded, { replicas: 3, lastChangeAt: now - 2 * MIN }, now)).toMatchObject({
      action: "hold",
      reason: expect.stringMatching(/3-minute cooldown/),
    });
    expect(decide(loaded, { replicas: 3, lastChangeAt: now - 3 * MIN }, now)).toMatchObject({ action: "up", to: 4 });
    const idle = series(12, () => ({ cpu: 0.1, memory: 0.2 }));
    expect(decide(idle, { replicas: 4, lastChangeAt: now - 9 * MIN }, now)).toMatchObject({
      action: "hold",
      reason: expect.stringMatching(/10-minute cooldown/),
    });
    expect(decide(idle, { replicas: 4, lastChangeAt: now - 10 * MIN }, now)).toMatchObject({ action: "down", to: 3 });
  });

  it("scales down by 1 only after 5 quiet minutes with both CPU and memory low", () => {
    expect(
      decide(
        series(10, () => ({ cpu: 0.2, memory: 0.3 })),
        { replicas: 5 },
        now,
      ),
    ).toMatchObject({ action: "down", to: 4, reason: expect.stringMatching(/CPU 20 % < 30 % and memory 30 % < 40 %/) });
    expect(
      decide(
        series(10, (ago) => (ago <= 4 ? { cpu: 0.2, memory: 0.3 } : {})),
        { replicas: 5 },
        now,
      ).action,
    ).toBe("hold");
    expect(
      decide(
        series(10, () => ({ cpu: 0.2, memory: 0.5 })),
        { replicas: 5 },
        now,
      ).action,
    ).toBe("hold");
  });

  it("stays within 2..20, and brings an out-of-bounds count back at once", () => {
    expect(
      decide(
        series(5, () => ({ rpmPerReplica: 5000 })),
        { replicas: 20 },
        now,
      ),
    ).toMatchObject({ action: "hold", reason: expect.stringMatching(/maximum of 20/) });
    expect(
      decide(
        series(5, () => ({ rpmPerReplica: 5000 })),
        { replicas: 19 },
        now,
      ),
    ).toMatchObject({ action: "up", to: 20 });
    expect(
      decide(
        series(10, () => ({ cpu: 0.05, memory: 0.1 })),
        { replicas: 2 },
        now,
      ),
    ).toMatchObject({ action: "hold", reason: expect.stringMatching(/minimum of 2/) });
    expect(decide([], { replicas: 1 }, now)).toMatchObject({ action: "up", to: 2 });
    expect(decide([], { replicas: 25 }, now)).toMatchObject({ action: "down", to: 20 });
    expect(
      decide(
        series(1, () => ({ cpu: 0.9 })),
        { replicas: 2 },
        now,
      ),
    ).toMatchObject({ action: "hold", reason: "not enough history yet" });
  });

  it("replays a day: load that rises and falls is followed, never faster than the cooldowns allow", () => {
    // Total demand in "replica-CPUs": quiet, a 2-hour peak needing ~6 replicas at 60 %, quiet again.
    const demand = (m: number) => (m < 60 ? 0.8 : m < 180 ? 3.6 : 0.8);
    let state = { replicas: 2, lastChangeAt: undefined as number | undefined };
    const history: LoadSample[] = [];
    const changes: { at: number; from: number; to: number }[] = [];
    for (let t = 0; t <= 300 * MIN; t += 15_000) {
      const cpu = Math.min(1, demand(t / MIN) / state.replicas);
      history.push({ at: t, cpu, memory: 0.35, rpmPerReplica: 600 * cpu, p95Seconds: 0.05 + (cpu > 0.9 ? 0.6 : 0) });
      const d = decide(history.slice(-40), state, t);
      if (d.action !== "hold") {
        changes.push({ at: t, from: d.from, to: d.to });
        state = { replicas: d.to, lastChangeAt: t };
      }
    }
    const peak = Math.max(...changes.map((c) => c.to));
    expect(peak).toBeGreaterThanOrEqual(5);
    expect(peak).toBeLessThanOrEqual(7);
    expect(state.replicas).toBe(2);
    for (let i = 1; i < changes.length; i++) {
      const gap = changes[i]!.at - changes[i - 1]!.at;
      expect(gap).toBeGreaterThanOrEqual(
        changes[i]!.to > changes[i]!.from ? SPEC_POLICY.upCooldownMs : SPEC_POLICY.downCooldownMs,
      );
    }
    for (const c of changes) expect(Math.abs(c.to - c.from)).toBeLessThanOrEqual(c.to > c.from ? 2 : 1);
  });
});

describe("the autoscaler's ceiling: the host's memory and CPU, the database's connections", () => {
  const GiB = 1024 ** 3;
  // 16 GiB host with 8 free, replicas of 1 GiB, 300 connections of which 100 are open, pools of 12.
  const roomy: Capacity = {
    memAvailable: 8 * GiB,
    memTotal: 16 * GiB,
    replicaRss: GiB,
    hostCpuBusy: 0.5,
    freeConnections: 200,
    poolMax: 12,
  };
  const up: Decision = { action: "up", from: 4, to: 6, reason: "CPU 95 % > 70 %" };

  it("lets a scale-up through when both have room", () => {
    expect(withinCapacity(up, roomy)).toEqual(up);
  });

  it("cuts a scale-up to what the host's free memory holds above its 10 % reserve", () => {
    // 2.1 GiB free - 1.6 GiB reserve = 0.5 GiB: no room for a 1 GiB replica.
    const none = withinCapacity(up, { ...roomy, memAvailable: 2.1 * GiB });
    expect(none).toMatchObject({ action: "hold", to: 4 });
    expect(none.reason).toContain("the host's free memory");
    // 2.7 GiB free: room for one of the two.
    const one = withinCapacity(up, { ...roomy, memAvailable: 2.7 * GiB });
    expect(one).toMatchObject({ action: "up", from: 4, to: 5 });
    expect(one.reason).toContain("by 1");
  });

  it("cuts a scale-up to the connections free for whole pools above the reserve", () => {
    // 30 free - 15 kept = 15: one pool of 12.
    expect(withinCapacity(up, { ...roomy, freeConnections: 30 })).toMatchObject({ action: "up", to: 5 });
    const none = withinCapacity(up, { ...roomy, freeConnections: 26 });
    expect(none).toMatchObject({ action: "hold", to: 4 });
    expect(none.reason).toContain("the database's free connections");
  });

  it("holds when the host's CPUs are saturated, or a figure is unknown", () => {
    expect(withinCapacity(up, { ...roomy, hostCpuBusy: 0.95 }).reason).toContain("95 % busy");
    expect(withinCapacity(up, { ...roomy, hostCpuBusy: 0.95 }).action).toBe("hold");
    const unknown = withinCapacity(up, { ...roomy, freeConnections: Number.NaN });
    expect(unknown).toMatchObject({ action: "hold", to: 4 });
    expect(unknown.reason).toContain("cannot be read");
  });

  it("never stands in the way of a hold or a scale-down", () => {
    const down: Decision = { action: "down", from: 4, to: 3, reason: "quiet" };
    const starved = { ...roomy, memAvailable: 0, freeConnections: 0 };
    expect(withinCapacity(down, starved)).toEqual(down);
    const hold: Decision = { action: "hold", from: 4, to: 4, reason: "load within the thresholds" };
    expect(withinCapacity(hold, starved)).toEqual(hold);
  });
});
