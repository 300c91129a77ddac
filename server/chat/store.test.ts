import { describe, expect, it } from "vitest";
import { createMemoryChatStore, SESSION_TTL_MS, SessionGoneError } from "./store.js";
import type { ChatTurn } from "./types.js";

const turn = (id: string, role: ChatTurn["role"] = "user"): ChatTurn => ({
  id,
  role,
  text: `text ${id}`,
  at: "2025-01-01T00:00:00.000Z",
  status: "complete",
});

describe("memory chat store", () => {
  it("keeps turns in order, and a copy: callers cannot change what is stored", async () => {
    const s = createMemoryChatStore();
    await s.create({ id: "a", createdAt: "2025-01-01T00:00:00.000Z" });
    await s.append("a", turn("1"), turn("2", "assistant"));
    const got = await s.get("a");
    expect(got?.turns.map((t) => t.id)).toEqual(["1", "2"]);
    got!.turns.pop();
    expect((await s.get("a"))?.turns).toHaveLength(2);
    expect(await s.get("missing")).toBeNull();
    await expect(s.append("missing", turn("x"))).rejects.toBeInstanceOf(SessionGoneError);
  });

  it("folds the oldest turns into a summary", async () => {
    const s = createMemoryChatStore();
    await s.create({ id: "a", createdAt: "t" });
    await s.append("a", turn("1"), turn("2"), turn("3"), turn("4"));
    await s.compact("a", "summary one", 3);
    expect(await s.get("a")).toMatchObject({ summary: "summary one", summarisedTurns: 3, turns: [{ id: "4" }] });
  });

  it("expires a session 24 h after its last write", async () => {
    let now = 0;
    const s = createMemoryChatStore({ now: () => now });
    await s.create({ id: "a", createdAt: "t" });
    now = SESSION_TTL_MS - 1;
    await s.append("a", turn("1")); // slides the expiry
    now = SESSION_TTL_MS + 1_000;
    expect(await s.get("a")).not.toBeNull();
    now = 2 * SESSION_TTL_MS;
    expect(await s.get("a")).toBeNull();
  });

  it("lets one holder lock a session, frees it on release or after its TTL, and ignores a stale release", async () => {
    let now = 0;
    const s = createMemoryChatStore({ now: () => now });
    const first = await s.lock("a", 1_000);
    expect(first).not.toBeNull();
    expect(await s.lock("a", 1_000)).toBeNull();
    expect(await s.lock("b", 1_000)).not.toBeNull();
    now = 1_001; // the first holder crashed: its lock expired
    const second = await s.lock("a", 1_000);
    expect(second).not.toBeNull();
    await first!.release(); // must not free the second holder's lock
    expect(await s.lock("a", 1_000)).toBeNull();
    await second!.release();
    expect(await s.lock("a", 1_000)).not.toBeNull();
  });
});
