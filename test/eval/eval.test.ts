import { describe, expect, it } from "vitest";
import {
  mean,
  percentile,
  recallAtK,
  reciprocalRank,
  renderTable,
  summarise,
  worstFirst,
  type NomineeRun,
} from "./eval.js";

describe("eval metrics", () => {
  it("recall@k is the share of expected codes in the top k", () => {
    const got = ["A", "B", "C", "D", "E", "F"];
    expect(recallAtK(["A"], got, 5)).toBe(1);
    expect(recallAtK(["F"], got, 5)).toBe(0); // 6th
    expect(recallAtK(["F"], got, 10)).toBe(1);
    expect(recallAtK(["B", "Z"], got, 5)).toBe(0.5);
    expect(recallAtK(["C", "E", "X", "Y"], got, 3)).toBe(0.25);
    expect(recallAtK(["A"], [], 5)).toBe(0);
    expect(() => recallAtK([], got, 5)).toThrow();
  });

  it("reciprocal rank counts the first expected code only, within the cutoff", () => {
    const got = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K"];
    expect(reciprocalRank(["A"], got)).toBe(1);
    expect(reciprocalRank(["C", "B"], got)).toBe(1 / 2); // B at rank 2 comes first
    expect(reciprocalRank(["D"], got)).toBe(1 / 4);
    expect(reciprocalRank(["J"], got)).toBe(1 / 10);
    expect(reciprocalRank(["K"], got)).toBe(0); // rank 11 is past the cutoff
    expect(reciprocalRank(["Z"], got)).toBe(0);
  });

  it("percentiles use the nearest rank", () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10]; // 1..10 unsorted
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 10)).toBe(1);
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
    expect(mean([1, 2, 3, 6])).toBe(3);
  });

  it("summarises a mode: averages over nominees", () => {
    const runs: NomineeRun[] = [
      { id: "a", expected: ["X"], got: ["X", "P", "Q"], latencyMs: 10 }, // r@5 1, r@10 1, rr 1
      { id: "b", expected: ["X", "Y"], got: ["P", "Q", "R", "S", "T", "U", "X"], latencyMs: 20 }, // r@5 0, r@10 .5, rr 1/7
      { id: "c", expected: ["Y"], got: ["P"], latencyMs: 30 }, // all 0
      { id: "d", expected: ["X", "Y"], got: ["Y", "P", "X"], latencyMs: 40 }, // r@5 1, r@10 1, rr 1
    ];
    const s = summarise("hybrid", runs);
    expect(s.n).toBe(4);
    expect(s.recallAt5).toBeCloseTo((1 + 0 + 0 + 1) / 4);
    expect(s.recallAt10).toBeCloseTo((1 + 0.5 + 0 + 1) / 4);
    expect(s.mrr).toBeCloseTo((1 + 1 / 7 + 0 + 1) / 4);
    expect(s.misses).toBe(1);
    expect(s.p50Ms).toBe(20);
    expect(s.p95Ms).toBe(40);
    expect(worstFirst(runs).map((r) => r.id)).toEqual(["c", "b", "a", "d"]);
  });

  it("renders an aligned table", () => {
    expect(
      renderTable([
        ["mode", "MRR"],
        ["vector", "0.5"],
        ["fulltext", "0.25"],
      ]),
    ).toBe(["mode      MRR", "--------  ----", "vector     0.5", "fulltext  0.25"].join("\n"));
  });
});
