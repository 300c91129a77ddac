import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { Db } from "../db.js";
import { createHistoryWriter, type HistoryRow } from "./history.js";

const row = (i: number): HistoryRow => ({
  requestId: `r${i}`,
  descriptionHash: "h",
  profile: {},
  model: "m",
  mode: "hybrid",
  results: [],
  latencyMs: i,
});

/** Records the batches it is asked to insert (the request ids of each); `fail` makes the next statement fail. */
function recordingDb() {
  const batches: string[][] = [];
  const state = { fail: false, slowMs: 0 };
  const db = {
    async query(_sql: string, params: unknown[][]) {
      if (state.slowMs) await new Promise((r) => setTimeout(r, state.slowMs));
      if (state.fail) throw new Error("connection refused");
      batches.push(params[0] as string[]);
      return { rows: [] };
    },
  } as unknown as Db;
  return { db, batches, state };
}

async function dropped(registry: Registry, reason: string): Promise<number> {
  const m = await registry.getSingleMetric("stevie_history_rows_dropped_total")!.get();
  return m.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe("recommendation history writer", () => {
  it("writes the rows of a burst as one statement after the flush delay", async () => {
    const { db, batches } = recordingDb();
    const w = createHistoryWriter(db, { flushMs: 20 });
    for (let i = 0; i < 5; i++) w.record(row(i));
    expect(batches).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(batches).toEqual([["r0", "r1", "r2", "r3", "r4"]]);
  });

  it("writes at once when a batch is full, one statement at a time, and close writes the rest", async () => {
    const { db, batches, state } = recordingDb();
    state.slowMs = 10;
    const w = createHistoryWriter(db, { flushMs: 10_000, maxBatch: 3 });
    for (let i = 0; i < 7; i++) w.record(row(i));
    await w.close();
    expect(batches).toEqual([["r0", "r1", "r2"], ["r3", "r4", "r5"], ["r6"]]);
  });

  it("drops and counts a batch the database refuses, and goes on with the next", async () => {
    const { db, batches, state } = recordingDb();
    const registry = new Registry();
    const w = createHistoryWriter(db, { flushMs: 10_000, registry });
    state.fail = true;
    w.record(row(1));
    w.record(row(2));
    await w.flush();
    state.fail = false;
    w.record(row(3));
    await w.flush();
    expect(batches).toEqual([["r3"]]);
    expect(await dropped(registry, "database")).toBe(2);
  });

  it("holds at most maxQueued rows while the database is slow; the others are counted, not kept", async () => {
    const { db, batches, state } = recordingDb();
    state.slowMs = 30;
    const registry = new Registry();
    const w = createHistoryWriter(db, { flushMs: 10_000, maxBatch: 2, maxQueued: 4, registry });
    for (let i = 0; i < 2; i++) w.record(row(i)); // a full batch: its statement is now in flight
    for (let i = 2; i < 9; i++) w.record(row(i)); // 4 wait, 3 are dropped
    await w.close();
    expect(batches.flat()).toEqual(["r0", "r1", "r2", "r3", "r4", "r5"]);
    expect(await dropped(registry, "queue_full")).toBe(3);
  });
});
