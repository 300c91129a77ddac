import { describe, expect, it } from "vitest";
import { memberOrder } from "./roll-members.js";

const member = (name: string, role: string, state: string) => ({ member: name, role, state });

describe("the order PostgreSQL's members are recreated in (roll-members.ts)", () => {
  const cluster = [
    member("postgres-1", "leader", "running"),
    member("postgres-2", "sync-standby", "streaming"),
    member("postgres-3", "replica", "streaming"),
  ];

  it("takes the replicas first and the leader last, after a switchover", () => {
    expect(memberOrder(["postgres-1", "postgres-2", "postgres-3"], cluster)).toEqual({
      replicas: ["postgres-2", "postgres-3"],
      leader: "postgres-1",
      atOnce: false,
    });
  });

  it("leaves the leader alone when only replicas changed", () => {
    expect(memberOrder(["postgres-3"], cluster)).toEqual({ replicas: ["postgres-3"], atOnce: false });
  });

  it("recreates them together when there is nobody to hand the leadership to", () => {
    const changed = ["postgres-1", "postgres-2"];
    expect(memberOrder(changed, [member("postgres-1", "leader", "running")]).atOnce).toBe(true);
    expect(
      memberOrder(changed, [member("postgres-1", "replica", "stopped"), member("postgres-2", "replica", "streaming")])
        .atOnce,
    ).toBe(true);
    expect(
      memberOrder(changed, [member("postgres-1", "leader", "running"), member("postgres-2", "replica", "stopped")])
        .atOnce,
    ).toBe(true);
    expect(memberOrder(changed, []).atOnce).toBe(true);
  });
});
